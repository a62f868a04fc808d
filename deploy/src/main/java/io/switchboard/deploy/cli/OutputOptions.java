package io.switchboard.deploy.cli;

import picocli.CommandLine.Option;

/** {@code --output table|json}: every command takes it. */
public final class OutputOptions {

  /** The output formats. */
  public enum Format { TABLE, JSON }

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default, for people) or json (for scripts: the API's JSON as it came)")
  Format format = Format.TABLE;
}

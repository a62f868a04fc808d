package io.switchboard.deploy.cli;

import picocli.CommandLine;

import java.util.List;

/**
 * The admin commands of {@code switchboard}: tenant admins' and operators' calls of the REST API
 * ({@code tenants}, {@code installations}, {@code policy}, {@code jobs}, {@code audit}, {@code tokens},
 * {@code secrets}) and the node's {@code config check}. They are subcommands of the launcher, whose
 * roles ({@code all}, {@code gateway}, {@code executor}, {@code migrate}) stay as they are. See
 * {@code docs/cli.md}.
 */
public final class Cli {

  private Cli() {
  }

  /** {@code root} (the launcher) with the admin commands added, printing to and reading from {@code context}. */
  public static CommandLine commandLine(Object root, CliContext context) {
    CommandLine commandLine = new CommandLine(root);
    for (Object group : List.of(new TenantsCommand(context), new InstallationsCommand(context),
        new PolicyCommand(context), new JobsCommand(context), new AuditCommand(context), new TokensCommand(context),
        new SecretsCommand(context), new ConfigCommand(context))) {
      commandLine.addSubcommand(group);
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(context.out());
    commandLine.setErr(context.err());
    return commandLine;
  }
}

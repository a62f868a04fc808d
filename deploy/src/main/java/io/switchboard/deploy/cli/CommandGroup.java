package io.switchboard.deploy.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * A command group ({@code switchboard jobs ...}): its subcommands are its {@code @Command} methods.
 * Run without one, it prints its usage and exits with {@link Exit#USAGE}. {@link #call} runs one API
 * command: it resolves the connection, and turns a {@link CliFailure} into its message and exit code.
 */
abstract class CommandGroup implements Callable<Integer> {

  /** What an API command does with the API and the output; returns the exit code. */
  interface ApiCommand {
    int run(ApiClient api, Output output);
  }

  /** What a command that needs no API does. */
  interface LocalCommand {
    int run(Output output);
  }

  final CliContext context;

  @Spec
  CommandSpec spec;

  CommandGroup(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    context.err().println("switchboard " + spec.name() + ": name a command: "
        + String.join(", ", spec.subcommands().keySet()));
    spec.commandLine().usage(context.err());
    return Exit.USAGE;
  }

  int call(ConnectionOptions options, ConnectionOptions.TokenKind token, ApiCommand command) {
    return local(options.output, output -> command.run(new ApiClient(options.resolve(context.env(), token)), output));
  }

  /**
   * An API command that prints the list the API answers at {@code path}: its {@code field} as a table
   * of {@code columns} (or the JSON as it came), {@code none} when empty, and for people a note naming
   * the next page when the answer has one ({@code nextBefore}).
   */
  int getList(ConnectionOptions options, ConnectionOptions.TokenKind token, String path, String field, String none,
              String... columns) {
    return call(options, token, (api, out) -> {
      String body = api.get(path).body();
      out.list(body, field, none, columns);
      nextPage(out, body, "nextBefore", "Next page: --before");
      return Exit.OK;
    });
  }

  /** An API command that prints the object the API answers at {@code path}. */
  int getObject(ConnectionOptions options, ConnectionOptions.TokenKind token, String path) {
    return call(options, token, (api, out) -> print(out, api.get(path).body()));
  }

  /** Prints one object the API answered; the exit code of a command that did. */
  static int print(Output out, String body) {
    out.object(body);
    return Exit.OK;
  }

  int local(OutputOptions options, LocalCommand command) {
    try {
      return command.run(new Output(context.out(), options.format));
    } catch (CliFailure e) {
      return fail(e);
    }
  }

  int fail(CliFailure e) {
    context.out().flush();
    context.err().println("switchboard: " + e.getMessage());
    context.err().flush();
    return e.exitCode();
  }

  /** For people, on stderr: {@code hint} and the page's {@code cursor} field, when it names one. */
  void nextPage(Output out, String body, String cursor, String hint) {
    Object next = out.json() ? null : new io.vertx.core.json.JsonObject(body).getValue(cursor);
    if (next != null) {
      note(hint + " " + next);
    }
  }

  /** A message on stderr (notes for people that would spoil a script's stdout). */
  void note(String text) {
    context.err().println(text);
    context.err().flush();
  }
}

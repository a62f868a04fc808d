package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Map;

/**
 * {@code switchboard secrets put|list|delete}: the tenant's write-only secrets. A value comes from
 * standard input (or the terminal, not echoed), never from the command line, and is never printed.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true,
    description = "Store, list and delete the tenant's secrets (write-only: no command shows a value).")
final class SecretsCommand extends CommandGroup {

  SecretsCommand(CliContext context) {
    super(context);
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Stores a secret (a new version if it exists). The value is read from standard input, e.g. "
          + "'switchboard secrets put db-password < file', or typed without echo on a terminal.")
  int put(@Mixin ConnectionOptions options, @Parameters(paramLabel = "NAME", description = "the secret's name") String name) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      String value = context.readSecret("Value of " + name + " (not shown): ");
      if (value.isEmpty()) {
        throw new CliFailure(Exit.USAGE, "refusing an empty value for " + name + ": give the value on standard "
            + "input (switchboard secrets put " + name + " < file), or type it at the prompt");
      }
      ApiClient.Response answer = api.send("PUT", "/api/v1/secrets/" + ApiClient.segment(name),
          new JsonObject().put("value", value).encode(), Map.of());
      if (out.json()) {
        out.raw(answer.body());
      } else {
        JsonObject stored = answer.json();
        out.line("Stored " + stored.getString("name") + ", version " + stored.getValue("version"));
      }
      return Exit.OK;
    });
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Names and versions, never values.")
  int list(@Mixin ConnectionOptions options) {
    return getList(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/secrets", "secrets", "No secrets.", "name",
        "version", "updatedAt");
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a secret (exit 3 when there is none).")
  int delete(@Mixin ConnectionOptions options,
             @Parameters(paramLabel = "NAME", description = "the secret's name") String name) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.delete("/api/v1/secrets/" + ApiClient.segment(name));
      if (out.json()) {
        out.raw(answer.body().isBlank() ? new JsonObject().put("deleted", name).encode() : answer.body());
      } else {
        out.line("Deleted " + name);
      }
      return Exit.OK;
    });
  }
}

package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard tokens list|create|revoke}: the tenant's API tokens. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = "List, create and revoke the tenant's admin API tokens.")
final class TokensCommand extends CommandGroup {

  TokensCommand(CliContext context) {
    super(context);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's tokens (never their values).")
  int list(@Mixin ConnectionOptions options) {
    return getList(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/tokens", "tokens", "No tokens.", "id", "label",
        "createdAt", "revokedAt");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Makes a token and prints it, once: only its hash is stored. With --tenant, the operator makes "
          + "one for that tenant (the operator token).")
  int create(@Mixin ConnectionOptions options,
             @Parameters(paramLabel = "LABEL", description = "what the token is for, 1-100 characters") String label,
             @Option(names = "--tenant", paramLabel = "TENANT", description = "operator: the tenant to make it for")
             String tenant) {
    ConnectionOptions.TokenKind kind = tenant == null ? ConnectionOptions.TokenKind.TENANT
        : ConnectionOptions.TokenKind.OPERATOR;
    return call(options, kind, (api, out) -> {
      String path = tenant == null ? "/api/v1/tokens" : "/api/v1/tenants/" + ApiClient.segment(tenant) + "/tokens";
      ApiClient.Response answer = api.post(path, new JsonObject().put("label", label));
      if (out.json()) {
        out.raw(answer.body());
        return Exit.OK;
      }
      JsonObject token = answer.json();
      out.line("Token " + token.getValue("id") + " (" + token.getString("label") + "), shown only this once:");
      out.line(token.getString("token"));
      return Exit.OK;
    });
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes a token: refused from the next request on (exit 4 when revoked already).")
  int revoke(@Mixin ConnectionOptions options, @Parameters(paramLabel = "ID", description = "the token's id") long id) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.delete("/api/v1/tokens/" + id);
      if (out.json()) {
        out.raw(answer.body());
      } else {
        out.line("Token " + id + " revoked at " + answer.json().getString("revokedAt"));
      }
      return Exit.OK;
    });
  }
}

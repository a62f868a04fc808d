package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * {@code switchboard installations ...}: the workspaces bound to the tenant (list, add, disable, claim
 * codes, Slack install links) and the operator's binding on their own word ({@code bind}). Secret
 * fields (a signing secret, bot and command tokens) are read from standard input, never from argv.
 */
@Command(name = "installations", mixinStandardHelpOptions = true,
    description = "The chat workspaces bound to the tenant.")
final class InstallationsCommand extends CommandGroup {

  private static final String[] COLUMNS = {"id", "platform", "workspaceId", "enabled", "ownApp", "verifiedVia",
      "createdAt"};

  InstallationsCommand(CliContext context) {
    super(context);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's installations.")
  int list(@Mixin ConnectionOptions options) {
    return getList(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/installations", "installations",
        "No installations.", COLUMNS);
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Binds a workspace with proof (see docs/api.md#installations): a Slack app of the tenant's own "
          + "(--secret signingSecret --secret botToken), a Mattermost team (--server-url, --secret commandToken "
          + "--secret botToken), the sandbox (sandbox web). Secret values are read from standard input, one line "
          + "each in the order of --secret (or asked without echo on a terminal).")
  int add(@Mixin ConnectionOptions options,
          @Parameters(index = "0", paramLabel = "PLATFORM", description = "slack, teams, discord, mattermost or sandbox")
          String platform,
          @Parameters(index = "1", paramLabel = "WORKSPACE", description = "the workspace (team, guild) id") String workspace,
          @Option(names = "--secret", paramLabel = "FIELD",
              description = "a secret field to read from standard input: signingSecret, botToken or commandToken")
          List<String> secrets,
          @Option(names = "--server-url", paramLabel = "URL", description = "Mattermost: the server's URL") String serverUrl,
          @Option(names = "--application-id", paramLabel = "ID", description = "Discord: the tenant's own application id") String applicationId,
          @Option(names = "--public-key", paramLabel = "HEX", description = "Discord: the own application's public key (64 hex digits)")
          String publicKey) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      JsonObject body = binding(platform, workspace, applicationId, publicKey).put("serverUrl", serverUrl);
      readSecrets(body, secrets, List.of("signingSecret", "botToken", "commandToken"));
      return print(out, api.post("/api/v1/installations", withoutNulls(body)).body());
    });
  }

  @Command(name = "bind", mixinStandardHelpOptions = true,
      description = "Operator: binds a workspace to a tenant on your word (you checked that it is theirs). A Slack "
          + "workspace with --secret signingSecret is the tenant's own app.")
  int bind(@Mixin ConnectionOptions options,
           @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "the tenant") String tenant,
           @Parameters(index = "0", paramLabel = "PLATFORM") String platform,
           @Parameters(index = "1", paramLabel = "WORKSPACE") String workspace,
           @Option(names = "--secret", paramLabel = "FIELD",
               description = "signingSecret (Slack): read from standard input") List<String> secrets,
           @Option(names = "--application-id", paramLabel = "ID", description = "Discord: the tenant's own application id") String applicationId,
           @Option(names = "--public-key", paramLabel = "HEX", description = "Discord: its public key (64 hex digits)") String publicKey) {
    return call(options, ConnectionOptions.TokenKind.OPERATOR, (api, out) -> {
      JsonObject body = binding(platform, workspace, applicationId, publicKey);
      readSecrets(body, secrets, List.of("signingSecret"));
      return print(out, api.post("/api/v1/tenants/" + ApiClient.segment(tenant) + "/installations", withoutNulls(body))
          .body());
    });
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disables an installation.")
  int disable(@Mixin ConnectionOptions options, @Parameters(paramLabel = "ID", description = "the installation's id") long id) {
    return call(options, ConnectionOptions.TokenKind.TENANT,
        (api, out) -> print(out, api.delete("/api/v1/installations/" + id).body()));
  }

  @Command(name = "claim", mixinStandardHelpOptions = true,
      description = "A claim code for a Teams organisation or a Discord server, to be run there by its admin "
          + "(shown once, valid 30 minutes).")
  int claim(@Mixin ConnectionOptions options,
            @Parameters(index = "0", paramLabel = "PLATFORM", description = "teams or discord") String platform,
            @Parameters(index = "1", paramLabel = "WORKSPACE", description = "the guild id or Teams tenant id")
            String workspace) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.post("/api/v1/installations/claims",
          new JsonObject().put("platform", platform).put("workspaceId", workspace));
      if (out.json()) {
        out.raw(answer.body());
      } else {
        JsonObject claim = answer.json();
        out.line("Claim code (shown only this once): " + claim.getString("code"));
        out.line(claim.getString("instructions", ""));
      }
      return Exit.OK;
    });
  }

  @Command(name = "claims", mixinStandardHelpOptions = true, description = "The latest claim codes (without codes).")
  int claims(@Mixin ConnectionOptions options) {
    return getList(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/installations/claims", "claims",
        "No claims.", "id", "platform", "workspaceId", "createdBy", "expiresAt", "usedAt");
  }

  @Command(name = "install-link", mixinStandardHelpOptions = true,
      description = "A link that installs the shared Slack app into another workspace (once, 10 minutes).")
  int installLink(@Mixin ConnectionOptions options) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.post("/api/v1/installations/slack-install-link", null);
      if (out.json()) {
        out.raw(answer.body());
      } else {
        out.line(answer.json().getString("url") + "  (expires " + answer.json().getString("expiresAt") + ")");
      }
      return Exit.OK;
    });
  }

  private static JsonObject binding(String platform, String workspace, String applicationId, String publicKey) {
    return new JsonObject().put("platform", platform).put("workspaceId", workspace)
        .put("applicationId", applicationId).put("publicKey", publicKey);
  }

  private void readSecrets(JsonObject body, List<String> fields, List<String> allowed) {
    if (fields == null || fields.isEmpty()) {
      return;
    }
    for (String field : fields) {
      if (!allowed.contains(field)) {
        throw new CliFailure(Exit.USAGE, "--secret " + field + ": not a secret field here (one of " + allowed + ")");
      }
    }
    List<String> values = context.readSecrets(fields);
    for (int i = 0; i < fields.size(); i++) {
      if (values.get(i).isEmpty()) {
        throw new CliFailure(Exit.USAGE, "no value for " + fields.get(i) + " on standard input (one line per --secret, "
            + "in order)");
      }
      body.put(fields.get(i), values.get(i));
    }
  }

  private static JsonObject withoutNulls(JsonObject body) {
    body.getMap().values().removeIf(java.util.Objects::isNull);
    return body;
  }
}

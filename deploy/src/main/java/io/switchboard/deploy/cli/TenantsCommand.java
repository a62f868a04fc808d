package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard tenants list|show|create|suspend|resume|set}: the operator's tenants. */
@Command(name = "tenants", mixinStandardHelpOptions = true,
    description = "The operator's tenants (the operator token; 'show' without a tenant: your own, with a tenant "
        + "admin token).")
final class TenantsCommand extends CommandGroup {

  private static final String[] COLUMNS = {"id", "name", "status", "maxRunningJobs", "createdAt"};

  TenantsCommand(CliContext context) {
    super(context);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every tenant.")
  int list(@Mixin ConnectionOptions options) {
    return getList(options, ConnectionOptions.TokenKind.OPERATOR, "/api/v1/tenants", "tenants", "No tenants.", COLUMNS);
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One tenant (operator), or without TENANT the tenant of your admin token.")
  int show(@Mixin ConnectionOptions options,
           @Parameters(paramLabel = "TENANT", arity = "0..1", description = "the tenant's id") String id) {
    if (id == null) {
      return getObject(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/tenant");
    }
    return call(options, ConnectionOptions.TokenKind.OPERATOR, (api, out) -> {
      JsonArray tenants = api.get("/api/v1/tenants").json().getJsonArray("tenants", new JsonArray());
      for (Object tenant : tenants) {
        if (tenant instanceof JsonObject object && id.equals(object.getString("id"))) {
          return print(out, object.encode());
        }
      }
      throw new CliFailure(Exit.NOT_FOUND, "no tenant '" + id + "' (switchboard tenants list shows them)");
    });
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a tenant and prints its first admin token, once: keep it.")
  int create(@Mixin ConnectionOptions options,
             @Parameters(paramLabel = "TENANT", description = "its id: lower-case letters, digits, '-'") String id,
             @Option(names = "--name", required = true, paramLabel = "NAME", description = "its display name") String name) {
    return call(options, ConnectionOptions.TokenKind.OPERATOR, (api, out) -> {
      ApiClient.Response answer = api.post("/api/v1/tenants", new JsonObject().put("id", id).put("name", name));
      if (out.json()) {
        out.raw(answer.body());
        return Exit.OK;
      }
      JsonObject created = answer.json();
      out.fields(created.getJsonObject("tenant"));
      out.line("First admin token (shown only this once; keep it): "
          + created.getJsonObject("adminToken").getString("token"));
      return Exit.OK;
    });
  }

  @Command(name = "suspend", mixinStandardHelpOptions = true,
      description = "Suspends a tenant: its tokens get 403 and its chat commands are refused.")
  int suspend(@Mixin ConnectionOptions options, @Parameters(paramLabel = "TENANT") String id) {
    return call(options, ConnectionOptions.TokenKind.OPERATOR,
        (api, out) -> print(out, api.post("/api/v1/tenants/" + ApiClient.segment(id) + "/suspend", null).body()));
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a suspended tenant.")
  int resume(@Mixin ConnectionOptions options, @Parameters(paramLabel = "TENANT") String id) {
    return call(options, ConnectionOptions.TokenKind.OPERATOR,
        (api, out) -> print(out, api.post("/api/v1/tenants/" + ApiClient.segment(id) + "/resume", null).body()));
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Changes a tenant's settings.")
  int set(@Mixin ConnectionOptions options, @Parameters(paramLabel = "TENANT") String id,
          @Option(names = "--max-running-jobs", required = true, paramLabel = "N",
              description = "how many of its jobs may run at once, 1-1000") int maxRunningJobs) {
    return call(options, ConnectionOptions.TokenKind.OPERATOR, (api, out) -> print(out,
        api.send("PATCH", "/api/v1/tenants/" + ApiClient.segment(id),
            new JsonObject().put("maxRunningJobs", maxRunningJobs).encode(), java.util.Map.of()).body()));
  }
}

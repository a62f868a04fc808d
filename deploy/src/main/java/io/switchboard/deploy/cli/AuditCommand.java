package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard audit list|verify}: the tenant's audit log and its chain. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and verify the audit log.")
final class AuditCommand extends CommandGroup {

  AuditCommand(CliContext context) {
    super(context);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's audit events, in chain order.")
  int list(@Mixin ConnectionOptions options,
           @Option(names = "--type", paramLabel = "TYPE", description = "an event type, e.g. policy.changed") String type,
           @Option(names = "--job", paramLabel = "JOB", description = "a job id") Long jobId,
           @Option(names = "--after", paramLabel = "SEQ", description = "the last seq seen: the next page") Long after,
           @Option(names = "--limit", paramLabel = "N", description = "1-500 (default 100)") Integer limit) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      String body = api.get("/api/v1/audit" + ApiClient.query(ApiClient.parameters("type", type,
          "jobId", jobId, "after", after, "limit", limit))).body();
      out.list(body, "events", "No events.", "seq", "occurredAt", "type", "actor", "jobId", "detail");
      nextPage(out, body, "nextAfter", "Next page, or events written since: --after");
      return Exit.OK;
    });
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verifies the audit chain (keyed hashes and the anchors kept outside the database) and names "
          + "the first bad record; exit 7 when it is not intact. A tenant admin verifies their own tenant's; the "
          + "operator any tenant's with --tenant.")
  int verify(@Mixin ConnectionOptions options,
             @Option(names = "--tenant", paramLabel = "TENANT", description = "operator: the tenant to verify")
             String tenant) {
    ConnectionOptions.TokenKind kind = tenant == null ? ConnectionOptions.TokenKind.TENANT
        : ConnectionOptions.TokenKind.OPERATOR;
    return call(options, kind, (api, out) -> {
      String path = tenant == null ? "/api/v1/audit/verify"
          : "/api/v1/tenants/" + ApiClient.segment(tenant) + "/audit-verification";
      ApiClient.Response answer = api.get(path);
      JsonObject result = answer.json();
      boolean intact = Boolean.TRUE.equals(result.getBoolean("intact"));
      if (out.json()) {
        out.raw(answer.body());
      } else if (intact) {
        out.line("Intact: " + result.getValue("recordsChecked") + " records and " + result.getValue("anchorsChecked")
            + " anchors checked (tenant " + result.getValue("tenantId", tenant) + ")");
        printAnchorProblems(out, result);
      } else {
        out.line("NOT INTACT (tenant " + result.getValue("tenantId", tenant) + "): first bad record "
            + result.getValue("brokenAtSeq") + ": " + result.getValue("problem"));
        out.line(result.getValue("recordsChecked") + " records checked");
        printAnchorProblems(out, result);
      }
      return intact ? Exit.OK : Exit.AUDIT_BROKEN;
    });
  }

  private static void printAnchorProblems(Output out, JsonObject result) {
    JsonArray problems = result.getJsonArray("anchorFileProblems");
    if (problems != null) {
      problems.forEach(problem -> out.line("anchor file: " + problem));
    }
    Object unkeyed = result.getValue("unkeyedRecords");
    if (unkeyed instanceof Number number && number.longValue() > 0) {
      out.line(number + " records were written before the chain was keyed");
    }
  }
}

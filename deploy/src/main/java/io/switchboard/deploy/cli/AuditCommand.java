package io.switchboard.deploy.cli;

import io.switchboard.audit.AuditExportVerifier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code switchboard audit list|verify|export|chain-key|anchor-key|verify-export}: the tenant's audit
 * log, its chain, and checking an export away from Switchboard.
 */
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

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Writes the tenant's audit chain as NDJSON (GET /api/v1/audit/export), streamed as it comes: "
          + "keep it, and check it anywhere with verify-export.")
  int export(@Mixin ConnectionOptions options,
             @Option(names = "--from", paramLabel = "TIME", description = "records written at or after this time "
                 + "(RFC 3339 with an offset, e.g. 2026-12-01T00:00:00Z)") String from,
             @Option(names = "--to", paramLabel = "TIME", description = "records written before this time") String to) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      api.download("/api/v1/audit/export" + ApiClient.query(ApiClient.parameters("from", from, "to", to)), out::raw);
      return Exit.OK;
    });
  }

  @Command(name = "chain-key", mixinStandardHelpOptions = true,
      description = "Prints the tenant's audit chain key in hex (GET /api/v1/audit/chain-key; the read is audited), "
          + "for verify-export --key-file. Whoever holds it and can write the database could forge your records: "
          + "keep it like an admin token.")
  int chainKey(@Mixin ConnectionOptions options) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.get("/api/v1/audit/chain-key");
      out.raw(out.json() ? answer.body() : answer.json().getString("key"));
      return Exit.OK;
    });
  }

  @Command(name = "anchor-key", mixinStandardHelpOptions = true,
      description = "Prints the public key the gateways sign audit anchors with, in hex (GET /api/v1/audit/anchor-key), "
          + "for verify-export --anchor-key; not a secret.")
  int anchorKey(@Mixin ConnectionOptions options) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.get("/api/v1/audit/anchor-key");
      out.raw(out.json() ? answer.body() : answer.json().getString("publicKey"));
      return Exit.OK;
    });
  }

  @Command(name = "verify-export", mixinStandardHelpOptions = true,
      description = "Checks an export away from Switchboard (no server, no database): links, hashes with the "
          + "chain key, anchors and their signatures. Exit 0 intact, 7 broken or incomplete, 2 unusable input.")
  int verifyExport(@picocli.CommandLine.Parameters(paramLabel = "EXPORT", description = "the export file, or -")
                   String export,
                   @Option(names = "--key-file", paramLabel = "FILE", description = "the tenant's chain key (chain-key)")
                   String keyFile,
                   @Option(names = "--anchor-key", paramLabel = "HEX", description = "the public anchor key (anchor-key)")
                   String anchorKey,
                   @Option(names = "--anchors", paramLabel = "FILE",
                       description = "anchors published outside the deployment (webhook bodies, anchor or log lines)")
                   String anchors) {
    List<String> args = new ArrayList<>();
    addOption(args, "--key-file", keyFile);
    addOption(args, "--anchor-key", anchorKey);
    addOption(args, "--anchors", anchors);
    args.add(export);
    PrintWriter out = context.out();
    int code = AuditExportVerifier.run(args.toArray(String[]::new), out, new InputStreamReader(context.stdin(),
        StandardCharsets.UTF_8));
    out.flush();
    return code == 1 ? Exit.AUDIT_BROKEN : code;
  }

  private static void addOption(List<String> args, String name, String value) {
    if (value != null) {
      args.add(name);
      args.add(value);
    }
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

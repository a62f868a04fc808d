package io.switchboard.gateway.api;

import io.switchboard.audit.AuditExportVerifier;
import io.switchboard.audit.AuditKey;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant admin verifies its own chain, exports it and re-verifies the export away from the gateway
 * with its chain key; a row edited in the database shows in the re-verification of a later export.
 */
@DisplayName("GET /api/v1/audit/verify, /export and /chain-key: a tenant re-verifies its own audit chain")
class AuditExportApiTest {

  private static final AuditKey KEY = AuditKey.of("audit-export-test-key-of-32-bytes!!!!!".getBytes());

  private static GatewayFixture fixture;
  private static ApiClient api;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    AuditKey.install(KEY);
    fixture = new GatewayFixture(Map.of());
    api = new ApiClient(fixture.baseUrl());
    fixture.acmeSays("U1", "echo one");
    fixture.acmeSays("U1", "echo two");
  }

  @AfterAll
  static void stop() {
    fixture.close();
    AuditKey.install(null);
  }

  @Test
  @DisplayName("the tenant's own verification is intact, and its export re-verifies with its chain key")
  void exportReVerifiesWithTheChainKey() throws IOException {
    JsonObject verified = ApiClient.json(api.get("/api/v1/audit/verify", ACME_TOKEN));
    long head = fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'acme'");
    assertThat(verified.getString("tenantId")).isEqualTo("acme");
    assertThat(verified.getBoolean("intact")).as(verified.encode()).isTrue();
    assertThat(verified.getLong("recordsChecked")).isEqualTo(head);

    HttpResponse<String> export = api.get("/api/v1/audit/export", ACME_TOKEN);
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type")).contains("application/x-ndjson");
    List<String> lines = export.body().lines().toList();
    assertThat(lines).hasSize((int) head + 2);
    assertThat(lines.subList(1, lines.size() - 1)).allSatisfy(line ->
        assertThat(new JsonObject(line).getString("tenantId")).isEqualTo("acme"));

    Path key = chainKey(ACME_TOKEN, "acme");
    String result = verify(0, "--key-file", key.toString(), write("acme.ndjson", export.body()));
    assertThat(result).contains("INTACT", "records 1-" + head, head + " hashes checked");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' "
        + "AND event_type = 'audit.chain_key_read'")).as("handing out the chain key is audited").isEqualTo(1);

    assertThat(verify(0, write("links.ndjson", export.body()))).as("without the key, only links")
        .contains("INTACT", "keyed hashes NOT checked");
    assertThat(verify(1, "--key-file", chainKey(GLOBEX_TOKEN, "globex").toString(), write("x.ndjson", export.body())))
        .as("another tenant's key checks nothing of acme's").contains("BROKEN", "altered");

    String cut = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
    assertThat(verify(1, "--key-file", key.toString(), write("cut.ndjson", cut))).contains("INCOMPLETE");
    String gap = lines.get(0) + "\n" + lines.get(1) + "\n" + String.join("\n", lines.subList(3, lines.size())) + "\n";
    assertThat(verify(1, "--key-file", key.toString(), write("gap.ndjson", gap))).contains("BROKEN", "record 2 is missing");
  }

  @Test
  @DisplayName("a record edited in the database, keeping its hash, fails the re-verification of a later export")
  void aRowEditedInTheDatabaseShows() throws IOException {
    api.send("PUT", "/api/v1/secrets/first", GLOBEX_TOKEN, "{\"value\": \"one\"}");
    api.send("PUT", "/api/v1/secrets/second", GLOBEX_TOKEN, "{\"value\": \"two\"}");
    api.send("PUT", "/api/v1/secrets/third", GLOBEX_TOKEN, "{\"value\": \"three\"}");
    Path key = chainKey(GLOBEX_TOKEN, "globex");
    String before = api.get("/api/v1/audit/export", GLOBEX_TOKEN).body();
    assertThat(verify(0, "--key-file", key.toString(), write("before.ndjson", before))).contains("INTACT");

    long second = fixture.count("SELECT seq FROM audit_events WHERE tenant_id = 'globex' "
        + "AND event_type = 'secret.stored' AND detail LIKE '%second%'");
    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events DISABLE TRIGGER USER");
    TestDatabase.execute(fixture.url(), "UPDATE audit_events SET actor = 'mallory' "
        + "WHERE tenant_id = 'globex' AND seq = " + second);
    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events ENABLE TRIGGER USER");

    String after = api.get("/api/v1/audit/export", GLOBEX_TOKEN).body();
    assertThat(verify(1, "--key-file", key.toString(), write("after.ndjson", after)))
        .contains("BROKEN", "at record " + second, "altered");
  }

  @Test
  @DisplayName("from and to pick the records written in [from, to); bad times are a 400, and nothing is streamed")
  void aTimeRange() throws IOException {
    String utc = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
    String laterThanFirst = "occurred_at > (SELECT occurred_at FROM audit_events WHERE tenant_id = 'acme' AND seq = 1)";
    long firstLater = fixture.count("SELECT min(seq) FROM audit_events WHERE tenant_id = 'acme' AND " + laterThanFirst);
    String secondAt = text("SELECT " + utc + " FROM audit_events WHERE tenant_id = 'acme' AND seq = " + firstLater);
    String thirdAt = text("SELECT max(" + utc + ") FROM audit_events WHERE tenant_id = 'acme'");
    HttpResponse<String> range = api.get("/api/v1/audit/export?from=" + secondAt + "&to=" + thirdAt, ACME_TOKEN);
    List<String> lines = range.body().lines().toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    assertThat(new JsonObject(lines.get(1)).getLong("seq")).isEqualTo(firstLater);
    assertThat(Instant.parse(new JsonObject(lines.get(lines.size() - 2)).getString("occurredAt")))
        .isBefore(Instant.parse(thirdAt));
    assertThat(verify(0, "--key-file", chainKey(ACME_TOKEN, "acme").toString(), write("range.ndjson", range.body())))
        .contains("INTACT", "starts after record " + (firstLater - 1));

    assertProblem(api.get("/api/v1/audit/export?from=yesterday", ACME_TOKEN), 400, "malformed_request");
    assertProblem(api.get("/api/v1/audit/export?from=" + thirdAt + "&to=" + secondAt, ACME_TOKEN), 400,
        "malformed_request");
    HttpResponse<String> none = api.get("/api/v1/audit/export?from=2999-01-01T00:00:00Z", ACME_TOKEN);
    assertThat(none.body().lines().toList()).hasSize(2);
    assertThat(verify(0, write("none.ndjson", none.body()))).contains("holds no records");
  }

  private static String text(String sql) {
    return Await.result(fixture.pool().query(sql).execute()).iterator().next().getString(0);
  }

  private Path chainKey(String token, String tenant) throws IOException {
    JsonObject answer = ApiClient.json(api.get("/api/v1/audit/chain-key", token));
    assertThat(answer.getString("tenantId")).isEqualTo(tenant);
    assertThat(answer.getString("key")).isEqualTo(KEY.forTenant(tenant).hex()).isNotEqualTo(KEY.hex());
    return Files.writeString(dir.resolve(tenant + ".key"), answer.getString("key"));
  }

  private String write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the standalone verifier, asserts its exit code and answers what it printed. */
  private static String verify(int exitCode, String... args) {
    StringWriter out = new StringWriter();
    int code = AuditExportVerifier.run(args, new PrintWriter(out, true), new StringReader(""));
    assertThat(code).as(Arrays.toString(args) + ": " + out).isEqualTo(exitCode);
    return out.toString();
  }
}

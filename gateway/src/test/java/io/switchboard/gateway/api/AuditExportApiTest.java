package io.switchboard.gateway.api;

import io.switchboard.audit.AuditExportVerifier;
import io.switchboard.audit.AuditKey;
import io.switchboard.audit.AuditQuery;
import io.switchboard.audit.AuditRecord;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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
  private static Vertx webhookVertx;
  private static HttpServer webhook;
  /** Bodies the anchor webhook accepted; the first two posts are refused with a 503, to be sent again. */
  private static final List<String> published = new CopyOnWriteArrayList<>();
  private static final AtomicInteger posts = new AtomicInteger();
  /** The audit sink's posts (their Authorization and Content-Type) and the record lines it accepted; it refuses the first two. */
  private static final List<String> sinkPosts = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> sinkRecords = new CopyOnWriteArrayList<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    AuditKey.install(KEY);
    webhookVertx = Vertx.vertx();
    webhook = Await.result(webhookVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (request.path().equals("/siem")) {
        sinkPosts.add(request.getHeader("Authorization") + " " + request.getHeader("Content-Type"));
        if (sinkPosts.size() <= 2) {
          request.response().setStatusCode(503).end();
          return;
        }
        body.toString().lines().map(JsonObject::new).forEach(sinkRecords::add);
        request.response().setStatusCode(200).end();
        return;
      }
      if (posts.incrementAndGet() <= 2) {
        request.response().setStatusCode(503).end();
        return;
      }
      published.add(body.toString());
      request.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_AUDIT_ANCHOR_SECONDS", "1",
        "SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL", "http://127.0.0.1:" + webhook.actualPort() + "/anchors",
        "SWITCHBOARD_AUDIT_FORWARD_URL", "http://127.0.0.1:" + webhook.actualPort() + "/siem",
        "SWITCHBOARD_AUDIT_FORWARD_AUTHORIZATION", "Splunk sink-token", "SWITCHBOARD_AUDIT_FORWARD_SECONDS", "1"));
    api = new ApiClient(fixture.baseUrl());
    fixture.acmeSays("U1", "echo one");
    fixture.acmeSays("U1", "echo two");
  }

  @AfterAll
  static void stop() {
    fixture.close();
    Await.result(webhookVertx.close());
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
    assertThat(records(export.body())).hasSize((int) head).allSatisfy(record ->
        assertThat(record.getString("tenantId")).isEqualTo("acme"));
    List<String> lines = export.body().lines().toList();

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
    int second = lines.indexOf(lines.stream().filter(line -> line.contains("\"seq\":2,")
        && line.contains("\"kind\":\"record\"")).findFirst().orElseThrow());
    List<String> gapped = new ArrayList<>(lines);
    gapped.remove(second);
    String gap = String.join("\n", gapped) + "\n";
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
    for (String name : List.of("range-one", "range-two", "range-three")) {
      api.send("PUT", "/api/v1/secrets/" + name, ACME_TOKEN, "{\"value\": \"v\"}");
    }
    String utc = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
    String stored = "FROM audit_events WHERE tenant_id = 'acme' AND event_type = 'secret.stored' AND detail LIKE ";
    long first = fixture.count("SELECT seq " + stored + "'%range-one%'");
    long third = fixture.count("SELECT seq " + stored + "'%range-three%'");
    String from = text("SELECT " + utc + " " + stored + "'%range-one%'");
    String to = text("SELECT " + utc + " " + stored + "'%range-three%'");
    HttpResponse<String> range = api.get("/api/v1/audit/export?from=" + from + "&to=" + to, ACME_TOKEN);
    List<Long> seqs = records(range.body()).stream().map(line -> line.getLong("seq")).toList();
    assertThat(seqs).first().isEqualTo(first);
    assertThat(seqs).last().isEqualTo(third - 1);
    assertThat(verify(0, "--key-file", chainKey(ACME_TOKEN, "acme").toString(), write("range.ndjson", range.body())))
        .contains("INTACT", "starts after record " + (first - 1));
    assertProblem(api.get("/api/v1/audit/export?from=yesterday", ACME_TOKEN), 400, "malformed_request");
    assertProblem(api.get("/api/v1/audit/export?from=" + to + "&to=" + from, ACME_TOKEN), 400,
        "malformed_request");
    HttpResponse<String> none = api.get("/api/v1/audit/export?from=2999-01-01T00:00:00Z", ACME_TOKEN);
    assertThat(records(none.body())).isEmpty();
    assertThat(verify(0, write("none.ndjson", none.body()))).contains("holds no records");
  }

  @Test
  @DisplayName("a chain rewritten whole in the database, head included, fails against the anchors published by webhook")
  void aWholeRewriteShowsAgainstThePublishedAnchors() throws Exception {
    String token = ApiClient.json(api.send("POST", "/api/v1/tenants", GatewayFixture.OPERATOR_TOKEN,
        "{\"id\": \"initech\", \"name\": \"Initech\"}")).getJsonObject("adminToken").getString("token");
    for (String name : List.of("one", "two", "three")) {
      assertThat(api.send("PUT", "/api/v1/secrets/" + name, token, "{\"value\": \"v\"}").statusCode()).isLessThan(300);
    }
    long head = fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'initech'");
    Await.until("the gateway published initech's head by webhook, after two refused posts",
        () -> String.join("\n", published).contains("\"tenant\":\"initech\",\"seq\":" + head));
    assertThat(posts.get()).isGreaterThan(2);
    Path anchors = Files.write(dir.resolve("published.jsonl"), published);
    JsonObject anchorKey = ApiClient.json(api.get("/api/v1/audit/anchor-key", token));
    assertThat(new JsonObject(published.get(0)).getString("publicKey")).isEqualTo(anchorKey.getString("publicKey"));
    Path key = chainKey(token, "initech");
    String[] checks = {"--key-file", key.toString(), "--anchor-key", anchorKey.getString("publicKey"),
        "--anchors", anchors.toString()};

    String before = api.get("/api/v1/audit/export", token).body();
    assertThat(verify(0, with(checks, write("before.ndjson", before))))
        .contains("INTACT", "every signature checked with key " + anchorKey.getString("keyId"));

    List<AuditRecord> records = Await.result(AuditQuery.page(fixture.pool(), "initech", 0, Long.MAX_VALUE, 100));
    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events DISABLE TRIGGER USER");
    String previous = AuditRecord.GENESIS_HASH;
    for (AuditRecord record : records) {
      String fields = new JsonArray().add("initech").add(record.seq())
          .add(ChronoUnit.MICROS.between(Instant.EPOCH, record.occurredAt())).add(record.eventType()).add("mallory")
          .add(record.jobId()).add(record.detail()).add(previous).encode();
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(fields.getBytes(StandardCharsets.UTF_8)));
      TestDatabase.execute(fixture.url(), "UPDATE audit_events SET actor = 'mallory', prev_hash = '" + previous
          + "', hash = '" + hash + "', keyed = false WHERE tenant_id = 'initech' AND seq = " + record.seq());
      previous = hash;
    }
    TestDatabase.execute(fixture.url(), "UPDATE audit_chain_heads SET hash = '" + previous + "' WHERE tenant_id = 'initech'");
    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events ENABLE TRIGGER USER");

    String after = api.get("/api/v1/audit/export", token).body();
    String withoutAnchorLines = after.lines().filter(line -> !line.contains("\"kind\":\"anchor\""))
        .reduce("", (a, b) -> a + b + "\n");
    assertThat(verify(0, write("rewritten-links-only.ndjson", withoutAnchorLines)))
        .as("links alone cannot tell: every hash was recomputed").contains("INTACT", "no anchors to compare with");
    assertThat(verify(1, with(checks, write("rewritten.ndjson", withoutAnchorLines))))
        .as("the anchors published by webhook catch it, even with the export's own anchor lines removed")
        .contains("BROKEN", "differs from its anchor");
    assertThat(verify(1, "--anchor-key", anchorKey.getString("publicKey"), write("rewritten-own.ndjson", after)))
        .as("the export's own anchor lines, from the gateway's anchor file, catch it too")
        .contains("BROKEN", "differs from its anchor");

    String forged = withoutAnchorLines.replaceFirst("\n", "\n" + new JsonObject().put("kind", "anchor")
        .put("at", Instant.now().toString()).put("tenant", "initech").put("seq", head).put("hash", previous)
        .put("sig", Base64.getEncoder().encodeToString(new byte[64])).encode() + "\n");
    assertThat(verify(1, "--anchor-key", anchorKey.getString("publicKey"), write("forged.ndjson", forged)))
        .as("an anchor the attacker made up does not carry the deployment's signature")
        .contains("BROKEN", "not signed with the anchor key");
  }

  @Test
  @DisplayName("a tail deleted and the head rewound in the database shows against the export's own signed anchors")
  void aDeletedTailShows() {
    String token = ApiClient.json(api.send("POST", "/api/v1/tenants", GatewayFixture.OPERATOR_TOKEN,
        "{\"id\": \"hooli\", \"name\": \"Hooli\"}")).getJsonObject("adminToken").getString("token");
    api.send("PUT", "/api/v1/secrets/one", token, "{\"value\": \"v\"}");
    long head = fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'hooli'");
    Await.until("the gateway anchored hooli's head", () -> published.stream()
        .anyMatch(body -> body.contains("\"tenant\":\"hooli\",\"seq\":" + head)));
    String anchorKey = ApiClient.json(api.get("/api/v1/audit/anchor-key", token)).getString("publicKey");

    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events DISABLE TRIGGER USER");
    TestDatabase.execute(fixture.url(), "DELETE FROM audit_events WHERE tenant_id = 'hooli' AND seq = " + head);
    TestDatabase.execute(fixture.url(), "UPDATE audit_chain_heads SET seq = " + (head - 1) + ", hash = (SELECT hash "
        + "FROM audit_events WHERE tenant_id = 'hooli' AND seq = " + (head - 1) + ") WHERE tenant_id = 'hooli'");
    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events ENABLE TRIGGER USER");

    String export = api.get("/api/v1/audit/export", token).body();
    assertThat(verify(1, "--anchor-key", anchorKey, write("hooli.ndjson", export)))
        .contains("BROKEN", "record " + head + " was anchored", "records were deleted");
  }

  @Test
  @DisplayName("every tenant's records reach the SIEM sink in chain order, after it refused twice, with its header")
  void recordsAreForwardedToTheSink() {
    Await.until("acme's and globex's records reached the sink", () -> {
      long acme = fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'acme'");
      return sinkRecords.stream().anyMatch(r -> "acme".equals(r.getString("tenantId")) && r.getLong("seq") == acme)
          && sinkRecords.stream().anyMatch(r -> "globex".equals(r.getString("tenantId")));
    });
    assertThat(sinkPosts).hasSizeGreaterThan(2)
        .allSatisfy(post -> assertThat(post).isEqualTo("Splunk sink-token application/x-ndjson"));
    for (String tenant : List.of("acme", "globex")) {
      List<Long> seqs = sinkRecords.stream().filter(r -> tenant.equals(r.getString("tenantId")))
          .map(r -> r.getLong("seq")).distinct().toList();
      assertThat(seqs).as("%s's records, each once acknowledged, in chain order from the first", tenant)
          .isSortedAccordingTo(Long::compare).startsWith(1L);
      assertThat(seqs.get(seqs.size() - 1)).isEqualTo(seqs.size());
      sinkRecords.stream().filter(r -> tenant.equals(r.getString("tenantId"))).forEach(r ->
          assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = '" + tenant + "' AND seq = "
              + r.getLong("seq") + " AND hash = '" + r.getString("hash") + "'")).isEqualTo(1));
    }
  }

  private static List<JsonObject> records(String export) {
    return export.lines().map(JsonObject::new).filter(line -> "record".equals(line.getString("kind"))).toList();
  }

  private static String[] with(String[] options, String file) {
    String[] args = Arrays.copyOf(options, options.length + 1);
    args[options.length] = file;
    return args;
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

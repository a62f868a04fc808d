package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.GLOBEX_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/api/v1/policy: versioned, validated, audited, announced")
class PolicyApiTest {

  private static final String ERRORS_COMMAND = """
      {"name": "errors", "description": "Error rate of a service",
       "arguments": [{"name": "service", "type": "string", "pattern": "[a-z]+", "scope": "target"}],
       "action": {"type": "prometheus", "parameters": {"query": "errors{service=\\"{{service}}\\"}"}}, "readOnly": true}""";

  private GatewayFixture fixture;
  private ApiClient api;
  private final List<JsonObject> announcements = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
    api = new ApiClient(fixture.baseUrl());
    fixture.vertx().eventBus().<JsonObject>consumer(PolicyDirectory.CHANGED_ADDRESS, m -> announcements.add(m.body()));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a new tenant's policy is empty at version 0; PUT with If-Match stores it and moves the ETag")
  void roundTrip() throws IOException {
    HttpResponse<String> empty = api.get("/api/v1/policy", ACME_TOKEN);
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.headers().firstValue("ETag")).hasValue("\"0\"");
    assertThat(ApiClient.json(empty)).isEqualTo(new JsonObject());

    String example = Files.readString(Path.of("../docs/examples/policy.json"));
    HttpResponse<String> put = api.send("PUT", "/api/v1/policy", ACME_TOKEN, example, "If-Match", "\"0\"");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(put.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(ApiClient.json(put)).isEqualTo(new JsonObject(example));

    HttpResponse<String> read = api.get("/api/v1/policy", ACME_TOKEN);
    assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(ApiClient.json(read)).isEqualTo(new JsonObject(example));
    HttpResponse<String> limits = api.get("/api/v1/policy/rateLimits", ACME_TOKEN);
    assertThat(limits.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(ApiClient.json(limits).getJsonObject("user").getInteger("burst")).isEqualTo(5);
    assertThat(ApiClient.array(api.get("/api/v1/policy/commands", ACME_TOKEN))).hasSize(3);
    assertThat(api.get("/api/v1/policy", GLOBEX_TOKEN).headers().firstValue("ETag")).hasValue("\"0\"");
  }

  @Test
  @DisplayName("a section PUT changes that section only and audits a before/after diff with the actor")
  void sectionPutIsAuditedWithADiff() {
    putSection("commands", "[" + ERRORS_COMMAND + "]", "\"0\"");
    String roles = "[{\"name\": \"viewer\", \"permissions\": [{\"commands\": [\"errors\"]}]}]";
    HttpResponse<String> put = putSection("roles", roles, "\"1\"");
    assertThat(put.headers().firstValue("ETag")).hasValue("\"2\"");
    assertThat(ApiClient.array(put)).isEqualTo(new JsonArray(roles));
    assertThat(ApiClient.array(api.get("/api/v1/policy/commands", ACME_TOKEN))).hasSize(1);
    assertThat(ApiClient.array(api.get("/api/v1/policy/bindings", ACME_TOKEN))).isEmpty();

    JsonArray events = ApiClient.json(api.get("/api/v1/audit?type=policy.changed", ACME_TOKEN)).getJsonArray("events");
    assertThat(events).hasSize(2);
    JsonObject last = events.getJsonObject(1);
    assertThat(last.getString("actor")).startsWith("api-token:").contains("(test)");
    JsonObject detail = last.getJsonObject("detail");
    assertThat(detail.getString("section")).isEqualTo("roles");
    assertThat(detail.getLong("fromVersion")).isEqualTo(1);
    assertThat(detail.getLong("toVersion")).isEqualTo(2);
    assertThat(detail.getJsonArray("changes")).containsExactly(new JsonObject()
        .put("path", "/roles").put("after", new JsonArray(roles)));

    putSection("roles", "[{\"name\": \"viewer\", \"permissions\": [{\"commands\": [\"err*\"]}]}]", "\"2\"");
    JsonObject third = ApiClient.json(api.get("/api/v1/audit?type=policy.changed&after="
        + last.getLong("seq"), ACME_TOKEN)).getJsonArray("events").getJsonObject(0);
    assertThat(third.getJsonObject("detail").getJsonArray("changes")).containsExactly(new JsonObject()
        .put("path", "/roles/0/permissions/0/commands/0").put("before", "errors").put("after", "err*"));
  }

  @Test
  @DisplayName("no If-Match is 428, a stale one 412, and neither changes anything")
  void optimisticConcurrency() {
    HttpResponse<String> missing = api.send("PUT", "/api/v1/policy", ACME_TOKEN, "{}");
    assertProblem(missing, 428, "precondition_required");
    putSection("commands", "[" + ERRORS_COMMAND + "]", "\"0\"");
    HttpResponse<String> stale = api.send("PUT", "/api/v1/policy", ACME_TOKEN, "{}", "If-Match", "\"0\"");
    assertProblem(stale, 412, "precondition_failed");
    assertProblem(api.send("PUT", "/api/v1/policy/roles", ACME_TOKEN, "[]", "If-Match", "*"), 412,
        "precondition_failed");
    assertProblem(api.send("PUT", "/api/v1/policy/roles", ACME_TOKEN, "[]"), 428, "precondition_required");
    assertThat(api.get("/api/v1/policy", ACME_TOKEN).headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(fixture.auditTypes("acme")).containsOnlyOnce("policy.changed");
  }

  @Test
  @DisplayName("a document that does not compile is a 422 listing every problem by path, and is not stored")
  void invalidPolicy() {
    String bad = "{\"commands\": [{\"name\": \"Deploy!\", \"action\": {\"type\": \"http\"}}],"
        + " \"roles\": [{\"name\": \"viewer\", \"permissions\": [{\"commands\": [\"nope\"]}]}]}";
    HttpResponse<String> refused = api.send("PUT", "/api/v1/policy", ACME_TOKEN, bad, "If-Match", "\"0\"");
    assertProblem(refused, 422, "invalid_policy");
    List<Object> problems = ApiClient.json(refused).getJsonArray("problems").getList();
    assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat((String) p).matches("^[A-Za-z\\[\\]0-9.]+: .+"));
    assertThat(problems).anySatisfy(p -> assertThat((String) p).startsWith("commands[0].name: "));
    assertProblem(putSectionRaw("rateLimits", "[]", "\"0\""), 422, "invalid_policy");
    assertThat(api.get("/api/v1/policy", ACME_TOKEN).headers().firstValue("ETag")).hasValue("\"0\"");
    assertThat(fixture.auditTypes("acme")).doesNotContain("policy.changed");
  }

  @Test
  @DisplayName("a change is announced on the event bus and chat sees it without a restart")
  void changeIsAnnouncedAndPickedUp() {
    assertThat(fixture.acmeSays("U0ALICE", "help")).doesNotContain("errors");
    String policy = "{\"commands\": [" + ERRORS_COMMAND + "],"
        + " \"roles\": [{\"name\": \"viewer\", \"permissions\": [{\"commands\": [\"errors\"]}]}],"
        + " \"bindings\": [{\"role\": \"viewer\", \"subjects\": [\"slack:user:U0ALICE\"]}]}";
    HttpResponse<String> put = api.send("PUT", "/api/v1/policy", ACME_TOKEN, policy, "If-Match", "\"0\"");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    Await.until("the change is announced", () -> announcements.stream()
        .anyMatch(a -> "acme".equals(a.getString("tenantId")) && a.getLong("version") == 1));
    Await.until("chat offers the new command", () -> fixture.acmeSays("U0ALICE", "help").contains("errors"));
    assertThat(fixture.acmeSays("U0BOB", "help")).doesNotContain("errors");
  }

  private HttpResponse<String> putSection(String section, String body, String etag) {
    HttpResponse<String> response = putSectionRaw(section, body, etag);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private HttpResponse<String> putSectionRaw(String section, String body, String etag) {
    return api.send("PUT", "/api/v1/policy/" + section, ACME_TOKEN, body, "If-Match", etag);
  }

  static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(ApiClient.json(response).getString("code")).isEqualTo(code);
  }

  @Test
  @DisplayName("a malformed anchor channel in the policy is refused with a 4xx, and nothing is stored")
  void malformedChannelIsRefused() {
    for (JsonObject bad : List.of(channelPolicy("T0ACME", "#general", 0), channelPolicy("T0 ACME", "C1", 0),
        channelPolicy("T0ACME", "C1", -1), new JsonObject().put("audit", new JsonObject().put("anchorChannel",
            new JsonObject().put("platform", "irc").put("workspace", "T0ACME").put("channel", "C1"))))) {
      HttpResponse<String> section = api.send("PUT", "/api/v1/policy/audit", ACME_TOKEN,
          bad.getJsonObject("audit").encode(), "If-Match", "\"0\"");
      assertThat(section.statusCode()).as(bad.encode() + ": " + section.body()).isEqualTo(422);
      assertThat(section.body()).contains("audit.anchorChannel");
      HttpResponse<String> whole = api.send("PUT", "/api/v1/policy", ACME_TOKEN, bad.encode(), "If-Match", "\"0\"");
      assertThat(whole.statusCode()).as(bad.encode() + ": " + whole.body()).isBetween(400, 422);
    }
    assertThat(api.get("/api/v1/policy", ACME_TOKEN).headers().firstValue("ETag")).hasValue("\"0\"");
    HttpResponse<String> good = api.send("PUT", "/api/v1/policy/audit", ACME_TOKEN,
        channelPolicy("T0ACME", "C0ANCHORS", 30).getJsonObject("audit").encode(), "If-Match", "\"0\"");
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
  }

  private static JsonObject channelPolicy(String workspace, String channel, int everyMinutes) {
    return new JsonObject().put("audit", new JsonObject().put("anchorChannel", new JsonObject()
        .put("platform", "slack").put("workspace", workspace).put("channel", channel).put("everyMinutes", everyMinutes)));
  }

}

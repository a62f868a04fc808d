package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/api/v1/secrets: write-only, per tenant")
class SecretsApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** The fixture's tenants each have their own Slack app, whose signing secret is in their store. */
  private static final String SIGNING_SECRET_ACME = SlackSigningSecrets.secretName("T0ACME");
  private static final String SIGNING_SECRET_GLOBEX = SlackSigningSecrets.secretName("T0GLOBEX");
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a secret is stored, versioned and listed, and its value never comes back")
  void writeOnly() {
    HttpResponse<String> first = put("db-password", "{\"value\":\"hunter2-s3cret\"}", GatewayFixture.ACME_TOKEN);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(first.body()).getLong("version")).isEqualTo(1);
    HttpResponse<String> second = put("db-password", "{\"value\":\"hunter3-s3cret\"}", GatewayFixture.ACME_TOKEN);
    assertThat(new JsonObject(second.body()).getLong("version")).isEqualTo(2);

    HttpResponse<String> list = send("GET", "/api/v1/secrets", null, GatewayFixture.ACME_TOKEN);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonArray secrets = new JsonObject(list.body()).getJsonArray("secrets");
    assertThat(names(secrets)).as("with the signing secret of acme's own Slack app").containsExactly("db-password",
        SIGNING_SECRET_ACME);
    assertThat(secrets.getJsonObject(0).getLong("version")).isEqualTo(2);
    for (HttpResponse<String> response : new HttpResponse[] {first, second, list}) {
      assertThat(response.body()).doesNotContain("hunter");
    }
    assertThat(fixture.count("SELECT count(*) FROM tenant_secrets WHERE name = 'db-password'")).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsSubsequence("secret.stored", "secret.stored");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE detail LIKE '%hunter%'")).isZero();
    assertThat(send("DELETE", "/api/v1/secrets/db-password", null, GatewayFixture.ACME_TOKEN).statusCode())
        .isEqualTo(204);
    assertThat(fixture.auditTypes("acme")).endsWith("secret.deleted");
  }

  @Test
  @DisplayName("one tenant never sees, overwrites or deletes another's secret")
  void tenantIsolation() {
    put("api-key", "{\"value\":\"acme-key-value\"}", GatewayFixture.ACME_TOKEN);
    JsonArray globexList = new JsonObject(send("GET", "/api/v1/secrets", null, GatewayFixture.GLOBEX_TOKEN).body())
        .getJsonArray("secrets");
    assertThat(names(globexList)).containsExactly(SIGNING_SECRET_GLOBEX);
    assertThat(send("DELETE", "/api/v1/secrets/api-key", null, GatewayFixture.GLOBEX_TOKEN).statusCode()).isEqualTo(404);
    HttpResponse<String> globexPut = put("api-key", "{\"value\":\"globex-key-value\"}", GatewayFixture.GLOBEX_TOKEN);
    assertThat(new JsonObject(globexPut.body()).getLong("version")).as("globex's own first version").isEqualTo(1);
    JsonArray acmeList = new JsonObject(send("GET", "/api/v1/secrets", null, GatewayFixture.ACME_TOKEN).body())
        .getJsonArray("secrets");
    assertThat(acmeList.getJsonObject(0).getLong("version")).as("acme's secret untouched").isEqualTo(1);
    assertThat(send("DELETE", "/api/v1/secrets/api-key", null, GatewayFixture.ACME_TOKEN).statusCode()).isEqualTo(204);
    assertThat(names(new JsonObject(send("GET", "/api/v1/secrets", null, GatewayFixture.GLOBEX_TOKEN).body())
        .getJsonArray("secrets"))).containsExactly("api-key", SIGNING_SECRET_GLOBEX);
  }

  @Test
  @DisplayName("bad input is a 400 problem and nothing is stored; no token is a 401")
  void badInput() {
    assertThat(put("db-password", "{\"value\":\"x\"}", null).statusCode()).isEqualTo(401);
    for (String body : new String[] {"not json", "[1,2]", "{}", "{\"value\": 42}", ""}) {
      HttpResponse<String> response = put("db-password", body, GatewayFixture.ACME_TOKEN);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    assertThat(put("..", "{\"value\":\"abc\"}", GatewayFixture.ACME_TOKEN).statusCode()).isIn(400, 404);
    assertThat(put("bad%20name", "{\"value\":\"abc\"}", GatewayFixture.ACME_TOKEN).statusCode()).isEqualTo(400);
    String huge = "{\"value\":\"" + "x".repeat(SecretsApi.MAX_BODY_BYTES) + "\"}";
    assertThat(put("big", huge, GatewayFixture.ACME_TOKEN).statusCode()).isEqualTo(413);
    assertThat(fixture.count("SELECT count(*) FROM tenant_secrets WHERE name NOT LIKE 'slack-signing-secret.%'"))
        .isZero();
  }

  private static java.util.List<String> names(JsonArray secrets) {
    return secrets.stream().map(secret -> ((JsonObject) secret).getString("name")).toList();
  }

  private HttpResponse<String> put(String name, String body, String token) {
    return send("PUT", "/api/v1/secrets/" + name, body, token);
  }

  private HttpResponse<String> send(String method, String path, String body, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

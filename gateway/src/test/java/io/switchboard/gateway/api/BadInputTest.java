package io.switchboard.gateway.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.OPERATOR_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bad input is a 4xx problem naming what is wrong, never a 500")
class BadInputTest extends AdminApiTestBase {


  @ParameterizedTest(name = "{0} {1} with {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "POST | /api/v1/tokens        | {\"label\": \"ok\"                 | ",
      "POST | /api/v1/tokens        | {\"label\": 5}                     | label",
      "POST | /api/v1/tokens        | {\"label\": \"\"}                  | label",
      "POST | /api/v1/tokens        | {\"label\": \"x\", \"admin\": true} | admin",
      "POST | /api/v1/tokens        | []                                 | ",
      "POST | /api/v1/tokens        | ''                                 | ",
      "POST | /api/v1/installations | {\"platform\": \"irc\", \"workspaceId\": \"T1\"} | platform",
      "POST | /api/v1/installations | {\"platform\": \"slack\"}          | workspaceId",
      "POST | /api/v1/installations | {\"platform\": \"slack\", \"workspaceId\": \"a b\"} | workspaceId",
      "PUT  | /api/v1/policy        | {\"commands\": {}}                 | commands",
      "PUT  | /api/v1/policy        | {\"widgets\": []}                  | widgets",
      "PUT  | /api/v1/policy        | not json                           | ",
      "PUT  | /api/v1/policy/nope   | []                                 | section",
      "PUT  | /api/v1/policy/roles  | 42                                 | ",
      "PUT  | /api/v1/secrets/x     | {\"value\": \"v\", \"version\": 3}  | version",
  })
  void malformedBodies(String method, String path, String body, String field) {
    HttpResponse<String> response = api.send(method, path, ACME_TOKEN, body, "If-Match", "\"0\"");
    assertProblem(response, 400, "malformed_request");
    if (field != null) {
      assertThat(ApiClient.json(response).getString("detail")).contains(field);
    }
  }

  @ParameterizedTest(name = "GET {0}")
  @CsvSource({
      "/api/v1/jobs?limit=0", "/api/v1/jobs?limit=101", "/api/v1/jobs?limit=ten", "/api/v1/jobs?status=lost",
      "/api/v1/jobs?before=-3", "/api/v1/audit?after=x", "/api/v1/audit?limit=1000", "/api/v1/jobs/abc",
      "/api/v1/jobs/0", "/api/v1/jobs/99999999999999999999999", "/api/v1/tokens/1.5", "/api/v1/policy/nope"})
  void malformedParameters(String path) {
    String method = path.startsWith("/api/v1/tokens") ? "DELETE" : "GET";
    HttpResponse<String> response = api.send(method, path, ACME_TOKEN, null);
    assertProblem(response, 400, "malformed_request");
  }

  static Stream<String> badLabelBodies() {
    return Stream.of("{\"label\": 5}", "{\"label\": \"\"}", "{\"label\": \"x\", \"admin\": true}", "{}", "[]", "",
        "not json", "{\"label\": \"" + "x".repeat(101) + "\"}");
  }

  @ParameterizedTest(name = "label body {0}")
  @MethodSource("badLabelBodies")
  @DisplayName("the operator's token call checks labels exactly as the tenant admin's does")
  void operatorTokenLabelsAreCheckedLikeTheTenantAdminsOnes(String body) {
    HttpResponse<String> admin = api.send("POST", "/api/v1/tokens", ACME_TOKEN, body);
    HttpResponse<String> operator = api.send("POST", "/api/v1/tenants/acme/tokens", OPERATOR_TOKEN, body);
    assertProblem(admin, 400, "malformed_request");
    assertProblem(operator, 400, "malformed_request");
    assertThat(ApiClient.json(operator).getString("detail")).isEqualTo(ApiClient.json(admin).getString("detail"));
  }

  @Test
  @DisplayName("the detail gives the most specific reason and where in the body it is")
  void detailNamesTheReason() {
    HttpResponse<String> response = api.send("POST", "/api/v1/tokens", ACME_TOKEN, "{\"label\": 5}");
    assertThat(ApiClient.json(response).getString("detail"))
        .isEqualTo("The value of the request body is invalid. Reason: Instance type number is invalid. "
            + "Expected string (at #/label)");
    assertThat(ApiClient.json(api.get("/api/v1/jobs?limit=101", ACME_TOKEN)).getString("detail"))
        .isEqualTo("The value of query parameter limit is invalid. Reason: 101 is greater than 100");
  }

  @Test
  @DisplayName("a parameter the validator cannot decode is a 400, not a 500 (found by AdminApiFuzzTest)")
  void undecodableParameters() {
    assertProblem(api.send("PUT", "/api/v1/policy", ACME_TOKEN, "{}", "If-Match", "\"%$\""), 400, "malformed_request");
    assertProblem(api.get("/api/v1/jobs?limit=%25", ACME_TOKEN), 400, "malformed_request");
    assertThat(api.get("/api/v1/policy", ACME_TOKEN).headers().firstValue("ETag")).contains("\"0\"");
  }

  @Test
  @DisplayName("the operator's calls are validated too")
  void operatorInput() {
    assertProblem(api.send("POST", "/api/v1/tenants", OPERATOR_TOKEN, "{\"id\": \"Bad Id\", \"name\": \"x\"}"), 400,
        "malformed_request");
    assertProblem(api.send("POST", "/api/v1/tenants/BAD!/suspend", OPERATOR_TOKEN, null), 400, "malformed_request");
    assertProblem(api.send("POST", "/api/v1/tenants/BAD!/tokens", OPERATOR_TOKEN, "{\"label\": \"x\"}"), 400,
        "malformed_request");
    assertThat(fixture.count("SELECT count(*) FROM api_tokens WHERE label = 'x'")).isZero();
  }

  @Test
  @DisplayName("an oversized body is a 413")
  void oversizedBodies() {
    String huge = "{\"commands\": [\"" + "x".repeat(AdminApi.MAX_BODY_BYTES) + "\"]}";
    assertProblem(api.send("PUT", "/api/v1/policy", ACME_TOKEN, huge, "If-Match", "\"0\""), 413, "payload_too_large");
    String secret = "{\"value\": \"" + "x".repeat(SecretsApi.MAX_BODY_BYTES) + "\"}";
    assertProblem(api.send("PUT", "/api/v1/secrets/big", ACME_TOKEN, secret), 413, "payload_too_large");
  }

  @Test
  @DisplayName("a body sent as another media type is refused with a 4xx problem")
  void wrongMediaType() {
    HttpResponse<String> response = api.send("POST", "/api/v1/tokens", ACME_TOKEN, "{\"label\": \"x\"}",
        "Content-Type", "text/plain");
    assertThat(response.statusCode()).isBetween(400, 499);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @ParameterizedTest(name = "{0}, with a token: {1}")
  @CsvSource(delimiter = '|', value = {
      "application/x-www-form-urlencoded | true", "application/x-www-form-urlencoded | false",
      "multipart/form-data; boundary=zz  | true", "multipart/form-data; boundary=zz  | false"})
  @DisplayName("a form body, even a malformed one, is a 415 before anything decodes it")
  void formBodiesAreRefusedBeforeDecoding(String type, boolean withToken) {
    assertProblem(api.send("POST", "/api/v1/tokens", withToken ? ACME_TOKEN : null, "%zz=%", "Content-Type", type),
        415, "unsupported_media_type");
    assertProblem(api.send("PUT", "/api/v1/secrets/x", withToken ? ACME_TOKEN : null, "--zz\r\nbroken", "Content-Type", type),
        415, "unsupported_media_type");
  }

  @Test
  @DisplayName("an unknown path or method is a 404 or 405 problem")
  void unknownRoutes() {
    assertProblem(api.get("/api/v1/nothing-here", ACME_TOKEN), 404, "not_found");
    assertProblem(api.send("PATCH", "/api/v1/policy", ACME_TOKEN, "{}"), 405, "method_not_allowed");
  }
}

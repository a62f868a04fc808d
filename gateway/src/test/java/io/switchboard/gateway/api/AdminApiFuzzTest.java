package io.switchboard.gateway.api;

import io.switchboard.audit.AuditKey;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.fuzz.HostileInput;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzing of every operation of the admin API document: any JSON body, any path parameter and any
 * query, with a tenant's token and with the operator's (the node has an audit key, so the audit
 * verification is configured like in production). Each answer must be a 4xx problem that made
 * no job, or a normal answer; never a 5xx.
 */
@Label("Fuzzing every admin API operation with hostile bodies and parameters")
class AdminApiFuzzTest {

  private static SlackApiStandIn slack;
  private static GatewayFixture fixture;
  private static ApiClient api;
  private static List<String[]> operations;

  @BeforeContainer
  static void start() {
    AuditKey.install(AuditKey.of("admin-api-fuzz-test-audit-key-32-bytes!!".getBytes(StandardCharsets.UTF_8)));
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl()));
    api = new ApiClient(fixture.baseUrl());
    operations = new ArrayList<>();
    JsonObject paths = ApiClient.json(api.get("/api/v1/openapi.json", null)).getJsonObject("paths");
    paths.forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
        .filter(method -> Set.of("get", "put", "post", "delete", "patch").contains(method))
        .forEach(method -> operations.add(new String[] {method.toUpperCase(), path.getKey()})));
  }

  @AfterContainer
  static void stop() {
    try {
      HostileInput.assertStillReady(fixture);
    } finally {
      fixture.close();
      slack.close();
      AuditKey.install(null);
    }
  }

  @Property
  @Label("any operation, any body, any parameter, tenant or operator token")
  void anyOperation(@ForAll("operation") int index, @ForAll(supplier = HostileInput.Json.class) Object body, @ForAll(supplier = HostileInput.Text.class) String parameter,
                    @ForAll(supplier = HostileInput.Text.class) String query, @ForAll boolean operator) {
    String[] operation = operations.get(index % operations.size());
    String encoded = URLEncoder.encode(parameter, StandardCharsets.UTF_8);
    String path = operation[1].replaceAll("\\{[^}]+}", encoded.isEmpty() ? "x" : encoded)
        + "?after=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&limit=" + encoded;
    long jobs = fixture.jobCount();
    String token = operator ? GatewayFixture.OPERATOR_TOKEN : GatewayFixture.ACME_TOKEN;
    HostileInput.assertRefusedCleanlyOrServed(fixture,
        api.send(operation[0], path, token, operation[0].equals("GET") || operation[0].equals("DELETE")
            ? null : Json.encode(body), "If-Match", "\"" + parameter.replaceAll("[^\\x21-\\x7e]|\"", "") + "\""), jobs);
  }

  @Provide
  Arbitrary<Integer> operation() {
    return Arbitraries.integers().between(0, 1000);
  }

}

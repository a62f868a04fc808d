package io.switchboard.gateway.api;

import io.switchboard.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ApiContractTest {

  private static Vertx vertx;
  private static ApiContract contract;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    contract = Await.result(ApiContract.load(vertx));
  }

  @AfterAll
  static void close() {
    Await.result(vertx.close());
  }

  @Test
  void onlyTheDocumentIsPublicAndOnlyTenantCallsNeedTheOperator() {
    Map<String, ApiContract.Access> access = contract.contract().operations().stream()
        .collect(Collectors.toMap(Operation::getOperationId, contract::access));
    assertThat(access).containsEntry("getOpenApi", ApiContract.Access.PUBLIC);
    assertThat(access.entrySet().stream().filter(e -> e.getValue() == ApiContract.Access.OPERATOR).map(Map.Entry::getKey))
        .containsExactlyInAnyOrder("createTenant", "listTenants", "changeTenant", "suspendTenant", "resumeTenant", "issueTenantToken",
            "bindTenantInstallation", "verifyTenantAudit");
    assertThat(access.values().stream().filter(a -> a == ApiContract.Access.TENANT)).hasSize(30);
  }

  @Test
  void everyOperationIsDocumentedAndEveryErrorIsAProblem() {
    JsonObject served = new JsonObject(contract.document());
    served.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(method -> {
      JsonObject operation = (JsonObject) method.getValue();
      assertThat(operation.getString("summary")).as(path.getKey()).isNotBlank();
      operation.getJsonObject("responses").forEach(response -> {
        if (response.getKey().startsWith("4")) {
          assertThat(((JsonObject) response.getValue()).getJsonObject("content").fieldNames())
              .as(method.getKey() + " " + path.getKey() + " " + response.getKey())
              .containsExactly("application/problem+json");
        }
      });
    }));
  }

  @Test
  void theServedDocumentNamesItsServerRelativelyAndItsLicense() {
    JsonObject served = new JsonObject(contract.document());
    assertThat(served.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("/");
    assertThat(served.getJsonObject("info").getJsonObject("license").getString("identifier")).isEqualTo("Apache-2.0");
    assertThat(ApiContract.forRequestValidation(served).containsKey("servers"))
        .as("vertx-openapi reads server URLs as absolute URLs: the relative one is left out for validation").isFalse();
  }

  @Test
  void requestsAreFoundByMethodAndPathTemplate() {
    assertThat(contract.find(HttpMethod.GET, "/api/v1/jobs/12")).get()
        .extracting(Operation::getOperationId).isEqualTo("getJob");
    assertThat(contract.find(HttpMethod.PUT, "/api/v1/policy/roles")).get()
        .extracting(Operation::getOperationId).isEqualTo("putPolicySection");
    assertThat(contract.find(HttpMethod.PATCH, "/api/v1/policy")).isEmpty();
    assertThat(contract.find(HttpMethod.GET, "/slack/commands")).isEmpty();
  }
}

package io.switchboard.gateway.api;

import io.switchboard.audit.AuditKey;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static io.switchboard.gateway.GatewayFixture.OPERATOR_TOKEN;
import static io.switchboard.gateway.api.PolicyApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /api/v1/tenants/{id}/audit-verification: the operator verifies a chain against its key and anchors")
class AuditVerificationApiTest {

  private static GatewayFixture fixture;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    AuditKey.install(AuditKey.of("audit-verification-test-key-of-32-bytes!".getBytes()));
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_AUDIT_ANCHOR_SECONDS", "1"));
    api = new ApiClient(fixture.baseUrl());
  }

  @AfterAll
  static void stop() {
    fixture.close();
    AuditKey.install(null);
  }

  @Test
  @DisplayName("intact after commands, anchored by the gateway; after the tables are truncated, broken; operator only")
  void verifiesAgainstTheAnchors() {
    fixture.acmeSays("U1", "echo one");
    fixture.acmeSays("U1", "echo two");
    long head = fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = 'acme'");
    Await.until("the gateway anchored acme's head", () -> anchorFile().contains("\"tenant\":\"acme\",\"seq\":" + head));

    JsonObject intact = ApiClient.json(api.get("/api/v1/tenants/acme/audit-verification", OPERATOR_TOKEN));
    assertThat(intact.getBoolean("intact")).as(intact.encode()).isTrue();
    assertThat(intact.getLong("recordsChecked")).isEqualTo(head);
    assertThat(intact.getInteger("anchorsChecked")).isPositive();
    assertThat(intact.getLong("unkeyedRecords")).isZero();

    assertProblem(api.get("/api/v1/tenants/acme/audit-verification", ACME_TOKEN), 403, "forbidden");
    assertProblem(api.get("/api/v1/tenants/nobody/audit-verification", OPERATOR_TOKEN), 404, "not_found");

    TestDatabase.execute(fixture.url(), "ALTER TABLE audit_events DISABLE TRIGGER USER");
    TestDatabase.execute(fixture.url(), "TRUNCATE audit_events, audit_chain_heads");
    JsonObject broken = ApiClient.json(api.get("/api/v1/tenants/acme/audit-verification", OPERATOR_TOKEN));
    assertThat(broken.getBoolean("intact")).isFalse();
    assertThat(broken.getString("problem")).contains("records were deleted");
    assertThat(broken.getLong("brokenAtSeq")).isEqualTo(1);
  }

  private static String anchorFile() {
    try {
      return Files.exists(fixture.anchorFile()) ? Files.readString(fixture.anchorFile()) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

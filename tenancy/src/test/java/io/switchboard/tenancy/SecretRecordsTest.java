package io.switchboard.tenancy;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Records that carry a secret print it as {@code [redacted]}, so logging one leaks nothing. */
class SecretRecordsTest {

  @Test
  void anIssuedTokenPrintsItsInfoNotItsToken() {
    ApiTokens.IssuedToken issued = new ApiTokens.IssuedToken(
        new ApiTokens.TokenInfo(7, "deploy bot", Instant.parse("2026-12-05T10:00:00Z"), null), "sbt_issued-token-value");

    assertThat(issued.toString()).doesNotContain("sbt_issued-token-value").contains("token=[redacted]", "deploy bot");
  }

  @Test
  void demoCredentialsPrintNeitherTheSigningSecretNorTheAdminToken() {
    DemoTenant.Credentials credentials = new DemoTenant.Credentials("demo-signing-secret", true,
        Optional.of("sbt_demo-admin-token"));

    assertThat(credentials.toString()).doesNotContain("demo-signing-secret", "sbt_demo-admin-token")
        .contains("signingSecret=[redacted]", "signingSecretGenerated=true", "generatedAdminToken=Optional[[redacted]]");
  }
}

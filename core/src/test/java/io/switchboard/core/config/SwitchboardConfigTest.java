package io.switchboard.core.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchboardConfigTest {

  @Test
  void noConfigurationMeansTheEmbeddedDefault() {
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.databaseUrl()).isEmpty();
    assertThat(config.demoTenant()).isTrue();
    assertThat(config.jobLease()).isGreaterThan(config.actionTimeout());
  }

  @Test
  void anExternalDatabaseTurnsTheDemoTenantOffUnlessAskedFor() {
    Map<String, String> env = Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://u:p@h:5432/sb");
    assertThat(SwitchboardConfig.fromEnv(env).demoTenant()).isFalse();
    assertThat(SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_DATABASE_URL", "postgresql://u:p@h:5432/sb", "SWITCHBOARD_DEMO_TENANT", "true")).demoTenant())
        .isTrue();
  }

  @Test
  void readsListsAndDurations() {
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_CLUSTER_MEMBERS", "10.0.0.5:5701, 10.0.0.6:5701",
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "250",
        "SWITCHBOARD_EXECUTOR_GAUGE_MILLIS", "1000"));
    assertThat(config.cluster().members()).isEqualTo(List.of("10.0.0.5:5701", "10.0.0.6:5701"));
    assertThat(config.executorPollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.executorGaugeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(SwitchboardConfig.fromEnv(Map.of()).executorGaugeInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theClusterIsOffUnlessMembersAreListed() {
    assertThat(SwitchboardConfig.fromEnv(Map.of()).cluster().enabled()).isFalse();
    SwitchboardConfig.Cluster cluster = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_CLUSTER_MEMBERS", "10.0.0.5:5701, 10.0.0.6:5701",
        "SWITCHBOARD_CLUSTER_HOST", "10.0.0.5",
        "SWITCHBOARD_CLUSTER_PORT", "5801")).cluster();
    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.members()).containsExactly("10.0.0.5:5701", "10.0.0.6:5701");
    assertThat(cluster.host()).isEqualTo("10.0.0.5");
    assertThat(cluster.port()).isEqualTo(5801);
    assertThat(cluster.eventBusPort()).isZero();
  }

  @Test
  void notificationsDedupForTenMinutesAndGroupForTenSecondsUnlessConfigured() {
    Notifications defaults = SwitchboardConfig.fromEnv(Map.of()).notifications();
    assertThat(defaults.dedupWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.groupWait()).isEqualTo(Duration.ofSeconds(10));
    Notifications configured = SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_NOTIFY_DEDUP_SECONDS", "3600",
        "SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", "30")).notifications();
    assertThat(configured.dedupWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(configured.groupWait()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", "0")))
        .hasMessageContaining("SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS");
  }

  @Test
  void pacingQueuesFiftyCallsPerChannelUnlessConfigured() {
    assertThat(SwitchboardConfig.fromEnv(Map.of()).pacing().queueCapacity()).isEqualTo(50);
    assertThat(SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_PACING_QUEUE", "5")).pacing().queueCapacity()).isEqualTo(5);
  }

  @Test
  void theEnvironmentIsKeptForThePlatformsAndNeverPrintsAValue() {
    Environment env = SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_SLACK_CLIENT_SECRET", "s3cret")).environment();
    assertThat(env.optional("SWITCHBOARD_SLACK_CLIENT_SECRET")).contains("s3cret");
    assertThat(env.toString()).doesNotContain("s3cret");
  }

  @Test
  void anchorsGoToAWebhookOnlyWhenAnHttpUrlIsGiven() {
    assertThat(SwitchboardConfig.fromEnv(Map.of()).auditAnchors().webhook()).isEmpty();
    assertThat(SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL", "https://siem.example/a"))
        .auditAnchors().webhook()).hasValueSatisfying(url -> assertThat(url).hasToString("https://siem.example/a"));
    for (String bad : List.of("siem.example/a", "ftp://siem.example/a", "https://user:pw@siem.example/a", "http://")) {
      assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL", bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL").hasMessageNotContaining("pw");
    }
  }

  @Test
  void auditRecordsGoToASyslogReceiverOnlyAtATcpOrTlsAddress() {
    assertThat(SwitchboardConfig.fromEnv(Map.of()).auditForwarding().syslog()).isEmpty();
    assertThat(SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_FORWARD_SYSLOG", "tls://siem.example:6514"))
        .auditForwarding().syslog()).contains(new SyslogAddress(true, "siem.example", 6514));
    assertThat(SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_FORWARD_SYSLOG", "TCP://10.0.0.7:514"))
        .auditForwarding().syslog()).hasValueSatisfying(a -> assertThat(a).hasToString("tcp://10.0.0.7:514"));
    for (String bad : List.of("siem.example:6514", "udp://siem.example:514", "tcp://siem.example", "tcp://siem.example:0",
        "tls://siem.example:99999", "tls://user:pw@siem.example:6514", "tcp://siem.example:514/x", "tcp://:514")) {
      assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_FORWARD_SYSLOG", bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SWITCHBOARD_AUDIT_FORWARD_SYSLOG").hasMessageNotContaining("pw");
    }
  }

  @Test
  void aSyslogCaFileNeedsATlsReceiverAndAReadableFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----");
    assertThat(SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_FORWARD_SYSLOG", "tls://siem.example:6514",
        "SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE", ca.toString())).auditForwarding().syslogCaFile()).contains(ca);
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_FORWARD_SYSLOG", "tcp://siem.example:514",
        "SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE", ca.toString())))
        .hasMessageContaining("SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE").hasMessageContaining("tls://");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_AUDIT_FORWARD_SYSLOG", "tls://siem.example:6514",
        "SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE", dir.resolve("missing.pem").toString())))
        .hasMessageContaining("SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE").hasMessageContaining("missing.pem");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_HTTP_PORT", "http")))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_HTTP_PORT", "70000")))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_DEMO_TENANT", "maybe")))
        .hasMessageContaining("SWITCHBOARD_DEMO_TENANT");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_ACTION_TIMEOUT_SECONDS", "60", "SWITCHBOARD_JOB_LEASE_SECONDS", "30")))
        .hasMessageContaining("SWITCHBOARD_JOB_LEASE_SECONDS");
  }

  @Test
  void toStringRedactsTokensAndSecretsButShowsTheRest() {
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", "signing-secret-value",
        "SWITCHBOARD_DEMO_ADMIN_TOKEN", "admin-token-value",
        "SWITCHBOARD_OPERATOR_TOKEN", "operator-token-value",
        "SWITCHBOARD_METRICS_TOKEN", "metrics-token-value",
        "SWITCHBOARD_DATABASE_URL", "postgresql://u:database-password@h:5432/sb",
        "SWITCHBOARD_AUDIT_FORWARD_URL", "https://siem.example/in",
        "SWITCHBOARD_AUDIT_FORWARD_AUTHORIZATION", "Splunk forward-authorization-value",
        "SWITCHBOARD_HTTP_PORT", "8181"));

    assertThat(config.toString())
        .doesNotContain("signing-secret-value", "admin-token-value", "operator-token-value", "metrics-token-value",
            "database-password", "forward-authorization-value")
        .contains("demoSlackSigningSecret=Optional[[redacted]]", "demoAdminToken=Optional[[redacted]]",
            "operatorToken=Optional[[redacted]]", "metricsToken=Optional[[redacted]]")
        .contains("httpPort=8181", "postgresql://u@h:5432/sb", "https://siem.example/in");
  }

  @Test
  void webhookUrlsPrintWithoutTheirQuery() {
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_AUDIT_FORWARD_URL", "https://siem.example:8088/in?token=forward-query-token",
        "SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL", "http://anchors.example/post?key=anchor-query-key"));

    assertThat(config.toString()).doesNotContain("forward-query-token", "anchor-query-key")
        .contains("https://siem.example:8088/in?[redacted]", "http://anchors.example/post?[redacted]");
    assertThat(OutboundUrl.forDisplay(URI.create("https://siem.example/in"))).isEqualTo("https://siem.example/in");
  }
}

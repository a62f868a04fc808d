package io.switchboard.deploy;

import io.switchboard.core.log.LogRedaction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeSettingsLogTest {

  @Test
  @DisplayName("the values of secret settings are never logged; other settings are")
  void secretSettingsAreRedacted() {
    NodeSettings.redactSecretSettings(Map.of(
        "SWITCHBOARD_MASTER_KEY", "c2VjcmV0LW1hc3Rlci1rZXktZm9yLXRoZS10ZXN0cw==",
        "SWITCHBOARD_OPERATOR_TOKEN", "operator-token-value-1",
        "SWITCHBOARD_HTTP_HOST", "host-name-not-secret",
        "OTEL_EXPORTER_OTLP_HEADERS", "api-key=otlp-collector-key-1",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector-not-secret:4318"));

    assertThat(LogRedaction.redact("key c2VjcmV0LW1hc3Rlci1rZXktZm9yLXRoZS10ZXN0cw== token operator-token-value-1"))
        .isEqualTo("key [redacted] token [redacted]");
    assertThat(LogRedaction.redact("headers api-key=otlp-collector-key-1 to http://collector-not-secret:4318"))
        .isEqualTo("headers [redacted] to http://collector-not-secret:4318");
    assertThat(LogRedaction.redact("listening on host-name-not-secret")).isEqualTo("listening on host-name-not-secret");
  }

  @Test
  @DisplayName("a tracing setting the SDK refuses stops the node, naming the variable")
  void badTracingSetting() {
    assertThatThrownBy(() -> NodeSettings.read(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_TRACES_SAMPLER_ARG",
        "half", "OTEL_TRACES_SAMPLER", "traceidratio"), Role.ALL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OTEL_TRACES_SAMPLER_ARG");
  }

  @Test
  @DisplayName("a log format the node does not understand stops it, naming the variable")
  void badLogFormat() {
    assertThatThrownBy(() -> NodeSettings.read(Map.of("SWITCHBOARD_LOG_FORMAT", "yaml"), Role.ALL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SWITCHBOARD_LOG_FORMAT");
  }
}

package io.switchboard.core.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Tracing} makes of a {@code traceparent}: a request's (untrusted) or a job row's. */
class TracingTest {

  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  @DisplayName("a well-formed traceparent names its trace and span")
  void wellFormed() {
    SpanContext parsed = Tracing.parse(VALID);
    assertThat(parsed.isValid()).isTrue();
    assertThat(parsed.isRemote()).isTrue();
    assertThat(parsed.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(parsed.getSpanId()).isEqualTo("00f067aa0ba902b7");
  }

  @Test
  @DisplayName("a hostile or malformed traceparent names nothing and throws nothing")
  void hostileValuesNameNothing() {
    String[] hostile = {null, "", "   ", "garbage", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u0000", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        VALID + "-" + "x".repeat(100_000), "00-\u00e9\u00e9-00f067aa0ba902b7-01"};
    for (String value : hostile) {
      assertThat(Tracing.parse(value).isValid()).as("%s", value == null ? null : value.substring(0, Math.min(80, value.length())))
          .isFalse();
    }
  }

  @Test
  @DisplayName("with tracing off (the default no-op), spans have no context and a job row gets no trace parent")
  void offByDefault() {
    Span span = Tracing.startUnder(VALID, "job.run", SpanKind.INTERNAL, null);
    assertThat(Tracing.traceparent(Tracing.startChild("anything", SpanKind.INTERNAL))).isNull();
    assertThat(span.isRecording()).isFalse();
  }
}

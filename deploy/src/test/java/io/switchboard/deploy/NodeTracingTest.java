package io.switchboard.deploy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.switchboard.core.config.Environment;
import io.switchboard.core.trace.Tracing;
import io.switchboard.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's tracing: off unless asked for, configured by the standard OTEL_* variables, checked at start. */
@DisplayName("Node tracing: OTEL_* variables switch it on; off by default")
class NodeTracingTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("with no OTEL_TRACES_EXPORTER there is no SDK: the no-op tracer stays, spans have no context")
  void offByDefault() {
    OpenTelemetry before = Tracing.openTelemetry();
    for (Map<String, String> env : List.of(Map.<String, String>of(),
        Map.of("OTEL_SERVICE_NAME", "switchboard-a", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"),
        Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true"))) {
      Optional<NodeTracing> tracing = NodeTracing.start(new Environment(env));
      assertThat(tracing).as("%s", env).isEmpty();
      assertThat(Tracing.openTelemetry()).isSameAs(before);
    }
    Span span = Tracing.startChild("anything", SpanKind.INTERNAL);
    assertThat(span.getSpanContext().isValid()).as("nothing is recorded, so nothing can be exported").isFalse();
    assertThat(Tracing.traceparent(span)).as("and no job row gets a trace parent").isNull();
  }

  @Test
  @DisplayName("a value the SDK refuses stops the node naming the variable")
  void badValueNamesTheVariable() {
    assertThatThrownBy(() -> NodeTracing.check(new Environment(Map.of(
        "OTEL_TRACES_EXPORTER", "none", "OTEL_TRACES_SAMPLER", "sometimes"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OTEL_TRACES_SAMPLER").hasMessageContaining("sometimes");
    assertThatThrownBy(() -> NodeTracing.check(new Environment(Map.of("OTEL_TRACES_EXPORTER", "carrier-pigeon"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carrier-pigeon");
    // gRPC needs a sender the node does not ship (OkHttp or grpc-java): refused at start, not at the first export.
    assertThatThrownBy(() -> NodeTracing.check(new Environment(Map.of(
        "OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL");
  }

  @Test
  @DisplayName("OTEL_TRACES_EXPORTER=otlp over http/protobuf sends the spans to the collector's /v1/traces")
  void otlpExportReachesTheCollector() {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer collector = Await.result(vertx.createHttpServer().requestHandler(request -> request.body()
        .onSuccess(body -> {
          received.add(request.method() + " " + request.path() + " " + request.getHeader("Content-Type") + " "
              + body.toString(StandardCharsets.ISO_8859_1));
          request.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer());
        })).listen(0, "127.0.0.1"));
    OpenTelemetry before = Tracing.openTelemetry();
    NodeTracing tracing = NodeTracing.start(new Environment(Map.of(
        "OTEL_TRACES_EXPORTER", "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort(),
        "OTEL_SERVICE_NAME", "switchboard-under-test"))).orElseThrow();
    try {
      assertThat(Tracing.openTelemetry()).isNotSameAs(before);
      Tracing.startChild("exported.span", SpanKind.INTERNAL).end();
    } finally {
      tracing.close();
    }
    assertThat(Tracing.openTelemetry()).as("closing puts back the tracing it replaced").isSameAs(before);
    Await.until("the collector received the span", () -> !received.isEmpty());
    assertThat(received).singleElement().asString()
        .startsWith("POST /v1/traces application/x-protobuf ")
        .contains("exported.span").contains("switchboard-under-test");
  }
}

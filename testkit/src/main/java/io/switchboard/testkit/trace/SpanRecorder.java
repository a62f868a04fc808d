package io.switchboard.testkit.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.core.trace.Tracing;

import java.util.List;
import java.util.Optional;

/**
 * Records the spans this JVM makes: an OpenTelemetry SDK that exports every span, as it ends, to an
 * in-memory exporter, installed as {@link Tracing}'s until {@link #close()} puts back the one it replaced.
 */
public final class SpanRecorder implements AutoCloseable {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk;
  private final OpenTelemetry replaced;

  private SpanRecorder() {
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    replaced = Tracing.install(sdk);
  }

  /** Starts recording. */
  public static SpanRecorder install() {
    return new SpanRecorder();
  }

  /** Every span ended so far, in the order they ended. */
  public List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  /** The ended spans of one trace. */
  public List<SpanData> trace(String traceId) {
    return spans().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
  }

  /** The first ended span named {@code name} of {@code kind}, if any. */
  public Optional<SpanData> first(String name, SpanKind kind) {
    return spans().stream().filter(span -> span.getName().equals(name) && span.getKind() == kind).findFirst();
  }

  @Override
  public void close() {
    Tracing.install(replaced);
    sdk.shutdown();
  }
}

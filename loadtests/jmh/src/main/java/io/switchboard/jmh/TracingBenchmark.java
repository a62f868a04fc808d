package io.switchboard.jmh;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.switchboard.core.trace.Tracing;
import io.switchboard.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * What tracing costs one queued command on the gateway: the calls the request, policy, rate-limit and
 * enqueue steps make ({@link Tracing}), on a request's duplicated Vert.x context. {@code off}: the
 * default, the no-op OpenTelemetry; {@code sdk}: the SDK recording every span into a batch processor
 * whose exporter drops them (tracing on, without the export itself). {@link #baseline} is the
 * harness's own cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracingBenchmark {

  @Param({"off", "sdk"})
  public String tracing;

  private Vertx vertx;
  private OpenTelemetry replaced;
  private OpenTelemetrySdk sdk;
  private ContextInternal request;
  private ContextInternal previous;

  @Setup(Level.Trial)
  public void setUp() {
    vertx = Vertx.vertx();
    if (tracing.equals("sdk")) {
      // Spans batched as with OTLP on, then dropped: the node's share of the cost, not the exporter's.
      SpanExporter discard = new SpanExporter() {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofSuccess();
        }
      };
      sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(BatchSpanProcessor.builder(discard).build()).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
      replaced = Tracing.install(sdk);
    }
  }

  /** A fresh duplicated context per command, current on the benchmark's thread, as a request's is. */
  @Setup(Level.Invocation)
  public void enterRequest() {
    request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    previous = request.beginDispatch();
  }

  @TearDown(Level.Invocation)
  public void leaveRequest() {
    request.endDispatch(previous);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (sdk != null) {
      Tracing.install(replaced);
      sdk.shutdown();
    }
    Await.result(vertx.close());
  }

  /** The harness alone (a context made current per invocation): subtract it from {@link #queuedCommand}. */
  @Benchmark
  public ContextInternal baseline() {
    return request;
  }

  @Benchmark
  public String queuedCommand() {
    Span request = Tracing.startRequest("POST", null);
    Tracing.current().setAttribute(Tracing.PLATFORM, "slack");
    Tracing.current().setAttribute(Tracing.TENANT, "acme");
    Tracing.endWith(Tracing.startChild("policy.load", SpanKind.INTERNAL), Future.succeededFuture());
    Tracing.endWith(Tracing.startChild("rate_limit.take", SpanKind.INTERNAL), Future.succeededFuture());
    Span enqueue = Tracing.startChild("job.enqueue", SpanKind.PRODUCER);
    enqueue.setAttribute(Tracing.COMMAND, "deploy");
    String parent = Tracing.traceparent(enqueue);
    Tracing.endWith(enqueue, Future.succeededFuture(), done -> "queued");
    request.end();
    return parent;
  }
}

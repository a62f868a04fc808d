package io.switchboard.core.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.switchboard.core.log.LogContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.context.storage.ContextLocal;

import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * OpenTelemetry spans along a command's path: the request, the pipeline's I/O steps, the enqueue,
 * and, from the W3C {@code traceparent} the job row carries, the executor's claim and run, the
 * action's outbound calls and the reply. The span a path is in is kept on the Vert.x duplicated
 * context of its request or job (like {@link LogContext}'s fields, and for the same reason: one event
 * loop serves many commands), not in OpenTelemetry's thread-local context; its trace id goes on the
 * path's log lines ({@link LogContext#TRACE_ID}).
 *
 * <p>The {@link OpenTelemetry} instance is process-wide, like the logging backend: the node installs
 * the one its {@code OTEL_*} variables configure; until then, and when tracing is off, it is the
 * no-op one, whose spans cost a few allocations and record nothing. An incoming {@code traceparent}
 * comes from the internet and is never a parent: a request starts a new trace and links to it.
 */
public final class Tracing {

  /** The instrumentation scope's name. */
  public static final String SCOPE = "io.switchboard";

  /** The chat platform. */
  public static final AttributeKey<String> PLATFORM = AttributeKey.stringKey("switchboard.platform");
  /** The tenant's id. */
  public static final AttributeKey<String> TENANT = AttributeKey.stringKey("switchboard.tenant");
  /** The command's verb (its catalog name), never its arguments. */
  public static final AttributeKey<String> COMMAND = AttributeKey.stringKey("switchboard.command");
  /** How the step ended: {@code ok}, or a short bounded reason. */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("switchboard.outcome");
  /** The job's id. */
  public static final AttributeKey<Long> JOB_ID = AttributeKey.longKey("switchboard.job.id");
  /** The action type a job runs. */
  public static final AttributeKey<String> ACTION = AttributeKey.stringKey("switchboard.action");
  /** An HTTP span's method (OpenTelemetry's semantic conventions). */
  public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  /** An HTTP span's response status. */
  public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  private static final ContextLocal<Span> LOCAL = ContextLocal.registerLocal(Span.class, span -> span);
  private static final String TRACEPARENT = "traceparent";

  private static volatile OpenTelemetry telemetry = OpenTelemetry.noop();
  private static volatile Tracer tracer = telemetry.getTracer(SCOPE);

  private Tracing() {
  }

  /** Makes sure the context-local is registered (it is, once this class is loaded). */
  public static void register() {
    // Loading the class registered LOCAL.
  }

  /** Installs the process's OpenTelemetry (the node at start, tests); returns the one it replaces. */
  public static OpenTelemetry install(OpenTelemetry openTelemetry) {
    OpenTelemetry previous = telemetry;
    telemetry = openTelemetry;
    tracer = openTelemetry.getTracer(SCOPE);
    return previous;
  }

  /** The installed OpenTelemetry. */
  public static OpenTelemetry openTelemetry() {
    return telemetry;
  }

  /**
   * Starts the server span of an incoming request and makes it current on the request's duplicated
   * context: a new trace whatever the request says; a valid {@code untrustedTraceparent} is only
   * recorded as a link.
   */
  public static Span startRequest(String name, String untrustedTraceparent) {
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.SERVER)
        .setParent(io.opentelemetry.context.Context.root());
    SpanContext incoming = parse(untrustedTraceparent);
    if (incoming.isValid()) {
      builder.addLink(incoming);
    }
    Span span = builder.startSpan();
    makeCurrent(span);
    return span;
  }

  /** Starts a span whose parent is the current context's span (a new trace when there is none). */
  public static Span startChild(String name, SpanKind kind) {
    return tracer.spanBuilder(name).setSpanKind(kind)
        .setParent(io.opentelemetry.context.Context.root().with(current())).startSpan();
  }

  /**
   * Starts a span under a W3C {@code traceparent} this system wrote (a job row's): a new trace when it
   * is null or malformed.
   */
  public static Span startUnder(String traceparent, String name, SpanKind kind, Instant start) {
    SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind)
        .setParent(io.opentelemetry.context.Context.root().with(Span.wrap(parse(traceparent))));
    if (start != null) {
      builder.setStartTimestamp(start);
    }
    return builder.startSpan();
  }

  /**
   * Makes {@code span} the current one of the current duplicated context (outside one, it does
   * nothing), and puts its trace id on the context's log fields.
   */
  public static void makeCurrent(Span span) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      internal.putLocal(LOCAL, span);
      SpanContext spanContext = span.getSpanContext();
      if (spanContext.isValid()) {
        LogContext.put(LogContext.TRACE_ID, spanContext.getTraceId());
      } else if (LogContext.current().containsKey(LogContext.TRACE_ID)) {
        LogContext.put(LogContext.TRACE_ID, null);
      }
    }
  }

  /**
   * Links {@code span} to the one a W3C {@code traceparent} this system wrote names: an approval
   * vote to the command it decides, whose trace the approved job continues.
   */
  public static void link(Span span, String traceparent) {
    SpanContext linked = parse(traceparent);
    if (linked.isValid()) {
      span.addLink(linked);
    }
  }

  /** The current context's span; an invalid one when there is none. */
  public static Span current() {
    Context context = Vertx.currentContext();
    Span span = context == null ? null : context.getLocal(LOCAL);
    return span == null ? Span.getInvalid() : span;
  }

  /** The W3C {@code traceparent} of {@code span}, or null when it has no valid context (tracing off). */
  public static String traceparent(Span span) {
    if (!span.getSpanContext().isValid()) {
      return null;
    }
    String[] out = new String[1];
    W3CTraceContextPropagator.getInstance().inject(io.opentelemetry.context.Context.root().with(span), out,
        (carrier, key, value) -> {
          if (TRACEPARENT.equals(key)) {
            carrier[0] = value;
          }
        });
    return out[0];
  }

  /** Adds the headers that carry {@code span}'s context to an outbound call (W3C {@code traceparent}). */
  public static void inject(Span span, BiConsumer<String, String> header) {
    if (span.getSpanContext().isValid()) {
      TextMapSetter<BiConsumer<String, String>> setter = (carrier, key, value) -> carrier.accept(key, value);
      telemetry.getPropagators().getTextMapPropagator()
          .inject(io.opentelemetry.context.Context.root().with(span), header, setter);
    }
  }

  /**
   * Ends {@code span} when {@code future} completes: {@link #OUTCOME} {@code ok}, or an error status
   * with the failure's type (not its message, which may quote the command).
   */
  public static <T> Future<T> endWith(Span span, Future<T> future) {
    return endWith(span, future, result -> "ok");
  }

  /** {@link #endWith(Span, Future)}, the outcome of a success named by {@code outcome} (a bounded word). */
  public static <T> Future<T> endWith(Span span, Future<T> future, Function<T, String> outcome) {
    return future.andThen(ar -> {
      if (ar.succeeded()) {
        span.setAttribute(OUTCOME, outcome.apply(ar.result()));
      } else {
        failed(span, ar.cause());
      }
      span.end();
    });
  }

  /** Marks {@code span} failed by {@code cause} (its type only). */
  public static void failed(Span span, Throwable cause) {
    span.setAttribute(OUTCOME, "error");
    span.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName());
  }

  /** The span context a W3C {@code traceparent} names; an invalid one when it names none. */
  static SpanContext parse(String traceparent) {
    if (traceparent == null || traceparent.isBlank() || traceparent.length() > 128) {
      return SpanContext.getInvalid();
    }
    TextMapGetter<String> getter = new TextMapGetter<>() {
      @Override
      public Iterable<String> keys(String carrier) {
        return List.of(TRACEPARENT);
      }

      @Override
      public String get(String carrier, String key) {
        return TRACEPARENT.equals(key) ? carrier : null;
      }
    };
    return Span.fromContext(W3CTraceContextPropagator.getInstance()
        .extract(io.opentelemetry.context.Context.root(), traceparent, getter)).getSpanContext();
  }

}

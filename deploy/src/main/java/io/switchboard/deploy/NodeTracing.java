package io.switchboard.deploy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.switchboard.core.config.Environment;
import io.switchboard.core.trace.Tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's tracing, configured by the standard OpenTelemetry variables ({@code OTEL_TRACES_EXPORTER},
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_SAMPLER}, ...)
 * through the SDK's autoconfiguration, and installed as {@link Tracing}'s for the node's life.
 *
 * <p>Off unless {@code OTEL_TRACES_EXPORTER} is set (or when {@code OTEL_SDK_DISABLED=true}): no SDK,
 * the no-op tracer, no thread, no network traffic. {@code none} runs the SDK without exporting (trace
 * ids on log lines, {@code traceparent} on outbound calls). Where the SDK's own defaults would export
 * more than traces, ours say otherwise: metrics and logs are not exported (Micrometer and the log
 * encoders serve them), OTLP speaks {@code http/protobuf} (the JDK's HTTP client sends it; gRPC would
 * need OkHttp), and the service is {@code switchboard}. A value the SDK does not accept stops the node
 * naming its variable.
 */
public final class NodeTracing implements AutoCloseable {

  /** The variable that switches tracing on. */
  public static final String EXPORTER_VARIABLE = "OTEL_TRACES_EXPORTER";

  private static final Map<String, String> DEFAULTS = Map.of(
      "otel.service.name", "switchboard",
      "otel.metrics.exporter", "none",
      "otel.logs.exporter", "none",
      "otel.exporter.otlp.protocol", "http/protobuf");
  private static final List<String> PROTOCOL_VARIABLES =
      List.of("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
  private static final Pattern PROPERTY = Pattern.compile("otel(\\.[a-z0-9_-]+)+");

  private final OpenTelemetrySdk sdk;
  private final OpenTelemetry replaced;

  private NodeTracing(OpenTelemetrySdk sdk, OpenTelemetry replaced) {
    this.sdk = sdk;
    this.replaced = replaced;
  }

  /** Whether {@code env} switches tracing on. */
  public static boolean enabled(Environment env) {
    return env.optional(EXPORTER_VARIABLE).isPresent()
        && !env.optional("OTEL_SDK_DISABLED").map(v -> v.equalsIgnoreCase("true")).orElse(false);
  }

  /**
   * Builds the SDK {@code env} asks for and shuts it down again: the check start-up and
   * {@code switchboard config check} make before anything starts.
   *
   * @throws IllegalArgumentException naming the variable the SDK refused
   */
  public static void check(Environment env) {
    build(env).ifPresent(sdk -> sdk.shutdown().join(5, TimeUnit.SECONDS));
  }

  /** Starts tracing as {@code env} says and installs it; when it is off, installs nothing. */
  public static Optional<NodeTracing> start(Environment env) {
    return build(env).map(sdk -> new NodeTracing(sdk, Tracing.install(sdk)));
  }

  /** The SDK {@code env} configures, or empty when tracing is off. */
  static Optional<OpenTelemetrySdk> build(Environment env) {
    if (!enabled(env)) {
      return Optional.empty();
    }
    for (String variable : PROTOCOL_VARIABLES) {
      env.optional(variable).filter(protocol -> protocol.equalsIgnoreCase("grpc")).ifPresent(grpc -> {
        throw new IllegalArgumentException(variable + "=grpc is not supported: Switchboard sends OTLP over HTTP "
            + "(http/protobuf, the default, or http/json); point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's "
            + "HTTP port (4318)");
      });
    }
    Map<String, String> properties = new HashMap<>();
    env.withPrefix("OTEL_").forEach((name, value) -> properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    try {
      return Optional.of(AutoConfiguredOpenTelemetrySdk.builder()
          .disableShutdownHook()
          .addPropertiesSupplier(() -> DEFAULTS)
          // The node's environment, as it was read, over anything else the SDK would look at.
          .addPropertiesCustomizer(config -> properties)
          .build()
          .getOpenTelemetrySdk());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("tracing is misconfigured: " + variables(describe(e))
          + " (see the Tracing section of docs/operations.md)", e);
    }
  }

  /** The SDK's message, and its innermost cause's when that says more ("Unexpected configuration error"). */
  private static String describe(Throwable e) {
    String message = String.valueOf(e.getMessage());
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e || root.getMessage() == null ? message : message + ": " + root.getMessage();
  }

  /** The SDK's messages name properties ({@code otel.traces.sampler}); the node is set up with variables. */
  static String variables(String message) {
    Matcher matcher = PROPERTY.matcher(message);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(
          matcher.group().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** Puts back the tracing this replaced and shuts the SDK down, exporting what it still holds. */
  @Override
  public void close() {
    Tracing.install(replaced);
    CompletableResultCode done = sdk.shutdown();
    done.join(10, TimeUnit.SECONDS);
  }
}

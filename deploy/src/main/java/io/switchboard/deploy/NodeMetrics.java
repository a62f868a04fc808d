package io.switchboard.deploy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.EventBusAddresses;
import io.switchboard.core.log.ContextCapturingAsyncAppender;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A node's one Prometheus registry, served on {@code /metrics}: Switchboard's own meters, the JVM's
 * (memory, GC, threads, class loading, compilation, heap pressure), the process's (CPU, uptime, open
 * files), and Vert.x's own (HTTP server and client, the PostgreSQL pool and client, worker pools, the
 * event bus) through {@code vertx-micrometer-metrics}.
 *
 * <p>Every label is bounded: HTTP server requests are tagged with the route template that served
 * them ({@code /api/v1/jobs/:id}; Vert.x Web lists every route the request passed, {@code a>b>c}, and
 * only the last, the one that answered, is kept; empty when none matched), never the raw path; no remote or local address is a label; the
 * event-bus address is one of Switchboard's fixed addresses or {@value #OTHER_ADDRESS} (reply and
 * cluster-internal addresses); and the HTTP client's connection pools, which Vert.x names by the
 * server they connect to (a tenant's Jenkins or webhook host), are all {@value #HTTP_CLIENT_POOL}.
 */
final class NodeMetrics implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);

  /** The event-bus address label of every address that is not one of {@link #ADDRESSES}. */
  static final String OTHER_ADDRESS = "other";
  /** The pool name of every HTTP client connection pool. */
  static final String HTTP_CLIENT_POOL = "http-client";
  /** The addresses Switchboard itself uses on the bus; the only values the address label takes besides "other". */
  static final Set<String> ADDRESSES = Set.of(EventBusAddresses.JOBS_WAKEUP, EventBusAddresses.JOBS_FINISHED,
      EventBusAddresses.JOBS_CANCEL, EventBusAddresses.JOBS_PROGRESS, EventBusAddresses.INSTALLATIONS_CHANGED,
      PolicyDirectory.CHANGED_ADDRESS);
  /** The labels Vert.x may put on its meters: no {@code path}, {@code remote} or {@code local}. */
  static final Set<Label> LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE,
      Label.POOL_NAME, Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE, Label.NAMESPACE);

  private final PrometheusMeterRegistry registry;
  private final String vertxRegistryName = "switchboard-" + UUID.randomUUID();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private NodeMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A new registry with the label filters in place and the JVM and process binders bound. */
  static NodeMetrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(boundedLabels());
    NodeMetrics metrics = new NodeMetrics(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    metrics.closeables.add(gc);
    metrics.closeables.add(heapPressure);
    for (MeterBinder binder : List.of(new ClassLoaderMetrics(), new JvmMemoryMetrics(), gc, heapPressure,
        new JvmThreadMetrics(), new JvmInfoMetrics(), new JvmCompilationMetrics(), new ProcessorMetrics(),
        new UptimeMetrics(), new FileDescriptorMetrics())) {
      binder.bindTo(registry);
    }
    FunctionCounter.builder("switchboard.log.lines.dropped", ContextCapturingAsyncAppender.class,
            type -> ContextCapturingAsyncAppender.dropped())
        .description("Log lines dropped because the log output could not keep up (the queue was full)")
        .register(registry);
    return metrics;
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Vert.x's metrics options for this node. Vert.x keeps backends in a JVM-wide map by registry name,
   * so each node has its own name: otherwise a second node in one JVM (tests) would report into the
   * first node's registry.
   */
  MicrometerMetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(vertxRegistryName)
        .setLabels(EnumSet.copyOf(LABELS));
  }

  /** {@code builder} with Vert.x's metrics reporting into this node's registry. */
  VertxBuilder instrument(VertxBuilder builder, VertxOptions options) {
    return builder.with(options.setMetricsOptions(vertxMetricsOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Replaces unbounded label values before a meter is registered (see the class comment). */
  static MeterFilter boundedLabels() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        Meter.Id mapped = id;
        String address = id.getTag(Label.EB_ADDRESS.toString());
        if (address != null && id.getName().startsWith("vertx.eventbus") && !ADDRESSES.contains(address)) {
          mapped = mapped.replaceTags(replace(mapped.getTags(), Label.EB_ADDRESS.toString(), OTHER_ADDRESS));
        }
        String route = id.getTag(Label.HTTP_ROUTE.toString());
        if (route != null && route.indexOf('>') >= 0) {
          mapped = mapped.replaceTags(replace(mapped.getTags(), Label.HTTP_ROUTE.toString(),
              route.substring(route.lastIndexOf('>') + 1)));
        }
        if ("http".equals(id.getTag(Label.POOL_TYPE.toString())) && id.getTag(Label.POOL_NAME.toString()) != null) {
          mapped = mapped.replaceTags(replace(mapped.getTags(), Label.POOL_NAME.toString(), HTTP_CLIENT_POOL));
        }
        return mapped;
      }
    };
  }

  private static List<Tag> replace(List<Tag> tags, String key, String value) {
    List<Tag> replaced = new ArrayList<>(tags.size());
    for (Tag tag : tags) {
      replaced.add(tag.getKey().equals(key) ? Tag.of(key, value) : tag);
    }
    return replaced;
  }

  /** Stops the binders that hold resources (GC notification listeners). */
  @Override
  public void close() {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debug("Closing a metrics binder failed: {}", e.toString());
      }
    }
  }
}

package io.switchboard.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.NetworkConfig;
import io.switchboard.core.config.ClusterDiscovery;
import io.switchboard.core.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.regex.Pattern;

/**
 * Starts Vert.x on a clustered event bus with Hazelcast as the cluster manager, finding the members
 * the way {@link ClusterDiscovery} says: the listed members over TCP/IP, or Hazelcast's Kubernetes
 * discovery (a headless Service's DNS records, or the Kubernetes API). Never multicast, never cloud
 * auto-detection, no phoning home. Gateways and executors find each other this way; wake-ups,
 * results and cancellations then cross processes.
 */
final class ClusteredVertx {

  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

  private ClusteredVertx() {
  }

  /** Joins the cluster found by {@code discovery}, with Vert.x's metrics reporting into the node's registry. */
  static Future<Vertx> start(SwitchboardConfig.Cluster cluster, ClusterDiscovery discovery, NodeMetrics metrics) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(cluster, discovery));
    EventBusOptions eventBus = new EventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host());
    return metrics.instrument(Vertx.builder(), new VertxOptions().setEventBusOptions(eventBus))
        .withClusterManager(manager)
        .buildClustered();
  }

  /**
   * Vert.x's own default Hazelcast config (it defines the maps Vert.x needs), with exactly one join
   * method enabled: TCP/IP for {@code static}, Kubernetes for the {@code kubernetes-*} modes.
   */
  static Config hazelcastConfig(SwitchboardConfig.Cluster cluster, ClusterDiscovery discovery) {
    if (!discovery.enabled()) {
      throw new IllegalArgumentException("no cluster discovery configured");
    }
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.setPublicAddress(cluster.host() + ":" + cluster.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    switch (discovery.mode()) {
      case STATIC:
        join.getTcpIpConfig().setEnabled(true).setMembers(discovery.members());
        break;
      case KUBERNETES_DNS:
        kubernetes(join, cluster).setProperty("service-dns", discovery.serviceDns().orElseThrow());
        break;
      case KUBERNETES_API:
        KubernetesConfig api = kubernetes(join, cluster)
            .setProperty("service-name", discovery.serviceName().orElseThrow())
            // members join before they are ready (/ready needs the cluster joined first), so not-ready
            // endpoints must count
            .setProperty("resolve-not-ready-addresses", "true");
        discovery.namespace().ifPresent(namespace -> api.setProperty("namespace", namespace));
        break;
      default:
        throw new IllegalStateException("unexpected discovery mode " + discovery.mode());
    }
    join.verify();
    if (IPV4.matcher(cluster.host()).matches()) {
      config.setProperty("hazelcast.socket.bind.any", "false");
      config.setProperty("hazelcast.local.localAddress", cluster.host());
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    }
    return config;
  }

  /** Hazelcast's Kubernetes discovery, asking every member on this node's Hazelcast port. */
  private static KubernetesConfig kubernetes(JoinConfig join, SwitchboardConfig.Cluster cluster) {
    return join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-port", Integer.toString(cluster.port()));
  }
}

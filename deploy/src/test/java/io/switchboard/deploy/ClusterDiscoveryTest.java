package io.switchboard.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import io.switchboard.core.config.ClusterDiscovery;
import io.switchboard.core.config.SwitchboardConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Hazelcast configuration each {@code SWITCHBOARD_CLUSTER_DISCOVERY} mode produces, and the
 * combinations refused at start-up. Nothing here joins a cluster: it only builds {@link Config} objects
 * (no Kubernetes here), so the addresses in them are never contacted.
 */
@DisplayName("cluster discovery: static members, Kubernetes DNS or API, chosen by configuration")
class ClusterDiscoveryTest {

  private static SwitchboardConfig config(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return SwitchboardConfig.fromEnv(env);
  }

  private static ClusterDiscovery discovery(SwitchboardConfig config) {
    return ClusterDiscovery.fromEnv(config.environment(), config.cluster());
  }

  private static Config hazelcast(String... pairs) {
    SwitchboardConfig config = config(pairs);
    return ClusteredVertx.hazelcastConfig(config.cluster(), discovery(config));
  }

  /** Multicast and auto-detection are never on, whatever the mode. */
  private static void assertNoOtherJoin(JoinConfig join) {
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getAwsConfig().isEnabled()).isFalse();
    assertThat(join.getGcpConfig().isEnabled()).isFalse();
    assertThat(join.getAzureConfig().isEnabled()).isFalse();
    assertThat(join.getEurekaConfig().isEnabled()).isFalse();
  }

  @Test
  @DisplayName("no member list and no mode: not clustered, as before")
  void noneByDefault() {
    ClusterDiscovery discovery = discovery(config());
    assertThat(discovery.enabled()).isFalse();
    assertThat(discovery.mode()).isEqualTo(ClusterDiscovery.Mode.NONE);
  }

  @Test
  @DisplayName("a member list alone means static: TCP/IP join with those members, Kubernetes off")
  void staticFromMembers() {
    Config config = hazelcast("SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:19150,127.0.0.1:19151",
        "SWITCHBOARD_CLUSTER_PORT", "19150");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:19150", "127.0.0.1:19151");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertNoOtherJoin(join);
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(discovery(config("SWITCHBOARD_CLUSTER_DISCOVERY", "STATIC",
        "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:19150")).mode()).isEqualTo(ClusterDiscovery.Mode.STATIC);
  }

  @Test
  @DisplayName("kubernetes-dns: Hazelcast's Kubernetes discovery with service-dns and the node's port, TCP/IP off")
  void kubernetesDns() {
    Config config = hazelcast("SWITCHBOARD_CLUSTER_DISCOVERY", "kubernetes-dns",
        "SWITCHBOARD_CLUSTER_SERVICE_DNS", "switchboard-cluster.switchboard.svc.cluster.local",
        "SWITCHBOARD_CLUSTER_HOST", "10.1.2.3", "SWITCHBOARD_CLUSTER_PORT", "5701",
        "SWITCHBOARD_CLUSTER_NAME", "prod");
    JoinConfig join = config.getNetworkConfig().getJoin();
    KubernetesConfig kubernetes = join.getKubernetesConfig();
    assertThat(kubernetes.isEnabled()).isTrue();
    assertThat(kubernetes.getProperties()).containsOnly(
        Map.entry("service-dns", "switchboard-cluster.switchboard.svc.cluster.local"),
        Map.entry("service-port", "5701"));
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertNoOtherJoin(join);
    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("10.1.2.3:5701");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName("kubernetes-api: service-name, the namespace if given, not-ready pods resolved, TCP/IP off")
  void kubernetesApi() {
    Config config = hazelcast("SWITCHBOARD_CLUSTER_DISCOVERY", "kubernetes-api",
        "SWITCHBOARD_CLUSTER_SERVICE_NAME", "switchboard-cluster", "SWITCHBOARD_CLUSTER_NAMESPACE", "chatops",
        "SWITCHBOARD_CLUSTER_HOST", "10.1.2.3", "SWITCHBOARD_CLUSTER_PORT", "5801");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties()).containsOnly(
        Map.entry("service-name", "switchboard-cluster"), Map.entry("namespace", "chatops"),
        Map.entry("resolve-not-ready-addresses", "true"), Map.entry("service-port", "5801"));
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertNoOtherJoin(join);

    KubernetesConfig ownNamespace = hazelcast("SWITCHBOARD_CLUSTER_DISCOVERY", "kubernetes-api",
        "SWITCHBOARD_CLUSTER_SERVICE_NAME", "switchboard-cluster", "SWITCHBOARD_CLUSTER_HOST", "10.1.2.3")
        .getNetworkConfig().getJoin().getKubernetesConfig();
    assertThat(ownNamespace.getProperties()).doesNotContainKey("namespace");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      an unknown mode                       | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes                                                                  | SWITCHBOARD_CLUSTER_DISCOVERY must be static, kubernetes-dns or kubernetes-api
      static without members                | SWITCHBOARD_CLUSTER_DISCOVERY=static                                                                      | SWITCHBOARD_CLUSTER_DISCOVERY=static needs SWITCHBOARD_CLUSTER_MEMBERS
      kubernetes-dns without a name         | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns,SWITCHBOARD_CLUSTER_HOST=10.1.2.3                            | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns needs SWITCHBOARD_CLUSTER_SERVICE_DNS
      kubernetes-dns with a bad name        | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns,SWITCHBOARD_CLUSTER_HOST=10.1.2.3,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb_cluster.local | SWITCHBOARD_CLUSTER_SERVICE_DNS must be a DNS name
      kubernetes-dns with a member list     | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns,SWITCHBOARD_CLUSTER_HOST=10.1.2.3,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb.local,SWITCHBOARD_CLUSTER_MEMBERS=10.1.2.4:5701 | SWITCHBOARD_CLUSTER_MEMBERS is only used with SWITCHBOARD_CLUSTER_DISCOVERY=static
      kubernetes-dns with a service name    | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns,SWITCHBOARD_CLUSTER_HOST=10.1.2.3,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb.local,SWITCHBOARD_CLUSTER_SERVICE_NAME=sb | SWITCHBOARD_CLUSTER_SERVICE_NAME is only used with SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api
      kubernetes-dns on the loopback host   | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns,SWITCHBOARD_CLUSTER_HOST=127.0.0.1,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb.local | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns needs SWITCHBOARD_CLUSTER_HOST set to the pod's own IP
      kubernetes-dns without a host         | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb.local                      | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns needs SWITCHBOARD_CLUSTER_HOST
      kubernetes-api without a service      | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api,SWITCHBOARD_CLUSTER_HOST=10.1.2.3                            | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api needs SWITCHBOARD_CLUSTER_SERVICE_NAME
      kubernetes-api with a bad service     | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api,SWITCHBOARD_CLUSTER_HOST=10.1.2.3,SWITCHBOARD_CLUSTER_SERVICE_NAME=Switchboard | SWITCHBOARD_CLUSTER_SERVICE_NAME must be a Kubernetes name
      kubernetes-api with a bad namespace   | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api,SWITCHBOARD_CLUSTER_HOST=10.1.2.3,SWITCHBOARD_CLUSTER_SERVICE_NAME=sb,SWITCHBOARD_CLUSTER_NAMESPACE=a.b | SWITCHBOARD_CLUSTER_NAMESPACE must be a Kubernetes name
      kubernetes-api with a DNS name        | SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api,SWITCHBOARD_CLUSTER_HOST=10.1.2.3,SWITCHBOARD_CLUSTER_SERVICE_NAME=sb,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb.local | SWITCHBOARD_CLUSTER_SERVICE_DNS is only used with SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns
      a namespace without a mode            | SWITCHBOARD_CLUSTER_NAMESPACE=chatops                                                                     | SWITCHBOARD_CLUSTER_NAMESPACE is only used with SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-api
      a DNS name with static members        | SWITCHBOARD_CLUSTER_MEMBERS=127.0.0.1:19150,SWITCHBOARD_CLUSTER_SERVICE_DNS=sb.local                       | SWITCHBOARD_CLUSTER_SERVICE_DNS is only used with SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns (it is static)
      """)
  @DisplayName("a combination that cannot work is refused, naming the variable")
  void refused(String what, String env, String message) {
    String[] pairs = env.split("[,=]");
    SwitchboardConfig config = config(pairs);
    assertThatThrownBy(() -> discovery(config)).as(what)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}

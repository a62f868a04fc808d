package io.switchboard.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a node finds the other members of its Hazelcast cluster, read from
 * {@code SWITCHBOARD_CLUSTER_DISCOVERY} and the variables of the chosen mode: a static member list
 * ({@code SWITCHBOARD_CLUSTER_MEMBERS}), or Hazelcast's built-in Kubernetes discovery through a
 * headless Service's DNS records ({@code SWITCHBOARD_CLUSTER_SERVICE_DNS}) or through the Kubernetes
 * API ({@code SWITCHBOARD_CLUSTER_SERVICE_NAME}, optionally {@code SWITCHBOARD_CLUSTER_NAMESPACE}).
 * A combination that cannot work is refused here, at start-up, naming the variable.
 *
 * @param mode        how members are found; {@link Mode#NONE}: no cluster, the event bus is in-process
 * @param members     the static member list ({@link Mode#STATIC} only)
 * @param serviceDns  the headless Service's DNS name ({@link Mode#KUBERNETES_DNS} only)
 * @param serviceName the Service whose endpoints are the members ({@link Mode#KUBERNETES_API} only)
 * @param namespace   that Service's namespace; empty: the pod's own ({@link Mode#KUBERNETES_API} only)
 */
public record ClusterDiscovery(Mode mode, List<String> members, Optional<String> serviceDns,
                               Optional<String> serviceName, Optional<String> namespace) {

  /** The ways of finding members. */
  public enum Mode {
    /** Not clustered. */
    NONE("none"),
    /** TCP/IP join with {@code SWITCHBOARD_CLUSTER_MEMBERS}. */
    STATIC("static"),
    /** Kubernetes: the A records of a headless Service. */
    KUBERNETES_DNS("kubernetes-dns"),
    /** Kubernetes: the endpoints of a Service, read from the Kubernetes API. */
    KUBERNETES_API("kubernetes-api");

    private final String value;

    Mode(String value) {
      this.value = value;
    }

    /** The value of {@code SWITCHBOARD_CLUSTER_DISCOVERY} that selects it. */
    public String value() {
      return value;
    }
  }

  static final String DISCOVERY = "SWITCHBOARD_CLUSTER_DISCOVERY";
  static final String MEMBERS = "SWITCHBOARD_CLUSTER_MEMBERS";
  static final String HOST = "SWITCHBOARD_CLUSTER_HOST";
  static final String SERVICE_DNS = "SWITCHBOARD_CLUSTER_SERVICE_DNS";
  static final String SERVICE_NAME = "SWITCHBOARD_CLUSTER_SERVICE_NAME";
  static final String NAMESPACE = "SWITCHBOARD_CLUSTER_NAMESPACE";

  /** A DNS name: lower-case labels of letters, digits and hyphens, dot-separated (RFC 1123). */
  private static final Pattern DNS_NAME =
      Pattern.compile("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$");
  /** A Kubernetes Service or namespace name: one DNS label (RFC 1123), at most 63 characters. */
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  public ClusterDiscovery {
    members = List.copyOf(members);
  }

  /** No cluster: the event bus stays in the process. */
  public static ClusterDiscovery none() {
    return new ClusterDiscovery(Mode.NONE, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** True when the node joins a cluster (any mode but {@link Mode#NONE}). */
  public boolean enabled() {
    return mode != Mode.NONE;
  }

  /**
   * Reads the discovery settings. Without {@code SWITCHBOARD_CLUSTER_DISCOVERY}, a member list means
   * {@code static} and no member list means no cluster, as before this setting existed.
   *
   * @throws IllegalArgumentException naming the variable, for a value or a combination that cannot work
   */
  public static ClusterDiscovery fromEnv(Environment env, SwitchboardConfig.Cluster cluster) {
    List<String> members = cluster.members();
    Optional<String> dns = env.optional(SERVICE_DNS).map(v -> v.toLowerCase(Locale.ROOT));
    Optional<String> serviceName = env.optional(SERVICE_NAME);
    Optional<String> namespace = env.optional(NAMESPACE);
    Mode mode = env.optional(DISCOVERY).map(ClusterDiscovery::mode)
        .orElse(members.isEmpty() ? Mode.NONE : Mode.STATIC);
    if (mode != Mode.KUBERNETES_DNS) {
      refuse(dns, SERVICE_DNS, mode, "kubernetes-dns");
    }
    if (mode != Mode.KUBERNETES_API) {
      refuse(serviceName, SERVICE_NAME, mode, "kubernetes-api");
      refuse(namespace, NAMESPACE, mode, "kubernetes-api");
    }
    switch (mode) {
      case NONE:
        return none();
      case STATIC:
        if (members.isEmpty()) {
          throw new IllegalArgumentException(DISCOVERY + "=static needs " + MEMBERS
              + " (the Hazelcast host:port of the cluster's nodes, comma-separated)");
        }
        return new ClusterDiscovery(mode, members, Optional.empty(), Optional.empty(), Optional.empty());
      case KUBERNETES_DNS:
        requireKubernetesHost(env, mode, members);
        String name = dns.orElseThrow(() -> new IllegalArgumentException(DISCOVERY + "=kubernetes-dns needs "
            + SERVICE_DNS + ": the DNS name of the headless Service in front of the Switchboard pods' Hazelcast port "
            + "(e.g. switchboard-cluster.switchboard.svc.cluster.local)"));
        if (!DNS_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(SERVICE_DNS + " must be a DNS name such as "
              + "switchboard-cluster.switchboard.svc.cluster.local (got '" + name + "')");
        }
        return new ClusterDiscovery(mode, List.of(), dns, Optional.empty(), Optional.empty());
      case KUBERNETES_API:
        requireKubernetesHost(env, mode, members);
        String service = serviceName.orElseThrow(() -> new IllegalArgumentException(DISCOVERY
            + "=kubernetes-api needs " + SERVICE_NAME + ": the Service whose endpoints are the Switchboard pods "
            + "(without it every pod of the namespace would be tried)"));
        requireLabel(SERVICE_NAME, service);
        namespace.ifPresent(ns -> requireLabel(NAMESPACE, ns));
        return new ClusterDiscovery(mode, List.of(), Optional.empty(), serviceName, namespace);
      default:
        throw new IllegalStateException("unexpected mode " + mode);
    }
  }

  private static Mode mode(String value) {
    for (Mode mode : Mode.values()) {
      if (mode != Mode.NONE && mode.value().equals(value.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(DISCOVERY + " must be static, kubernetes-dns or kubernetes-api (got '"
        + value + "')");
  }

  private static void refuse(Optional<String> value, String variable, Mode mode, String belongsTo) {
    if (value.isPresent()) {
      throw new IllegalArgumentException(variable + " is only used with " + DISCOVERY + "=" + belongsTo
          + (mode == Mode.NONE ? " (unset)" : " (it is " + mode.value() + ")") + ": unset it, or set " + DISCOVERY
          + "=" + belongsTo);
    }
  }

  /**
   * Kubernetes modes: no static list beside them, and the node's own address must be one its peers can
   * reach (the pod's IP), not the loopback default.
   */
  private static void requireKubernetesHost(Environment env, Mode mode, List<String> members) {
    if (!members.isEmpty()) {
      throw new IllegalArgumentException(MEMBERS + " is only used with " + DISCOVERY + "=static (it is "
          + mode.value() + ", which finds the members itself): unset " + MEMBERS);
    }
    Optional<String> host = env.optional(HOST);
    if (host.isEmpty() || host.get().startsWith("127.") || host.get().equalsIgnoreCase("localhost")
        || host.get().equals("::1")) {
      throw new IllegalArgumentException(DISCOVERY + "=" + mode.value() + " needs " + HOST
          + " set to the pod's own IP address, which the other pods reach (in the pod spec: valueFrom.fieldRef."
          + "fieldPath: status.podIP)" + host.map(h -> "; got '" + h + "'").orElse(""));
    }
  }

  private static void requireLabel(String variable, String value) {
    if (!DNS_LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(variable + " must be a Kubernetes name: lower-case letters, digits and "
          + "hyphens, at most 63 (got '" + value + "')");
    }
  }
}

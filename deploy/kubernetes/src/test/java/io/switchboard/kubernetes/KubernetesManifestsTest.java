package io.switchboard.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.switchboard.core.config.ClusterDiscovery;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.log.LogSettings;
import io.switchboard.kubernetes.CustomResources.ScaledObject;
import io.switchboard.kubernetes.CustomResources.ServiceMonitor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renders the base and every overlay of {@code deploy/kubernetes} with {@code kubectl kustomize},
 * loads each object into fabric8's typed model with unknown fields refused, and checks what a
 * cluster would only show at run time: resources, probes and a locked-down security context on every
 * container, migrations before serving, a shutdown budget that covers the node's grace period,
 * selectors that select what they are meant to, autoscalers aimed at the executors, and cluster
 * settings that the node itself accepts. Skipped, saying so, where kubectl is not installed.
 */
@DisplayName("deploy/kubernetes: every overlay renders into valid, consistent objects")
class KubernetesManifestsTest {

  private static final String NAMESPACE = "switchboard";
  private static final List<String> OVERLAYS =
      List.of("production", "keda", "hpa-external-metric", "kubernetes-api-discovery", "vault-agent");
  /** Variables that hold secrets: never a literal in a manifest, never in a ConfigMap. */
  private static final String SECRET_VARIABLE =
      "SWITCHBOARD_(DATABASE_URL|MASTER_KEY|.*_TOKEN|.*_SECRET|.*_SECRET_ID|.*_PASSWORD|.*_PRIVATE_KEY)";
  private static final Pattern ROLE = Pattern.compile("(?:^|switchboard\\.jar )(all|gateway|executor|migrate)$");

  /** The base and every overlay directory, each as a parameter. */
  static Stream<String> directories() throws IOException {
    Path root = RenderedManifests.root();
    List<String> dirs = new ArrayList<>(List.of("base"));
    try (Stream<Path> overlays = Files.list(root.resolve("overlays"))) {
      overlays.filter(Files::isDirectory).map(p -> "overlays/" + p.getFileName()).sorted().forEach(dirs::add);
    }
    return dirs.stream();
  }

  /** The base and every overlay, rendered, each named by its directory: what {@link ForEachRendering} tests take. */
  static Stream<Named<RenderedManifests>> renderings() throws IOException {
    return directories().map(dir -> Named.of(dir, rendered(dir)));
  }

  /**
   * A test of the base and of every overlay, given each one's rendered objects; a directory that does not
   * render fails here as a whole, and in {@link #loadsStrictly} by name.
   */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.kubernetes.KubernetesManifestsTest#renderings")
  @interface ForEachRendering {
  }

  private static RenderedManifests rendered(String dir) {
    return RenderedManifests.of(RenderedManifests.root().resolve(dir));
  }

  private static List<Container> allContainers(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    return all;
  }

  /** The role a container runs: its argument, or the end of its shell command line. */
  private static String role(Container container) {
    List<String> words = new ArrayList<>(container.getCommand());
    words.addAll(container.getArgs());
    String line = String.join(" ", words).strip();
    Matcher matcher = ROLE.matcher(line);
    assertThat(matcher.find()).as("%s runs one of the roles: %s", container.getName(), line).isTrue();
    return matcher.group(1);
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
      String value = labels.get(requirement.getKey());
      boolean ok = switch (requirement.getOperator()) {
        case "In" -> value != null && requirement.getValues().contains(value);
        case "NotIn" -> value == null || !requirement.getValues().contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean selectsMap(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The names of the pod templates a selector picks. */
  private static List<String> selected(RenderedManifests manifests, LabelSelector selector) {
    return manifests.podTemplates().entrySet().stream()
        .filter(e -> selects(selector, e.getValue().getMetadata().getLabels()))
        .map(Map.Entry::getKey).toList();
  }

  /**
   * The environment a container would see, as far as the manifests say: its ConfigMaps' data, then its
   * own variables, with the downward API's pod IP and namespace filled in and {@code $(VAR)} expanded.
   * Secret values are not known here and are left out.
   */
  private static Map<String, String> environment(RenderedManifests manifests, Container container, String namespace) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource source : container.getEnvFrom()) {
      if (source.getConfigMapRef() != null) {
        env.putAll(manifests.named(ConfigMap.class, source.getConfigMapRef().getName()).getData());
      }
    }
    for (EnvVar variable : container.getEnv()) {
      String value;
      if (variable.getValue() != null) {
        value = variable.getValue();
      } else if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
        value = switch (variable.getValueFrom().getFieldRef().getFieldPath()) {
          case "status.podIP" -> "10.244.1.17";
          case "metadata.namespace" -> namespace;
          default -> "field:" + variable.getValueFrom().getFieldRef().getFieldPath();
        };
      } else {
        continue;
      }
      Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
      StringBuilder expanded = new StringBuilder();
      while (reference.find()) {
        String name = reference.group(1);
        assertThat(env).as("%s: $(%s) refers to a variable defined before it", container.getName(), name)
            .containsKey(name);
        reference.appendReplacement(expanded, Matcher.quoteReplacement(env.get(name)));
      }
      reference.appendTail(expanded);
      env.put(variable.getName(), expanded.toString());
    }
    return env;
  }

  private static Optional<Container> serving(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> !role(c).equals("migrate")).findFirst();
  }

  // ------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("every expected overlay is there")
  void overlaysExist() throws IOException {
    assertThat(directories().toList()).contains("base").containsAll(OVERLAYS.stream().map(o -> "overlays/" + o).toList());
  }

  @Test
  @DisplayName("the loader itself refuses an unknown field, an unknown kind and a misplaced one")
  void loaderRefusesUnknownFields() {
    Path here = Path.of("inline");
    String deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers:
                - name: x
                  image: x
                  readinesProbe: {httpGet: {path: /ready, port: 8080}}
        """;
    assertThatThrownBy(() -> RenderedManifests.load(here, deployment)).hasMessageContaining("readinesProbe");
    assertThatThrownBy(() -> RenderedManifests.load(here, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"))
        .hasMessageContaining("has no typed model");
    String scaledObject = """
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: s}
        spec:
          scaleTargetRef: {name: switchboard-executor}
          minReplicas: 2
        """;
    assertThatThrownBy(() -> RenderedManifests.load(here, scaledObject)).hasMessageContaining("minReplicas");
    assertThat(RenderedManifests.load(here, deployment.replace("readinesProbe", "readinessProbe")).objects())
        .hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("directories")
  @DisplayName("renders, and every object loads into its typed model, in the switchboard namespace")
  void loadsStrictly(String dir) {
    RenderedManifests manifests = rendered(dir);
    assertThat(manifests.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("switchboard-gateway", "switchboard-executor");
    assertThat(manifests.all(Job.class)).extracting(j -> j.getMetadata().getName())
        .containsExactly("switchboard-migrate");
    for (Object object : manifests.objects()) {
      io.fabric8.kubernetes.api.model.ObjectMeta metadata = object instanceof HasMetadata h ? h.getMetadata()
          : object instanceof ScaledObject s ? s.metadata() : ((ServiceMonitor) object).metadata();
      assertThat(metadata.getNamespace()).as("%s %s: namespace", object.getClass().getSimpleName(), metadata.getName())
          .isEqualTo(NAMESPACE);
    }
  }

  @ForEachRendering
  @DisplayName("every container has CPU and memory requests and limits, and a locked-down security context")
  void resourcesAndSecurity(RenderedManifests manifests) {
    manifests.podTemplates().forEach((workload, template) -> {
      PodSpec pod = template.getSpec();
      PodSecurityContext podSecurity = pod.getSecurityContext();
      assertThat(podSecurity).as("%s: pod securityContext", workload).isNotNull();
      assertThat(podSecurity.getRunAsNonRoot()).as("%s: runAsNonRoot", workload).isTrue();
      assertThat(podSecurity.getRunAsUser()).as("%s: runAsUser", workload).isNotNull().isPositive();
      assertThat(podSecurity.getSeccompProfile().getType()).as("%s: seccomp", workload).isEqualTo("RuntimeDefault");
      for (Container container : allContainers(pod)) {
        String what = workload + " container " + container.getName();
        Map<String, Quantity> requests = container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits();
        assertThat(requests).as("%s: requests", what).containsKeys("cpu", "memory");
        assertThat(limits).as("%s: limits", what).containsKeys("cpu", "memory");
        assertThat(Quantity.getAmountInBytes(limits.get("memory")))
            .as("%s: memory limit at least the request", what)
            .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
        assertThat(Quantity.getAmountInBytes(limits.get("cpu")))
            .as("%s: cpu limit at least the request", what)
            .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("cpu")));
        SecurityContext security = container.getSecurityContext();
        assertThat(security).as("%s: securityContext", what).isNotNull();
        assertThat(security.getRunAsNonRoot()).as("%s: runAsNonRoot", what).isTrue();
        Long user = security.getRunAsUser() != null ? security.getRunAsUser() : podSecurity.getRunAsUser();
        assertThat(user).as("%s: runs as a numeric user other than root", what).isNotNull().isPositive();
        assertThat(security.getReadOnlyRootFilesystem()).as("%s: readOnlyRootFilesystem", what).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).as("%s: allowPrivilegeEscalation", what).isFalse();
        assertThat(security.getPrivileged()).as("%s: privileged", what).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).as("%s: capabilities dropped", what).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).as("%s: capabilities added", what).isEmpty();
        assertThat(container.getVolumeMounts()).as("%s: a writable /tmp (read-only root)", what)
            .anyMatch(m -> m.getMountPath().equals("/tmp") && !Boolean.TRUE.equals(m.getReadOnly()));
      }
    });
  }

  @ForEachRendering
  @DisplayName("serving containers have readiness (/ready) and liveness (/health) probes on their HTTP port; "
      + "init containers and the Job have none")
  void probes(RenderedManifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      for (Container container : pod.getContainers()) {
        String what = deployment.getMetadata().getName() + "/" + container.getName();
        List<String> ports = container.getPorts().stream().map(ContainerPort::getName).toList();
        assertProbe(what + " readiness", container.getReadinessProbe(), "/ready", ports);
        assertProbe(what + " liveness", container.getLivenessProbe(), "/health", ports);
        if (container.getStartupProbe() != null) {
          assertProbe(what + " startup", container.getStartupProbe(), "/health", ports);
        }
      }
      for (Container init : pod.getInitContainers()) {
        // Kubernetes refuses probes on init containers: they run to completion instead
        assertThat(Stream.of(init.getReadinessProbe(), init.getLivenessProbe(), init.getStartupProbe()))
            .as("%s init container %s: no probes", deployment.getMetadata().getName(), init.getName())
            .containsOnlyNulls();
      }
    }
    for (Job job : manifests.all(Job.class)) {
      // A Job serves nothing and ends by itself: no probes, but a deadline bounds a hung run.
      assertThat(job.getSpec().getActiveDeadlineSeconds()).as("%s: activeDeadlineSeconds", job.getMetadata().getName())
          .isNotNull().isPositive();
      for (Container container : allContainers(job.getSpec().getTemplate().getSpec())) {
        assertThat(Stream.of(container.getReadinessProbe(), container.getLivenessProbe(), container.getStartupProbe()))
            .as("%s/%s: no probes", job.getMetadata().getName(), container.getName()).containsOnlyNulls();
      }
    }
  }

  private static void assertProbe(String what, Probe probe, String path, List<String> namedPorts) {
    assertThat(probe).as(what).isNotNull();
    assertThat(probe.getHttpGet()).as(what + ": httpGet").isNotNull();
    assertThat(probe.getHttpGet().getPath()).as(what + ": path").isEqualTo(path);
    Object port = probe.getHttpGet().getPort().getStrVal() != null ? probe.getHttpGet().getPort().getStrVal()
        : probe.getHttpGet().getPort().getIntVal();
    assertThat(port).as(what + ": a named port of the container").isEqualTo("http");
    assertThat(namedPorts).as(what + ": the container declares port http").contains("http");
  }

  @ForEachRendering
  @DisplayName("migrations run before anything serves: a migrate init container in each Deployment, and the Job")
  void migrateFirst(RenderedManifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      String name = deployment.getMetadata().getName();
      assertThat(pod.getInitContainers()).as("%s: init containers", name).isNotEmpty();
      Container first = pod.getInitContainers().get(0);
      assertThat(role(first)).as("%s: the first init container runs migrate", name).isEqualTo("migrate");
      Container main = serving(deployment).orElseThrow();
      assertThat(role(main)).as("%s: role", name).isEqualTo(name.substring("switchboard-".length()));
      assertThat(first.getImage()).as("%s: migrate runs the same image as the node", name).isEqualTo(main.getImage());
      assertThat(first.getEnvFrom()).as("%s: migrate gets the node's database settings", name)
          .isEqualTo(main.getEnvFrom());
      assertThat(first.getCommand()).as("%s: migrate starts the same way as the node", name)
          .isEqualTo(main.getCommand());
    }
    Job job = manifests.named(Job.class, "switchboard-migrate");
    List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    assertThat(role(containers.get(0))).isEqualTo("migrate");
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isIn("OnFailure", "Never");
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).as("a finished Job goes away, so the next apply can "
        + "create it again with a new image").isNotNull();
  }

  @ForEachRendering
  @DisplayName("every Switchboard container logs JSON lines (SWITCHBOARD_LOG_FORMAT=json, as the node reads it)")
  void jsonLogs(RenderedManifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      Container main = serving(deployment).orElseThrow();
      assertThat(LogSettings.fromEnv(environment(manifests, main, NAMESPACE)).json())
          .as("%s: SWITCHBOARD_LOG_FORMAT", deployment.getMetadata().getName()).isTrue();
    }
  }

  @ForEachRendering
  @DisplayName("the termination grace period covers preStop plus SWITCHBOARD_SHUTDOWN_GRACE_SECONDS plus closing")
  void shutdownBudget(RenderedManifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      Container main = serving(deployment).orElseThrow();
      SwitchboardConfig config = SwitchboardConfig.fromEnv(environment(manifests, main, NAMESPACE));
      long preStop = 0;
      if (main.getLifecycle() != null && main.getLifecycle().getPreStop() != null) {
        List<String> command = main.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(command).as("preStop is a sleep").hasSize(2).first().isEqualTo("sleep");
        preStop = Long.parseLong(command.get(1));
      }
      long needed = preStop + config.shutdownGrace().toSeconds() + 10;
      assertThat(pod.getTerminationGracePeriodSeconds())
          .as("%s: terminationGracePeriodSeconds >= preStop %d s + grace %d s + 10 s to close",
              deployment.getMetadata().getName(), preStop, config.shutdownGrace().toSeconds())
          .isGreaterThanOrEqualTo(needed);
    }
    Container gateway = serving(manifests.named(Deployment.class, "switchboard-gateway")).orElseThrow();
    assertThat(gateway.getLifecycle().getPreStop()).as("the gateway waits for its endpoint's removal before stopping")
        .isNotNull();
  }

  @ForEachRendering
  @DisplayName("the gateway Service selects the gateway pods only, on their http port")
  void gatewayService(RenderedManifests manifests) {
    Service service = manifests.named(Service.class, "switchboard-gateway");
    Map<String, String> selector = service.getSpec().getSelector();
    List<String> selected = manifests.podTemplates().entrySet().stream()
        .filter(e -> selectsMap(selector, e.getValue().getMetadata().getLabels())).map(Map.Entry::getKey).toList();
    assertThat(selected).containsExactly("Deployment/switchboard-gateway");
    Container gateway = serving(manifests.named(Deployment.class, "switchboard-gateway")).orElseThrow();
    for (ServicePort port : service.getSpec().getPorts()) {
      assertThat(gateway.getPorts()).extracting(ContainerPort::getName).contains(port.getTargetPort().getStrVal());
    }
  }

  @ForEachRendering
  @DisplayName("the headless cluster Service selects every gateway and executor, not migrate, and publishes them unready")
  void clusterService(RenderedManifests manifests) {
    Service cluster = manifests.named(Service.class, "switchboard-cluster");
    assertThat(cluster.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(cluster.getSpec().getPublishNotReadyAddresses()).isTrue();
    List<String> selected = manifests.podTemplates().entrySet().stream()
        .filter(e -> selectsMap(cluster.getSpec().getSelector(), e.getValue().getMetadata().getLabels()))
        .map(Map.Entry::getKey).toList();
    assertThat(selected).containsExactlyInAnyOrder("Deployment/switchboard-gateway", "Deployment/switchboard-executor");
  }

  @ForEachRendering
  @DisplayName("the node accepts each Deployment's cluster settings, and they point at the cluster Service")
  void clusterSettings(RenderedManifests manifests) {
    Service cluster = manifests.named(Service.class, "switchboard-cluster");
    for (Deployment deployment : manifests.all(Deployment.class)) {
      String name = deployment.getMetadata().getName();
      Container main = serving(deployment).orElseThrow();
      SwitchboardConfig config = SwitchboardConfig.fromEnv(environment(manifests, main, NAMESPACE));
      ClusterDiscovery discovery = ClusterDiscovery.fromEnv(config.environment(), config.cluster());
      assertThat(discovery.mode()).as("%s: discovery", name)
          .isIn(ClusterDiscovery.Mode.KUBERNETES_DNS, ClusterDiscovery.Mode.KUBERNETES_API);
      ServicePort hazelcast = cluster.getSpec().getPorts().stream().filter(p -> "hazelcast".equals(p.getName()))
          .findFirst().orElseThrow();
      assertThat(hazelcast.getPort()).as("%s: the Service's hazelcast port is SWITCHBOARD_CLUSTER_PORT", name)
          .isEqualTo(config.cluster().port());
      assertThat(main.getPorts()).as("%s: declares the Hazelcast and event-bus ports", name)
          .extracting(ContainerPort::getContainerPort)
          .contains(config.cluster().port(), config.cluster().eventBusPort());
      if (discovery.mode() == ClusterDiscovery.Mode.KUBERNETES_DNS) {
        assertThat(discovery.serviceDns().orElseThrow()).as("%s: SWITCHBOARD_CLUSTER_SERVICE_DNS", name)
            .startsWith(cluster.getMetadata().getName() + "." + NAMESPACE + ".svc");
      } else {
        assertThat(discovery.serviceName()).as("%s: SWITCHBOARD_CLUSTER_SERVICE_NAME", name)
            .contains(cluster.getMetadata().getName());
        assertKubernetesApiAccess(manifests, deployment);
      }
    }
  }

  /** kubernetes-api discovery: a token in the pod, and a Role bound to its service account that lists endpoints. */
  private static void assertKubernetesApiAccess(RenderedManifests manifests, Deployment deployment) {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    String account = pod.getServiceAccountName();
    assertThat(pod.getAutomountServiceAccountToken()).as("the pod gets a service account token").isTrue();
    List<String> roles = manifests.all(RoleBinding.class).stream()
        .filter(b -> b.getSubjects().stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
            && account.equals(s.getName())))
        .filter(b -> "Role".equals(b.getRoleRef().getKind()))
        .map(b -> b.getRoleRef().getName()).toList();
    assertThat(roles).as("a RoleBinding for service account %s", account).isNotEmpty();
    List<PolicyRule> rules = roles.stream().flatMap(r -> manifests.named(Role.class, r).getRules().stream()).toList();
    for (String resource : List.of("endpoints", "pods")) {
      assertThat(rules).as("the Role lets Hazelcast list %s", resource).anyMatch(rule ->
          rule.getApiGroups().contains("") && rule.getResources().contains(resource)
              && rule.getVerbs().containsAll(List.of("get", "list")));
    }
    assertThat(rules).as("read-only").allMatch(rule -> rule.getVerbs().stream()
        .allMatch(verb -> List.of("get", "list", "watch").contains(verb)));
  }

  @ForEachRendering
  @DisplayName("each PodDisruptionBudget selects exactly its Deployment's pods")
  void disruptionBudgets(RenderedManifests manifests) {
    List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class);
    assertThat(budgets).extracting(b -> b.getMetadata().getName())
        .containsExactlyInAnyOrder("switchboard-gateway", "switchboard-executor");
    for (PodDisruptionBudget budget : budgets) {
      String name = budget.getMetadata().getName();
      assertThat(selected(manifests, budget.getSpec().getSelector())).as("%s selects", name)
          .containsExactly("Deployment/" + name);
      Deployment deployment = manifests.named(Deployment.class, name);
      assertThat(budget.getSpec().getSelector().getMatchLabels())
          .as("%s: the same selector as the Deployment", name)
          .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
      assertThat(budget.getSpec().getMinAvailable() != null || budget.getSpec().getMaxUnavailable() != null)
          .as("%s: minAvailable or maxUnavailable", name).isTrue();
    }
  }

  @ForEachRendering
  @DisplayName("each Deployment's selector picks its own pod template and no other")
  void deploymentSelectors(RenderedManifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      assertThat(selected(manifests, deployment.getSpec().getSelector()))
          .containsExactly("Deployment/" + deployment.getMetadata().getName());
    }
  }

  @ForEachRendering
  @DisplayName("network policies: default deny, each selects existing pods, and what is needed is allowed")
  void networkPolicies(RenderedManifests manifests) {
    List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class);
    assertThat(policies).as("a default deny of both directions").anyMatch(p ->
        p.getSpec().getPodSelector().getMatchLabels().isEmpty()
            && p.getSpec().getPodSelector().getMatchExpressions().isEmpty()
            && p.getSpec().getIngress().isEmpty() && p.getSpec().getEgress().isEmpty()
            && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")));
    for (NetworkPolicy policy : policies) {
      assertThat(selected(manifests, policy.getSpec().getPodSelector()))
          .as("NetworkPolicy %s selects pods that exist", policy.getMetadata().getName()).isNotEmpty();
    }
    Map<String, PodTemplateSpec> pods = manifests.podTemplates();
    for (String workload : pods.keySet()) {
      assertThat(egressPorts(policies, pods.get(workload))).as("%s: egress to DNS and PostgreSQL", workload)
          .contains("UDP/53", "TCP/53", "TCP/5432");
    }
    for (String deployment : List.of("Deployment/switchboard-gateway", "Deployment/switchboard-executor")) {
      PodTemplateSpec pod = pods.get(deployment);
      assertThat(ingressPorts(policies, pod, pod)).as("%s: Hazelcast and event bus from the other members", deployment)
          .contains("TCP/5701", "TCP/5702");
      assertThat(egressPorts(policies, pod)).as("%s: Hazelcast, event bus, HTTPS out", deployment)
          .contains("TCP/5701", "TCP/5702", "TCP/443");
    }
    assertThat(ingressPorts(policies, pods.get("Deployment/switchboard-gateway"), null))
        .as("the gateway's HTTP port from anywhere").contains("TCP/8080");
    assertThat(ingressPorts(policies, pods.get("Deployment/switchboard-executor"), null))
        .as("nothing reaches an executor from anywhere").isEmpty();
    assertThat(ingressPorts(policies, pods.get("Job/switchboard-migrate"), pods.get("Deployment/switchboard-gateway")))
        .as("nothing reaches the migrate Job").isEmpty();
  }

  /** Egress ports ("TCP/443") the policies selecting {@code pod} allow to some destination. */
  private static List<String> egressPorts(List<NetworkPolicy> policies, PodTemplateSpec pod) {
    return policies.stream()
        .filter(p -> selects(p.getSpec().getPodSelector(), pod.getMetadata().getLabels()))
        .flatMap(p -> p.getSpec().getEgress().stream())
        .flatMap(rule -> rule.getPorts().stream()).map(KubernetesManifestsTest::port).toList();
  }

  /**
   * Ingress ports the policies selecting {@code pod} allow from {@code source}: a pod of this namespace,
   * or (null) any address at all (a rule without {@code from}).
   */
  private static List<String> ingressPorts(List<NetworkPolicy> policies, PodTemplateSpec pod, PodTemplateSpec source) {
    return policies.stream()
        .filter(p -> selects(p.getSpec().getPodSelector(), pod.getMetadata().getLabels()))
        .flatMap(p -> p.getSpec().getIngress().stream())
        .filter(rule -> rule.getFrom().isEmpty() || (source != null && rule.getFrom().stream().anyMatch(peer ->
            peer.getNamespaceSelector() == null && peer.getIpBlock() == null
                && selects(peer.getPodSelector(), source.getMetadata().getLabels()))))
        .flatMap(rule -> rule.getPorts().stream()).map(KubernetesManifestsTest::port).toList();
  }

  private static String port(NetworkPolicyPort port) {
    return Objects.requireNonNullElse(port.getProtocol(), "TCP") + "/"
        + (port.getPort().getIntVal() != null ? port.getPort().getIntVal() : port.getPort().getStrVal());
  }

  @ForEachRendering
  @DisplayName("every pod runs as an existing service account, and the image is the same everywhere")
  void serviceAccountsAndImage(RenderedManifests manifests) {
    List<String> accounts = manifests.all(ServiceAccount.class).stream().map(a -> a.getMetadata().getName()).toList();
    List<String> images = new ArrayList<>();
    manifests.podTemplates().forEach((workload, template) -> {
      assertThat(accounts).as("%s: service account", workload).contains(template.getSpec().getServiceAccountName());
      allContainers(template.getSpec()).forEach(c -> images.add(c.getImage()));
    });
    assertThat(images).allMatch(image -> image.matches(".*switchboard:[^:/]+$"), "a tagged switchboard image");
    assertThat(images.stream().distinct()).hasSize(1);
  }

  @ForEachRendering
  @DisplayName("secrets come from the Secret `switchboard`, never as literal values")
  void secrets(RenderedManifests manifests) {
    manifests.podTemplates().forEach((workload, template) -> {
      for (Container container : allContainers(template.getSpec())) {
        assertThat(container.getEnvFrom()).as("%s/%s: envFrom the Secret", workload, container.getName())
            .anyMatch(s -> s.getSecretRef() != null && "switchboard".equals(s.getSecretRef().getName()));
        for (EnvVar variable : container.getEnv()) {
          assertThat(variable.getName()).as("%s/%s: a secret set as a literal value", workload, container.getName())
              .doesNotMatch(SECRET_VARIABLE);
        }
      }
    });
    for (ConfigMap map : manifests.all(ConfigMap.class)) {
      assertThat(map.getData().keySet()).as("ConfigMap %s holds no secret", map.getMetadata().getName())
          .noneMatch(k -> k.matches(SECRET_VARIABLE));
    }
  }

  @Test
  @DisplayName("vault-agent: the injector renders the node's variables, which every container reads before starting")
  void vaultAgent() {
    RenderedManifests manifests = rendered("overlays/vault-agent");
    assertThat(manifests.named(ConfigMap.class, "switchboard-config").getData())
        .containsEntry("SWITCHBOARD_SECRET_STORE", "vault").containsKey("SWITCHBOARD_VAULT_ADDR");
    manifests.podTemplates().forEach((workload, template) -> {
      Map<String, String> annotations = template.getMetadata().getAnnotations();
      assertThat(annotations).as(workload).containsEntry("vault.hashicorp.com/agent-inject", "true")
          .containsEntry("vault.hashicorp.com/agent-init-first", "true")
          .containsKey("vault.hashicorp.com/role")
          .containsKey("vault.hashicorp.com/agent-inject-secret-switchboard.env")
          .containsKey("vault.hashicorp.com/agent-inject-template-switchboard.env");
      assertThat(template.getSpec().getAutomountServiceAccountToken()).as("%s: Vault's Kubernetes auth needs the "
          + "service account token", workload).isTrue();
      for (Container container : allContainers(template.getSpec())) {
        assertThat(String.join(" ", container.getArgs())).as("%s/%s", workload, container.getName())
            .startsWith(". /vault/secrets/switchboard.env && ");
      }
    });
  }

  @ForEachRendering
  @DisplayName("the ServiceMonitor scrapes /metrics of the pods through a Service port, with the metrics token")
  void serviceMonitor(RenderedManifests manifests) {
    List<ServiceMonitor> monitors = manifests.all(ServiceMonitor.class);
    if (manifests.name().equals("base")) {
      assertThat(monitors).as("the base needs no Prometheus Operator").isEmpty();
      return;
    }
    assertThat(monitors).hasSize(1);
    ServiceMonitor monitor = monitors.get(0);
    List<Service> services = manifests.all(Service.class).stream()
        .filter(s -> selects(monitor.spec().selector(), s.getMetadata().getLabels())).toList();
    assertThat(services).extracting(s -> s.getMetadata().getName()).containsExactly("switchboard-cluster");
    assertThat(monitor.spec().endpoints()).hasSize(1);
    CustomResources.Endpoint endpoint = monitor.spec().endpoints().get(0);
    assertThat(endpoint.path()).isEqualTo("/metrics");
    assertThat(services.get(0).getSpec().getPorts()).extracting(ServicePort::getName).contains(endpoint.port());
    assertThat(endpoint.authorization().type()).isEqualTo("Bearer");
    assertThat(endpoint.authorization().credentials().getName()).isEqualTo("switchboard");
    assertThat(endpoint.authorization().credentials().getKey()).isEqualTo("SWITCHBOARD_METRICS_TOKEN");
  }

  @ForEachRendering
  @DisplayName("autoscalers (KEDA's ScaledObject, an HPA) target the executor Deployment, which leaves them its replicas")
  void autoscalers(RenderedManifests manifests) {
    List<ScaledObject> scaledObjects = manifests.all(ScaledObject.class);
    List<HorizontalPodAutoscaler> hpas = manifests.all(HorizontalPodAutoscaler.class);
    Deployment executor = manifests.named(Deployment.class, "switchboard-executor");
    assertThat(scaledObjects.size() + hpas.size()).as("at most one autoscaler").isLessThanOrEqualTo(1);
    if (manifests.name().equals("overlays/keda")) {
      assertThat(scaledObjects).hasSize(1);
    }
    if (manifests.name().equals("overlays/hpa-external-metric")) {
      assertThat(hpas).hasSize(1);
    }
    if (scaledObjects.isEmpty() && hpas.isEmpty()) {
      assertThat(executor.getSpec().getReplicas()).as("without an autoscaler the replicas are set").isNotNull();
      return;
    }
    assertThat(executor.getSpec().getReplicas()).as("an apply must not reset the autoscaler's replica count").isNull();
    for (ScaledObject scaled : scaledObjects) {
      CustomResources.ScaleTargetRef target = scaled.spec().scaleTargetRef();
      assertThat(target.name()).isEqualTo(executor.getMetadata().getName());
      assertThat(target.kind()).isEqualTo("Deployment");
      assertThat(target.apiVersion()).isEqualTo("apps/v1");
      assertThat(scaled.spec().minReplicaCount()).isGreaterThanOrEqualTo(2);
      assertThat(scaled.spec().maxReplicaCount()).isGreaterThan(scaled.spec().minReplicaCount());
      Map<String, CustomResources.Trigger> triggers = new HashMap<>();
      scaled.spec().triggers().forEach(t -> triggers.put(t.name(), t));
      assertThat(triggers.keySet()).containsExactlyInAnyOrder("queue-depth", "oldest-job-age");
      for (CustomResources.Trigger trigger : triggers.values()) {
        assertThat(trigger.type()).isEqualTo("prometheus");
        assertThat(trigger.metadata()).containsKeys("serverAddress", "query", "threshold");
        assertThat(trigger.metadata().get("query")).as("every executor reports the whole queue: max, not sum")
            .startsWith("max(").contains("namespace=\"" + NAMESPACE + "\"");
      }
      assertThat(triggers.get("queue-depth").metadata().get("query")).contains("switchboard_jobs_queue_depth");
      assertThat(triggers.get("queue-depth").metricType()).isEqualTo("AverageValue");
      assertThat(triggers.get("oldest-job-age").metadata().get("query"))
          .contains("switchboard_jobs_queue_oldest_age_seconds");
      assertThat(triggers.get("oldest-job-age").metricType()).isEqualTo("Value");
    }
    for (HorizontalPodAutoscaler hpa : hpas) {
      assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(executor.getMetadata().getName());
      assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
      assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
      assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
      assertThat(hpa.getSpec().getMetrics()).extracting(MetricSpec::getType).containsOnly("External");
      assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getExternal().getMetric().getName())
          .containsExactlyInAnyOrder("switchboard_jobs_queue_depth", "switchboard_jobs_queue_oldest_age_seconds");
    }
  }

  @Test
  @DisplayName("KEDA and the HPA use the same thresholds and bounds (docs/operations.md gives one set)")
  void sameThresholds() {
    ScaledObject scaled = rendered("overlays/keda").all(ScaledObject.class).get(0);
    HorizontalPodAutoscaler hpa = rendered("overlays/hpa-external-metric").all(HorizontalPodAutoscaler.class).get(0);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(scaled.spec().minReplicaCount());
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(scaled.spec().maxReplicaCount());
    Map<String, String> kedaThresholds = new HashMap<>();
    scaled.spec().triggers().forEach(t -> kedaThresholds.put(
        t.metadata().get("query").replaceAll(".*(switchboard_[a-z_]+).*", "$1"), t.metadata().get("threshold")));
    for (MetricSpec metric : hpa.getSpec().getMetrics()) {
      Quantity target = metric.getExternal().getTarget().getAverageValue() != null
          ? metric.getExternal().getTarget().getAverageValue() : metric.getExternal().getTarget().getValue();
      assertThat(target.toString()).as(metric.getExternal().getMetric().getName())
          .isEqualTo(kedaThresholds.get(metric.getExternal().getMetric().getName()));
    }
    assertThat(hpa.getSpec().getBehavior()).isEqualTo(scaled.spec().advanced().horizontalPodAutoscalerConfig().behavior());
  }
}

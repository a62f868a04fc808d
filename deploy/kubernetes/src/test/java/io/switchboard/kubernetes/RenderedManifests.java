package io.switchboard.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Kustomize directory of {@code deploy/kubernetes}, rendered with {@code kubectl kustomize} and
 * loaded object by object into fabric8's typed Kubernetes model (or {@link CustomResources}), with
 * unknown fields refused: fabric8's classes keep unknown fields in an "additional properties" map, so
 * the loader takes that map away from Jackson and lets {@code FAIL_ON_UNKNOWN_PROPERTIES} fail instead.
 * kubectl is taken from the system property {@code kubectl}, else from the {@code PATH}; without it
 * the tests are skipped, saying so.
 */
final class RenderedManifests {

  /** Every kind the manifests may hold, by {@code apiVersion/kind}; anything else fails the load. */
  private static final Map<String, Class<?>> KINDS = Map.ofEntries(
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("batch/v1/Job", Job.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
      Map.entry("keda.sh/v1alpha1/ScaledObject", CustomResources.ScaledObject.class),
      Map.entry("monitoring.coreos.com/v1/ServiceMonitor", CustomResources.ServiceMonitor.class));

  /** Reads every object strictly: no field the typed model does not know. */
  static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new SimpleModule("no-additional-properties").setDeserializerModifier(new NoAnySetter()))
      .build();

  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Map<Path, RenderedManifests> CACHE = new ConcurrentHashMap<>();

  private final Path directory;
  private final List<Object> objects;

  private RenderedManifests(Path directory, List<Object> objects) {
    this.directory = directory;
    this.objects = objects;
  }

  /** {@code deploy/kubernetes}, from this module's directory (where Maven runs its tests) or the repository root. */
  static Path root() {
    for (Path candidate : List.of(Path.of(""), Path.of("deploy", "kubernetes"))) {
      if (Files.isDirectory(candidate.resolve("base"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("deploy/kubernetes not found from " + Path.of("").toAbsolutePath());
  }

  /** The kubectl to render with, or the test is skipped (aborted) saying why. */
  static Path kubectl() {
    String given = System.getProperty("kubectl");
    if (given != null && !given.isBlank()) {
      Path path = Path.of(given);
      Assumptions.assumeTrue(Files.isExecutable(path), "-Dkubectl=" + given + " is not an executable file");
      return path;
    }
    Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst();
    Assumptions.assumeTrue(found.isPresent(), "kubectl is not installed (Debian package kubernetes-client; .ci/run "
        + "installs it): the Kubernetes manifests under deploy/kubernetes were not rendered nor checked");
    return found.get();
  }

  /** The directory rendered and loaded, once per test run. */
  static RenderedManifests of(Path directory) {
    Path kubectl = kubectl();
    return CACHE.computeIfAbsent(directory.toAbsolutePath().normalize(), dir -> load(dir, render(kubectl, dir)));
  }

  static String render(Path kubectl, Path directory) {
    try {
      Path out = Files.createTempFile("kustomize-", ".yaml");
      Path err = Files.createTempFile("kustomize-", ".err");
      try {
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", directory.toString())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("kubectl kustomize " + directory + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
          throw new AssertionError("kubectl kustomize " + directory + " failed (exit " + process.exitValue() + "): "
              + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("could not run " + kubectl + " kustomize " + directory + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Loads each YAML document of {@code yaml} into its typed class, refusing unknown kinds and fields. */
  static RenderedManifests load(Path directory, String yaml) {
    List<Object> objects = new ArrayList<>();
    List<JsonNode> documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
    for (JsonNode document : documents) {
      if (document == null || document.isNull() || document.isMissingNode()) {
        continue;
      }
      String type = document.path("apiVersion").asString("") + "/" + document.path("kind").asString("");
      String name = document.path("metadata").path("name").asString("?");
      Class<?> typed = KINDS.get(type);
      if (typed == null) {
        throw new AssertionError(directory + ": " + type + " " + name + " has no typed model here: add one to "
            + "RenderedManifests.KINDS (and check its fields) before using that kind");
      }
      try {
        objects.add(STRICT.treeToValue(document, typed));
      } catch (RuntimeException e) {
        throw new AssertionError(directory + ": " + type + " " + name + " does not fit the typed model: "
            + e.getMessage(), e);
      }
    }
    return new RenderedManifests(directory, List.copyOf(objects));
  }

  Path directory() {
    return directory;
  }

  /** The directory under {@code deploy/kubernetes}: {@code base} or {@code overlays/<name>}. */
  String name() {
    return root().relativize(directory).toString();
  }

  List<Object> objects() {
    return objects;
  }

  <T> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError(directory + ": no " + type.getSimpleName() + " named " + name));
  }

  /** The pod templates of every Deployment and Job, by "Kind/name". */
  Map<String, PodTemplateSpec> podTemplates() {
    Map<String, PodTemplateSpec> templates = new java.util.LinkedHashMap<>();
    all(Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
    all(Job.class).forEach(j -> templates.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate()));
    return templates;
  }

  /** Takes the "additional properties" any-setter away from every bean, so unknown fields fail. */
  private static final class NoAnySetter extends ValueDeserializerModifier {
    @Override
    public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier description,
                                                 BeanDeserializerBuilder builder) {
      builder.setAnySetter(null);
      return builder;
    }
  }
}

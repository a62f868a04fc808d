package io.switchboard.kubernetes;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

import java.util.List;
import java.util.Map;

/**
 * Typed models of the two custom resources the manifests use and fabric8 has no model for: KEDA's
 * {@code ScaledObject} (keda.sh/v1alpha1) and Prometheus Operator's {@code ServiceMonitor}
 * (monitoring.coreos.com/v1). They hold the fields of those CRDs' schemas that the manifests may use;
 * read with unknown fields refused, so a misspelt or misplaced field fails the test instead of being
 * ignored by the cluster (or refused by it at apply time).
 */
final class CustomResources {

  private CustomResources() {
  }

  /** KEDA's ScaledObject. */
  record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, ScaledObjectSpec spec) {
  }

  record ScaledObjectSpec(ScaleTargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
                          Integer idleReplicaCount, Integer pollingInterval, Integer cooldownPeriod,
                          Advanced advanced, Fallback fallback, List<Trigger> triggers) {
  }

  record ScaleTargetRef(String apiVersion, String kind, String name, String envSourceContainerName) {
  }

  record Advanced(HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig, Boolean restoreToOriginalReplicaCount) {
  }

  /** KEDA passes {@code behavior} on to the HPA it makes: fabric8's typed HPA v2 behaviour. */
  record HorizontalPodAutoscalerConfig(String name, HorizontalPodAutoscalerBehavior behavior) {
  }

  record Fallback(Integer failureThreshold, Integer replicas) {
  }

  record Trigger(String type, String name, String metricType, Boolean useCachedMetrics, Map<String, String> metadata,
                 AuthenticationRef authenticationRef) {
  }

  record AuthenticationRef(String name, String kind) {
  }

  /** Prometheus Operator's ServiceMonitor. */
  record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec) {
  }

  record ServiceMonitorSpec(LabelSelector selector, NamespaceSelector namespaceSelector, List<Endpoint> endpoints,
                            String jobLabel) {
  }

  record NamespaceSelector(Boolean any, List<String> matchNames) {
  }

  record Endpoint(String port, String path, String scheme, String interval, String scrapeTimeout,
                  Authorization authorization, Boolean honorLabels) {
  }

  /** {@code authorization}: a bearer token read from a key of a Secret in the ServiceMonitor's namespace. */
  record Authorization(String type, SecretKeySelector credentials) {
  }
}

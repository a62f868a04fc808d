package io.switchboard.testkit.kubernetes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.switchboard.testkit.Await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback Kubernetes API server for the endpoints the action uses, as documented in the API
 * reference: {@code GET/PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}},
 * {@code PATCH .../deployments/{name}/scale} and {@code GET /api/v1/namespaces/{ns}/pods?labelSelector=}.
 * Errors are {@code Status} objects. Deployments live in memory; after a change of the spec the
 * controller "rolls out" over {@link #rolloutGets} reads of the deployment.
 */
public final class KubernetesStandIn {

  /** A request as it arrived; {@code traceparent} is its W3C trace context header, or null. */
  public record Recorded(String method, String path, String query, String contentType, String authorization, String body,
                         String traceparent) {
  }

  private static final Pattern DEPLOYMENT = Pattern.compile("/apis/apps/v1/namespaces/([^/]+)/deployments/([^/]+)(/scale)?");
  private static final Pattern PODS = Pattern.compile("/api/v1/namespaces/([^/]+)/pods");

  public final List<Recorded> requests = new CopyOnWriteArrayList<>();
  public final Deque<JsonObject> failNext = new ConcurrentLinkedDeque<>();
  public final AtomicInteger closedConnections = new AtomicInteger();
  public volatile boolean hang;
  public volatile int rolloutGets = 3;
  private final Map<String, JsonObject> deployments = new ConcurrentHashMap<>();
  private final Map<String, Integer> pending = new ConcurrentHashMap<>();
  private final List<JsonObject> pods = new CopyOnWriteArrayList<>();
  private final String token;
  private HttpServer server;

  public KubernetesStandIn(String token) {
    this.token = token;
  }

  public int start(Vertx vertx) {
    return start(vertx, new HttpServerOptions());
  }

  /** Serves HTTPS with the key and certificate chain of a PKCS#12 file, e.g. {@code TestTls#serverKeyStore()}. */
  public int startTls(Vertx vertx, Path keyStore, String password) {
    return start(vertx, new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(password)));
  }

  private int start(Vertx vertx, HttpServerOptions options) {
    server = Await.result(vertx.createHttpServer(options).requestHandler(this::handle).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  /** A deployment of {@code replicas} pods selected by {@code app=<name>}, fully rolled out. */
  public JsonObject addDeployment(String namespace, String name, int replicas, JsonArray containers) {
    JsonObject labels = new JsonObject().put("app", name);
    JsonObject deployment = new JsonObject()
        .put("apiVersion", "apps/v1").put("kind", "Deployment")
        .put("metadata", new JsonObject().put("name", name).put("namespace", namespace).put("generation", 1))
        .put("spec", new JsonObject().put("replicas", replicas)
            .put("selector", new JsonObject().put("matchLabels", labels.copy()))
            .put("progressDeadlineSeconds", 600)
            .put("template", new JsonObject().put("metadata", new JsonObject().put("labels", labels.copy()))
                .put("spec", new JsonObject().put("containers", containers))))
        .put("status", new JsonObject());
    deployments.put(namespace + "/" + name, deployment);
    pending.put(namespace + "/" + name, 0);
    return deployment;
  }

  public void addPod(String namespace, String name, String app, String phase, int ready, int total, int restarts) {
    JsonArray statuses = new JsonArray();
    JsonArray containers = new JsonArray();
    for (int i = 0; i < total; i++) {
      containers.add(new JsonObject().put("name", "c" + i).put("image", "x"));
      statuses.add(new JsonObject().put("name", "c" + i).put("ready", i < ready).put("restartCount", i == 0 ? restarts : 0));
    }
    pods.add(new JsonObject().put("kind", "Pod")
        .put("metadata", new JsonObject().put("name", name).put("namespace", namespace)
            .put("labels", new JsonObject().put("app", app)))
        .put("spec", new JsonObject().put("containers", containers))
        .put("status", new JsonObject().put("phase", phase).put("containerStatuses", statuses)));
  }

  public JsonObject deployment(String namespace, String name) {
    return deployments.get(namespace + "/" + name);
  }

  /** The controller never finishes this deployment's rollout (a crash-looping new version). */
  public void stick(String namespace, String name) {
    pending.put(namespace + "/" + name, Integer.MAX_VALUE);
  }

  public void exceedDeadline(String namespace, String name) {
    stick(namespace, name);
    deployment(namespace, name).getJsonObject("status").put("conditions", new JsonArray().add(new JsonObject()
        .put("type", "Progressing").put("status", "False").put("reason", "ProgressDeadlineExceeded")
        .put("message", "ReplicaSet \"" + name + "-7d9f\" has timed out progressing.")));
  }

  public void failNext(int code, String reason, String message) {
    failNext.add(status(code, reason, message));
  }

  public List<Recorded> requests(String method) {
    return requests.stream().filter(r -> r.method().equals(method)).toList();
  }

  private void handle(HttpServerRequest request) {
    request.connection().closeHandler(v -> closedConnections.incrementAndGet());
    request.body().onSuccess(body -> {
      requests.add(new Recorded(request.method().name(), request.path(), request.query(),
          request.getHeader("Content-Type"), request.getHeader("Authorization"), body.toString(),
          request.getHeader("traceparent")));
      if (hang) {
        return;
      }
      if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
        reply(request, status(401, "Unauthorized", "Unauthorized"));
        return;
      }
      JsonObject failure = failNext.poll();
      if (failure != null) {
        reply(request, failure);
        return;
      }
      Matcher d = DEPLOYMENT.matcher(request.path());
      Matcher p = PODS.matcher(request.path());
      if (d.matches()) {
        deploymentRequest(request, d.group(1), d.group(2), d.group(3) != null, body.toString());
      } else if (p.matches() && request.method().name().equals("GET")) {
        podsRequest(request, p.group(1));
      } else {
        reply(request, status(404, "NotFound", "the server could not find the requested resource"));
      }
    });
  }

  private synchronized void deploymentRequest(HttpServerRequest request, String ns, String name, boolean scale,
                                              String body) {
    String key = ns + "/" + name;
    JsonObject deployment = deployments.get(key);
    if (deployment == null) {
      reply(request, status(404, "NotFound", "deployments.apps \"" + name + "\" not found"));
      return;
    }
    String method = request.method().name();
    String contentType = request.getHeader("Content-Type");
    if (method.equals("GET") && !scale) {
      advance(key, deployment);
      reply(request, deployment);
      return;
    }
    if (!method.equals("PATCH")) {
      reply(request, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
      return;
    }
    JsonObject before = deployment.getJsonObject("spec").copy();
    if (scale) {
      if (!"application/merge-patch+json".equals(contentType)) {
        reply(request, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format"));
        return;
      }
      Integer replicas = new JsonObject(body).getJsonObject("spec", new JsonObject()).getInteger("replicas");
      if (replicas != null) {
        deployment.getJsonObject("spec").put("replicas", replicas);
      }
    } else if ("application/merge-patch+json".equals(contentType)) {
      JsonObject patch = new JsonObject(body);
      mergePatch(deployment, new JsonObject().put("spec", patch.getJsonObject("spec", new JsonObject())));
    } else if ("application/json-patch+json".equals(contentType)) {
      String problem = jsonPatch(deployment, new JsonArray(body));
      if (problem != null) {
        reply(request, status(422, "Invalid", problem));
        return;
      }
    } else {
      reply(request, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format"));
      return;
    }
    if (!before.equals(deployment.getJsonObject("spec"))) {
      JsonObject metadata = deployment.getJsonObject("metadata");
      metadata.put("generation", metadata.getLong("generation") + 1);
      pending.computeIfPresent(key, (k, v) -> v == Integer.MAX_VALUE ? v : rolloutGets);
    }
    if (scale) {
      reply(request, new JsonObject().put("kind", "Scale").put("apiVersion", "autoscaling/v1")
          .put("metadata", new JsonObject().put("name", name).put("namespace", ns))
          .put("spec", new JsonObject().put("replicas", deployment.getJsonObject("spec").getInteger("replicas")))
          .put("status", new JsonObject().put("replicas", deployment.getJsonObject("status").getInteger("replicas", 0))));
    } else {
      reply(request, deployment);
    }
  }

  /** The deployment controller: one step of the rollout per read. */
  private void advance(String key, JsonObject deployment) {
    int left = pending.get(key);
    long generation = deployment.getJsonObject("metadata").getLong("generation");
    int desired = deployment.getJsonObject("spec").getInteger("replicas");
    JsonObject status = deployment.getJsonObject("status");
    if (left == 0) {
      status.put("observedGeneration", generation).put("replicas", desired).put("updatedReplicas", desired)
          .put("readyReplicas", desired).put("availableReplicas", desired);
      return;
    }
    status.put("observedGeneration", left == rolloutGets ? generation - 1 : generation)
        .put("replicas", desired + 1).put("updatedReplicas", Math.max(0, desired - 1))
        .put("availableReplicas", Math.max(0, desired - 1));
    if (left != Integer.MAX_VALUE) {
      pending.put(key, left - 1);
    }
  }

  private void podsRequest(HttpServerRequest request, String ns) {
    String selector = request.getParam("labelSelector");
    Map<String, String> wanted = new ConcurrentHashMap<>();
    if (selector != null && !selector.isEmpty()) {
      for (String term : selector.split(",")) {
        String[] kv = term.split("=", 2);
        if (kv.length != 2) {
          reply(request, status(400, "BadRequest", "unable to parse requirement: " + term));
          return;
        }
        wanted.put(kv[0], kv[1]);
      }
    }
    List<JsonObject> items = new ArrayList<>();
    for (JsonObject pod : pods) {
      JsonObject labels = pod.getJsonObject("metadata").getJsonObject("labels");
      if (pod.getJsonObject("metadata").getString("namespace").equals(ns)
          && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.getString(e.getKey())))) {
        items.add(pod);
      }
    }
    reply(request, new JsonObject().put("kind", "PodList").put("apiVersion", "v1")
        .put("metadata", new JsonObject().put("resourceVersion", "1")).put("items", new JsonArray(items)));
  }

  /** RFC 7386. */
  private static void mergePatch(JsonObject target, JsonObject patch) {
    for (String field : patch.fieldNames()) {
      Object value = patch.getValue(field);
      if (value == null) {
        target.remove(field);
      } else if (value instanceof JsonObject object) {
        if (!(target.getValue(field) instanceof JsonObject)) {
          target.put(field, new JsonObject());
        }
        mergePatch(target.getJsonObject(field), object);
      } else {
        target.put(field, value);
      }
    }
  }

  /** RFC 6902, the {@code test} and {@code replace} operations on object fields and array indexes. */
  private static String jsonPatch(JsonObject document, JsonArray ops) {
    JsonObject working = document.copy();
    for (Object o : ops) {
      JsonObject op = (JsonObject) o;
      String[] tokens = op.getString("path").substring(1).split("/");
      Object parent = working;
      for (int i = 0; i < tokens.length - 1; i++) {
        parent = parent instanceof JsonObject j ? j.getValue(tokens[i])
            : parent instanceof JsonArray a && tokens[i].matches("\\d+") && Integer.parseInt(tokens[i]) < a.size()
                ? a.getValue(Integer.parseInt(tokens[i])) : null;
        if (parent == null) {
          return "jsonpatch " + op.getString("op") + " operation does not apply: doc is missing path: " + op.getString("path");
        }
      }
      String last = tokens[tokens.length - 1];
      Object current = parent instanceof JsonObject j ? j.getValue(last) : ((JsonArray) parent).getValue(Integer.parseInt(last));
      switch (op.getString("op")) {
        case "test" -> {
          if (!op.getValue("value").equals(current)) {
            return "the server rejected our request due to an error in our request: testing value "
                + op.getString("path") + " failed";
          }
        }
        case "replace" -> {
          if (parent instanceof JsonObject j) {
            j.put(last, op.getValue("value"));
          } else {
            ((JsonArray) parent).set(Integer.parseInt(last), op.getValue("value"));
          }
        }
        default -> {
          return "unsupported op " + op.getString("op");
        }
      }
    }
    document.put("spec", working.getJsonObject("spec"));
    return null;
  }

  private static JsonObject status(int code, String reason, String message) {
    return new JsonObject().put("kind", "Status").put("apiVersion", "v1").put("metadata", new JsonObject())
        .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
  }

  private static void reply(HttpServerRequest request, JsonObject body) {
    int code = "Status".equals(body.getString("kind")) ? body.getInteger("code") : 200;
    request.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(body.encode());
  }
}

package io.switchboard.executor.action.kubernetes;

import io.opentelemetry.api.trace.Span;
import io.switchboard.core.trace.Tracing;
import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionHttpClient;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.tenancy.secrets.PemCertificates;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.WebClientInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Operates a Kubernetes Deployment through the API server's REST API ({@code type = "kubernetes"}).
 *
 * <p>Arguments: {@code apiServerSecret} and {@code tokenSecret} name the tenant's secrets holding the
 * API server URL ({@code https://host[:port][/prefix]}) and a bearer token (a ServiceAccount token
 * allowed to get/patch deployments, patch {@code deployments/scale} and list pods in the namespace);
 * {@code namespace} and {@code deployment} (DNS-1123 labels); {@code operation}, one of
 * <ul>
 *   <li>{@code scale} with {@code replicas}: merge-patches {@code deployments/{name}/scale};</li>
 *   <li>{@code rollout-restart}: merge-patches the pod template annotation
 *       {@code kubectl.kubernetes.io/restartedAt}, as {@code kubectl rollout restart} does. The job's
 *       idempotency key is written to the annotation {@code switchboard.io/restart-key}; a re-run of
 *       the same job (lost lease) finds it and does not restart a second time;</li>
 *   <li>{@code set-image} with {@code container} and {@code image}: a JSON patch that tests the
 *       container's name at its index and replaces its image (a container that does not exist is
 *       refused, never added);</li>
 *   <li>{@code get-pods} (read-only): the pods selected by the deployment's {@code spec.selector},
 *       with phase, ready containers and restarts;</li>
 *   <li>{@code rollout-status} (read-only): waits for the current rollout.</li>
 * </ul>
 * After {@code scale}, {@code rollout-restart} and {@code set-image} the action waits for the rollout
 * like {@code kubectl rollout status}: it polls the deployment every
 * {@link KubernetesSettings#pollInterval()} until {@code status.observedGeneration >= metadata.generation}
 * and the updated, current and available replicas all match {@code spec.replicas}; a deployment past
 * its {@code progressDeadlineSeconds} fails the job.
 *
 * <p>{@code caCertSecret} (optional) names a secret holding the cluster's CA certificate(s) as PEM, as in
 * a kubeconfig's {@code certificate-authority-data} (decoded): the API server's certificate must then
 * chain to one of them (the JVM's CAs are not used for that job) and name the host of the URL. Without
 * it the JVM's CAs decide. A certificate that does not verify ends the job (not retried) with a message
 * that says so; the token is never sent to such a server.
 *
 * <p>Errors come from Kubernetes as {@code Status} objects: 400/401/403/404/422 end the job with
 * their message; 409 (conflict), 429 and 5xx, time-outs and refused connections are retryable (every
 * operation is safe to repeat). {@link ActionContext#stop()} cancels the request in flight and the
 * polling at once; a change the API server already accepted stays applied, and the job says so.
 *
 * <p>Kubernetes has no idempotency-key header; see {@code rollout-restart} above for how the key is used.
 */
public final class KubernetesAction implements Action {

  public static final String TYPE = "kubernetes";
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  public static final String RESTART_KEY = "switchboard.io/restart-key";

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesAction.class);
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,510}");
  private static final Set<String> OPERATIONS = Set.of("scale", "rollout-restart", "set-image", "get-pods",
      "rollout-status");
  private static final int MAX_REPLICAS = 10_000;
  private static final int MAX_POLL_ERRORS = 3;
  private static final int MAX_OUTPUT = 3000;

  private final KubernetesSettings settings;
  /** The client request behind each web-client request in flight, so that a stop can reset it. */
  private final Map<HttpRequest<?>, Call> calls = new ConcurrentHashMap<>();
  private Vertx clientVertx;
  private WebClient client;

  public KubernetesAction(KubernetesSettings settings) {
    this.settings = settings;
    if (settings.insecureSkipTlsVerify()) {
      LOG.warn("!!! {}=true: the kubernetes action accepts ANY API server certificate and hands it the tenant's "
          + "bearer token. Use this for tests and development only, never in production !!!",
          KubernetesSettings.INSECURE_SKIP_TLS_VERIFY);
    }
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    JsonObject args = context.arguments() == null ? new JsonObject() : context.arguments();
    Object op = args.getValue("operation");
    if (!(op instanceof String operation) || !OPERATIONS.contains(operation)) {
      return fail("kubernetes needs an 'operation' argument: scale, rollout-restart, set-image, get-pods or "
          + "rollout-status");
    }
    String apiServerSecret = secretName(args, "apiServerSecret");
    String tokenSecret = secretName(args, "tokenSecret");
    if (apiServerSecret == null || tokenSecret == null) {
      return fail("kubernetes needs 'apiServerSecret' and 'tokenSecret' arguments naming the secrets that hold the "
          + "API server URL and the bearer token");
    }
    String caSecret = null;
    if (args.getValue("caCertSecret") != null) {
      caSecret = secretName(args, "caCertSecret");
      if (caSecret == null) {
        return fail("'caCertSecret' must name the secret that holds the cluster's CA certificate (PEM)");
      }
    }
    String namespace = label(args, "namespace");
    String deployment = label(args, "deployment");
    if (namespace == null || deployment == null) {
      return fail("kubernetes needs 'namespace' and 'deployment' arguments: DNS-1123 labels (lower-case letters, "
          + "digits and '-', at most 63, starting and ending with a letter or digit)");
    }
    Integer replicas = null;
    String container = null;
    String image = null;
    if (operation.equals("scale")) {
      replicas = replicas(args.getValue("replicas"));
      if (replicas == null) {
        return fail("scale needs a 'replicas' argument: a whole number from 0 to " + MAX_REPLICAS);
      }
    }
    if (operation.equals("set-image")) {
      container = label(args, "container");
      Object imageArg = args.getValue("image");
      if (container == null) {
        return fail("set-image needs a 'container' argument: the container's name (a DNS-1123 label)");
      }
      if (!(imageArg instanceof String i) || !IMAGE.matcher(i).matches()) {
        return fail("set-image needs an 'image' argument: an image reference such as "
            + "registry.example.com/team/app:1.2.3 (no spaces)");
      }
      image = (String) imageArg;
    }
    if (context.stop().isComplete()) {
      return fail("kubernetes " + operation + " stopped (" + context.stop().result() + ") before it started");
    }
    Request request = new Request(operation, namespace, deployment, replicas, container, image);
    String ca = caSecret;
    return context.secrets().get(apiServerSecret)
        .compose(url -> context.secrets().get(tokenSecret).map(token -> new String[] {url, token, null}))
        .compose(found -> ca == null ? Future.succeededFuture(found)
            : context.secrets().get(ca).map(pem -> new String[] {found[0], found[1], pem}))
        .transform(secrets -> {
          if (secrets.failed()) {
            return Future.succeededFuture(secretFailure(secrets.cause()));
          }
          Target target;
          ClientSSLOptions tls;
          try {
            target = Target.parse(secrets.result()[0], apiServerSecret);
            tls = ca == null ? null : trusting(secrets.result()[2], ca, target);
          } catch (IllegalArgumentException e) {
            return Future.succeededFuture(ActionResult.failure(e.getMessage()));
          }
          return new Run(context, client(context.vertx()), target, secrets.result()[1], tls, request).start();
        });
  }

  // ---------------------------------------------------------------- one run

  private record Request(String operation, String namespace, String deployment, Integer replicas, String container,
                         String image) {
    String path() {
      return "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + deployment;
    }

    String name() {
      return namespace + "/" + deployment;
    }
  }

  /** An API failure: the message for the user and whether another attempt may succeed. */
  private static final class KubeFailure extends RuntimeException {
    final boolean retryable;

    KubeFailure(String message, boolean retryable) {
      super(message, null, false, false);
      this.retryable = retryable;
    }
  }

  /** Stopped while running; the job answers with the stop already. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped", null, false, false);
    }
  }

  private final class Run {
    private final ActionContext context;
    private final WebClient web;
    private final Target target;
    private final String token;
    private final ClientSSLOptions tls;
    private final Request request;
    private final Promise<ActionResult> answer = Promise.promise();
    private volatile boolean stopped;
    private volatile boolean changed;
    private volatile long timer = -1;
    private volatile Call inflight;

    Run(ActionContext context, WebClient web, Target target, String token, ClientSSLOptions tls, Request request) {
      this.context = context;
      this.web = web;
      this.target = target;
      this.token = token;
      this.tls = tls;
      this.request = request;
    }

    Future<ActionResult> start() {
      context.stop().onComplete(stop -> {
        stopped = true;
        long t = timer;
        if (t >= 0) {
          context.vertx().cancelTimer(t);
        }
        Call call = inflight;
        if (call != null) {
          call.cancel();
        }
        String reason = stop.succeeded() ? stop.result() : String.valueOf(stop.cause().getMessage());
        answer.tryComplete(ActionResult.failure("kubernetes " + request.operation() + " of " + request.name()
            + " stopped (" + reason + ")" + (changed
            ? ": the change was applied; the rollout was not waited for (check with operation rollout-status)"
            : "")));
      });
      Future<ActionResult> work = switch (request.operation()) {
        case "scale" -> scale();
        case "rollout-restart" -> restart();
        case "set-image" -> setImage();
        case "get-pods" -> pods();
        default -> waitForRollout().map(d -> ActionResult.success(
            "Rollout of " + request.name() + " is complete: " + replicaSummary(d)));
      };
      work.onComplete(done -> {
        if (done.succeeded()) {
          answer.tryComplete(done.result());
        } else if (!(done.cause() instanceof Stopped)) {
          answer.tryComplete(toResult(done.cause()));
        }
      });
      return answer.future();
    }

    private ActionResult toResult(Throwable cause) {
      String prefix = "kubernetes " + request.operation() + " of " + request.name() + " failed";
      String suffix = changed ? " (the change was applied; the rollout was not confirmed)" : "";
      if (cause instanceof KubeFailure failure) {
        String text = prefix + ": " + failure.getMessage() + suffix;
        return failure.retryable ? ActionResult.retryableFailure(text) : ActionResult.failure(text);
      }
      String refused = certificateRefused(cause, tls != null);
      if (refused != null) {
        return ActionResult.failure(prefix + ": " + refused + suffix);
      }
      return ActionResult.retryableFailure(prefix + ": " + transportMessage(cause) + suffix);
    }

    private Future<ActionResult> scale() {
      JsonObject patch = new JsonObject().put("spec", new JsonObject().put("replicas", request.replicas()));
      return call(HttpMethod.PATCH, request.path() + "/scale", "application/merge-patch+json", patch.toBuffer())
          .compose(scale -> {
            changed = true;
            return waitForRollout();
          })
          .map(d -> ActionResult.success("Scaled " + request.name() + " to " + request.replicas() + " replica(s); "
              + "rollout complete: " + replicaSummary(d)));
    }

    private Future<ActionResult> restart() {
      return call(HttpMethod.GET, request.path(), null, null).compose(current -> {
        String key = current.getJsonObject("spec", new JsonObject()).getJsonObject("template", new JsonObject())
            .getJsonObject("metadata", new JsonObject()).getJsonObject("annotations", new JsonObject())
            .getString(RESTART_KEY);
        if (context.idempotencyKey() != null && context.idempotencyKey().equals(key)) {
          changed = true;
          return waitForRollout().map(d -> ActionResult.success("Restart of " + request.name()
              + " was already requested by this job; rollout complete: " + replicaSummary(d)));
        }
        JsonObject annotations = new JsonObject()
            .put(RESTARTED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (context.idempotencyKey() != null) {
          annotations.put(RESTART_KEY, context.idempotencyKey());
        }
        JsonObject patch = new JsonObject().put("spec", new JsonObject().put("template",
            new JsonObject().put("metadata", new JsonObject().put("annotations", annotations))));
        return call(HttpMethod.PATCH, request.path(), "application/merge-patch+json", patch.toBuffer())
            .compose(patched -> {
              changed = true;
              return waitForRollout();
            })
            .map(d -> ActionResult.success("Restarted " + request.name() + "; rollout complete: "
                + replicaSummary(d)));
      });
    }

    private Future<ActionResult> setImage() {
      return call(HttpMethod.GET, request.path(), null, null).compose(current -> {
        JsonArray containers = current.getJsonObject("spec", new JsonObject())
            .getJsonObject("template", new JsonObject()).getJsonObject("spec", new JsonObject())
            .getJsonArray("containers", new JsonArray());
        List<String> names = new ArrayList<>();
        int index = -1;
        String before = null;
        for (int i = 0; i < containers.size(); i++) {
          JsonObject c = containers.getJsonObject(i);
          names.add(c.getString("name"));
          if (request.container().equals(c.getString("name"))) {
            index = i;
            before = c.getString("image");
          }
        }
        if (index < 0) {
          return Future.failedFuture(new KubeFailure("deployment has no container '" + request.container()
              + "' (containers: " + String.join(", ", names) + ")", false));
        }
        String from = before;
        if (request.image().equals(before)) {
          changed = true;
          return waitForRollout().map(d -> ActionResult.success("Container " + request.container() + " of "
              + request.name() + " already runs " + request.image() + "; rollout complete: " + replicaSummary(d)));
        }
        String base = "/spec/template/spec/containers/" + index;
        JsonArray patch = new JsonArray()
            .add(new JsonObject().put("op", "test").put("path", base + "/name").put("value", request.container()))
            .add(new JsonObject().put("op", "replace").put("path", base + "/image").put("value", request.image()));
        return call(HttpMethod.PATCH, request.path(), "application/json-patch+json", patch.toBuffer())
            .compose(patched -> {
              changed = true;
              return waitForRollout();
            })
            .map(d -> ActionResult.success("Set image of " + request.name() + " container " + request.container()
                + " to " + request.image() + " (was " + from + "); rollout complete: " + replicaSummary(d)));
      });
    }

    private Future<ActionResult> pods() {
      return call(HttpMethod.GET, request.path(), null, null).compose(current -> {
        JsonObject selector = current.getJsonObject("spec", new JsonObject()).getJsonObject("selector");
        String labelSelector = labelSelector(selector);
        if (labelSelector == null) {
          return Future.failedFuture(new KubeFailure("deployment has no usable spec.selector", false));
        }
        String path = "/api/v1/namespaces/" + request.namespace() + "/pods?labelSelector="
            + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8);
        return call(HttpMethod.GET, path, null, null);
      }).map(list -> ActionResult.success(formatPods(list)));
    }

    private String formatPods(JsonObject list) {
      JsonArray items = list.getJsonArray("items", new JsonArray());
      List<String> lines = new ArrayList<>();
      int readyPods = 0;
      for (int i = 0; i < items.size(); i++) {
        JsonObject pod = items.getJsonObject(i);
        JsonObject status = pod.getJsonObject("status", new JsonObject());
        JsonArray containerStatuses = status.getJsonArray("containerStatuses", new JsonArray());
        int total = pod.getJsonObject("spec", new JsonObject()).getJsonArray("containers", new JsonArray()).size();
        total = Math.max(total, containerStatuses.size());
        int ready = 0;
        long restarts = 0;
        for (int c = 0; c < containerStatuses.size(); c++) {
          JsonObject cs = containerStatuses.getJsonObject(c);
          ready += Boolean.TRUE.equals(cs.getBoolean("ready")) ? 1 : 0;
          restarts += cs.getLong("restartCount", 0L);
        }
        if (total > 0 && ready == total) {
          readyPods++;
        }
        lines.add(pod.getJsonObject("metadata", new JsonObject()).getString("name") + "  "
            + status.getString("phase", "Unknown") + "  ready " + ready + "/" + total + "  restarts " + restarts);
      }
      StringBuilder out = new StringBuilder("Pods of " + request.name() + ": " + items.size() + " (" + readyPods
          + " ready)");
      for (int i = 0; i < lines.size(); i++) {
        if (out.length() + lines.get(i).length() > MAX_OUTPUT - 40) {
          out.append("\n... and ").append(lines.size() - i).append(" more");
          break;
        }
        out.append("\n").append(lines.get(i));
      }
      return out.toString();
    }

    /** Polls the deployment until its rollout is complete, like {@code kubectl rollout status}. */
    private Future<JsonObject> waitForRollout() {
      Promise<JsonObject> done = Promise.promise();
      poll(done, 0);
      return done.future();
    }

    private void poll(Promise<JsonObject> done, int errors) {
      if (stopped) {
        done.tryFail(new Stopped());
        return;
      }
      call(HttpMethod.GET, request.path(), null, null).onComplete(read -> {
        if (stopped) {
          done.tryFail(new Stopped());
          return;
        }
        int nextErrors = 0;
        if (read.failed()) {
          boolean transientError = !(read.cause() instanceof KubeFailure f) || f.retryable;
          if (!transientError || errors + 1 >= MAX_POLL_ERRORS) {
            done.tryFail(read.cause());
            return;
          }
          nextErrors = errors + 1;
        } else {
          JsonObject d = read.result();
          String problem = deadlineExceeded(d);
          if (problem != null) {
            done.tryFail(new KubeFailure(problem, false));
            return;
          }
          if (rolledOut(d)) {
            done.tryComplete(d);
            return;
          }
          context.progress().report("Waiting for the rollout of " + request.name() + ": " + replicaSummary(d));
        }
        int carried = nextErrors;
        timer = context.vertx().setTimer(settings.pollInterval().toMillis(), t -> {
          timer = -1;
          poll(done, carried);
        });
        if (stopped) {
          context.vertx().cancelTimer(timer);
          done.tryFail(new Stopped());
        }
      });
    }

    /** One API call; answers the response's JSON body, or fails with a {@link KubeFailure}. */
    private Future<JsonObject> call(HttpMethod method, String path, String contentType, Buffer body) {
      if (stopped) {
        return Future.failedFuture(new Stopped());
      }
      HttpRequest<Buffer> http = web.request(method, target.port(), target.host(), target.prefix() + path)
          .ssl(target.ssl())
          .timeout(settings.requestTimeout().toMillis())
          .bearerTokenAuthentication(token)
          .putHeader("Accept", "application/json");
      Call call = new Call(tls);
      calls.put(http, call);
      inflight = call;
      Span span = ActionHttpClient.clientSpan(method.name(), target.host(), target.port(), http::putHeader);
      Future<HttpResponse<Buffer>> sent;
      if (body == null) {
        sent = http.send();
      } else {
        http.putHeader("Content-Type", contentType);
        sent = http.sendBuffer(body);
      }
      sent = sent.andThen(ar -> {
        if (ar.succeeded()) {
          span.setAttribute(Tracing.HTTP_STATUS, (long) ar.result().statusCode());
        }
      });
      return Tracing.endWith(span, sent).transform(response -> {
        calls.remove(http);
        inflight = null;
        if (stopped) {
          return Future.failedFuture(new Stopped());
        }
        if (response.failed()) {
          return Future.failedFuture(response.cause());
        }
        return Future.succeededFuture(parse(method, path, response.result()));
      });
    }

    private JsonObject parse(HttpMethod method, String path, HttpResponse<Buffer> response) {
      int code = response.statusCode();
      JsonObject json = null;
      try {
        json = response.body() == null ? null : new JsonObject(response.body());
      } catch (DecodeException | ClassCastException e) {
        // not JSON: a proxy's error page, say; reported by status code below
      }
      if (code >= 200 && code < 300) {
        if (json == null) {
          throw new KubeFailure("the API server answered " + method + " " + pathOnly(path)
              + " with a body that is not JSON", true);
        }
        return json;
      }
      String message = json != null && json.getValue("message") instanceof String m ? m
          : response.statusMessage();
      String reason = json != null && json.getValue("reason") instanceof String r ? r : null;
      boolean retryable = code == 409 || code == 429 || code >= 500;
      throw new KubeFailure("Kubernetes answered " + code + (reason == null ? "" : " " + reason) + ": " + message,
          retryable);
    }
  }

  // ---------------------------------------------------------------- rollout logic

  /** {@code kubectl rollout status} for a Deployment: true once the latest generation is fully rolled out. */
  static boolean rolledOut(JsonObject deployment) {
    JsonObject metadata = deployment.getJsonObject("metadata", new JsonObject());
    JsonObject spec = deployment.getJsonObject("spec", new JsonObject());
    JsonObject status = deployment.getJsonObject("status", new JsonObject());
    long generation = metadata.getLong("generation", 0L);
    long observed = status.getLong("observedGeneration", 0L);
    int desired = spec.getInteger("replicas", 1);
    int updated = status.getInteger("updatedReplicas", 0);
    int current = status.getInteger("replicas", 0);
    int available = status.getInteger("availableReplicas", 0);
    return observed >= generation && updated >= desired && current <= updated && available >= updated;
  }

  private static String deadlineExceeded(JsonObject deployment) {
    JsonArray conditions = deployment.getJsonObject("status", new JsonObject()).getJsonArray("conditions",
        new JsonArray());
    for (int i = 0; i < conditions.size(); i++) {
      JsonObject condition = conditions.getJsonObject(i);
      if ("Progressing".equals(condition.getString("type"))
          && "ProgressDeadlineExceeded".equals(condition.getString("reason"))) {
        return "the rollout exceeded its progress deadline: " + condition.getString("message", "no progress");
      }
    }
    return null;
  }

  private static String replicaSummary(JsonObject deployment) {
    JsonObject status = deployment.getJsonObject("status", new JsonObject());
    int desired = deployment.getJsonObject("spec", new JsonObject()).getInteger("replicas", 1);
    return status.getInteger("updatedReplicas", 0) + "/" + desired + " updated, "
        + status.getInteger("availableReplicas", 0) + " available";
  }

  /** A {@code LabelSelector} as the {@code labelSelector} query syntax; null when it selects nothing. */
  static String labelSelector(JsonObject selector) {
    if (selector == null) {
      return null;
    }
    List<String> terms = new ArrayList<>();
    JsonObject matchLabels = selector.getJsonObject("matchLabels", new JsonObject());
    matchLabels.fieldNames().stream().sorted().forEach(k -> terms.add(k + "=" + matchLabels.getValue(k)));
    JsonArray expressions = selector.getJsonArray("matchExpressions", new JsonArray());
    for (int i = 0; i < expressions.size(); i++) {
      JsonObject e = expressions.getJsonObject(i);
      String key = e.getString("key");
      List<String> values = new ArrayList<>();
      e.getJsonArray("values", new JsonArray()).forEach(v -> values.add(String.valueOf(v)));
      switch (e.getString("operator", "")) {
        case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> terms.add(key);
        case "DoesNotExist" -> terms.add("!" + key);
        default -> {
          return null;
        }
      }
    }
    return terms.isEmpty() ? null : String.join(",", terms);
  }

  // ---------------------------------------------------------------- plumbing

  /** A request in flight: reset when the job is stopped, even if the reset comes before it is sent. */
  private static final class Call {
    /** The job's own trust for the API server's certificate; null for the client's (the JVM's CAs). */
    final ClientSSLOptions tls;
    private HttpClientRequest sent;
    private boolean cancelled;

    Call(ClientSSLOptions tls) {
      this.tls = tls;
    }

    synchronized void sent(HttpClientRequest request) {
      sent = request;
      if (cancelled) {
        request.reset();
      }
    }

    synchronized void cancel() {
      cancelled = true;
      if (sent != null) {
        sent.reset();
      }
    }
  }

  /** Where the API server is: from the secret, never shown (it is redacted as a secret value anyway). */
  record Target(boolean ssl, String host, int port, String prefix) {

    static Target parse(String url, String secretName) {
      URI uri;
      try {
        uri = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("secret '" + secretName + "' is not a valid API server URL "
            + "(expected https://host[:port])");
      }
      String scheme = uri.getScheme();
      if (uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
        throw new IllegalArgumentException("secret '" + secretName + "' is not a valid API server URL "
            + "(expected https://host[:port])");
      }
      if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
        throw new IllegalArgumentException("secret '" + secretName + "' must hold only the API server URL "
            + "(no user info, no query); the token belongs in its own secret");
      }
      boolean ssl = "https".equals(scheme);
      if (!ssl && !loopback(uri.getHost())) {
        throw new IllegalArgumentException("secret '" + secretName + "' names a plain http:// API server; "
            + "only https:// is accepted (http only on loopback, e.g. kubectl proxy)");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return new Target(ssl, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80, path);
    }

    private static boolean loopback(String host) {
      if (host.equals("localhost")) {
        return true;
      }
      if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+]")) {
        return false;
      }
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }

  private synchronized WebClient client(Vertx vertx) {
    if (client == null || clientVertx != vertx) {
      WebClientOptions options = new WebClientOptions()
          .setUserAgent("switchboard-executor")
          .setFollowRedirects(false)
          .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis()));
      if (settings.insecureSkipTlsVerify()) {
        options.setTrustAll(true).setVerifyHost(false);
      }
      WebClient created = WebClient.create(vertx, options);
      if (created instanceof WebClientInternal internal) {
        internal.addInterceptor(http -> {
          if (http.phase() == ClientPhase.CREATE_REQUEST) {
            Call call = calls.get(http.request());
            if (call != null && call.tls != null) {
              // connections are pooled per TLS options, so this request never reuses another trust's connection
              http.requestOptions().setSslOptions(call.tls);
            }
          }
          if (http.phase() == ClientPhase.SEND_REQUEST && http.clientRequest() != null) {
            Call call = calls.get(http.request());
            if (call != null) {
              call.sent(http.clientRequest());
            }
          }
          http.next();
        });
      }
      client = created;
      clientVertx = vertx;
    }
    return client;
  }

  /**
   * TLS options that trust only the CA certificates of the secret and check the host name; the PEM is
   * parsed here so that a bad secret fails the job before anything is sent.
   */
  private static ClientSSLOptions trusting(String pem, String secretName, Target target) {
    if (!target.ssl()) {
      throw new IllegalArgumentException("'caCertSecret' is given but the API server URL is plain http://; "
          + "a CA certificate needs an https:// URL");
    }
    List<X509Certificate> certificates = PemCertificates.parse(pem, "secret '" + secretName + "'", "caCertSecret");
    return new ClientSSLOptions()
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(PemCertificates.toPem(certificates))))
        .setHostnameVerificationAlgorithm("HTTPS");
  }

  /** What to tell the user when the API server's certificate was refused; null for any other failure. */
  private static String certificateRefused(Throwable cause, boolean ownCa) {
    CertificateException refused = null;
    Throwable root = cause;
    for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
      root = c;
      if (c instanceof CertificateException certificate) {
        refused = certificate;
      }
    }
    if (refused == null) {
      return null;
    }
    String reason = root.getMessage() != null ? root.getMessage() : refused.getMessage();
    return "TLS verification of the API server's certificate failed (" + reason + "); "
        + (ownCa ? "check that a certificate in 'caCertSecret' signed it and that it names the host of the URL"
        : "if the cluster has its own CA, name a secret holding its PEM certificate with 'caCertSecret'");
  }

  private static String transportMessage(Throwable cause) {
    if (cause instanceof ConnectException) {
      return "cannot connect to the API server (" + cause.getMessage() + ")";
    }
    if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException) {
      return "the API server did not answer in time";
    }
    return "cannot reach the API server: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getMessage());
  }

  private static String pathOnly(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static String secretName(JsonObject args, String key) {
    Object value = args.getValue(key);
    return value instanceof String s && SecretNames.NAME.matcher(s).matches() && !s.contains("..") ? s : null;
  }

  private static String label(JsonObject args, String key) {
    Object value = args.getValue(key);
    return value instanceof String s && DNS_1123_LABEL.matcher(s).matches() ? s : null;
  }

  private static Integer replicas(Object value) {
    long n;
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      n = ((Number) value).longValue();
    } else if (value instanceof String s && s.matches("[0-9]{1,6}")) {
      n = Long.parseLong(s);
    } else {
      return null;
    }
    return n >= 0 && n <= MAX_REPLICAS ? (int) n : null;
  }

  private static ActionResult secretFailure(Throwable cause) {
    if (cause instanceof SecretStoreException store && store.reason() == SecretStoreException.Reason.UNAVAILABLE) {
      return ActionResult.retryableFailure(store.getMessage());
    }
    return ActionResult.failure(cause.getMessage());
  }

  private static Future<ActionResult> fail(String message) {
    return Future.succeededFuture(ActionResult.failure(message));
  }
}

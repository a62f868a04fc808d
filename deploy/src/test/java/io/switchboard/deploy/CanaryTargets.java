package io.switchboard.deploy;

import io.switchboard.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loopback targets for the secret canary suite, one server speaking just enough of each protocol
 * (the shapes the actions read, as in the executor-pool stand-ins): a webhook under {@code /hook},
 * the GitHub REST API under {@code /github/api/v3}, Jenkins under {@code /jenkins} and a Kubernetes
 * API server under {@code /k8s}. Each prints back the credential it was handed, in every form of
 * {@link CanaryForms#echo}: in a successful answer, in an error, and (GitHub, Jenkins) in the
 * progress it reports while a job waits.
 *
 * <p>The mode is part of the path: {@code ok} succeeds, {@code fail} fails, {@code hang} never
 * finishes (GitHub and Jenkins keep reporting progress, cycling through the echo in pieces of at
 * most {@value #PROGRESS_CHARS} characters, each for {@value #READS_PER_PIECE} reads, then for good a
 * line whose secret the 500-character cut of progress lines goes through; the webhook and Kubernetes never
 * answer). The webhook's {@code long} answer puts the secret where the http action cuts answers
 * short, so that a cut before redaction would leave a piece of it.
 */
final class CanaryTargets implements AutoCloseable {

  /** Progress lines are cut at 500 characters; a piece and its prefix stay below that. */
  static final int PROGRESS_CHARS = 420;
  static final int READS_PER_PIECE = 12;
  /** The http action keeps this much of an answer (HttpAction.MAX_OUTPUT_CHARS). */
  static final int HTTP_OUTPUT_CHARS = 2000;
  /** Progress lines are cut here (ProgressRelay.MAX_CHARS). */
  static final int PROGRESS_LINE_CHARS = 500;

  private static final Pattern GITHUB_RUNS = Pattern.compile("/github/api/v3/repos/acme/(\\w+)/actions/workflows/deploy\\.yml/runs");
  private static final Pattern GITHUB_DISPATCH = Pattern.compile("/github/api/v3/repos/acme/(\\w+)/actions/workflows/deploy\\.yml/dispatches");
  private static final Pattern GITHUB_RUN = Pattern.compile("/github/api/v3/repos/acme/(\\w+)/actions/runs/(\\d+)");
  private static final Pattern JENKINS_TRIGGER = Pattern.compile("/jenkins/job/(\\w+)/build");
  private static final Pattern JENKINS_ITEM = Pattern.compile("/jenkins/queue/item/(\\d+)/api/json");
  private static final Pattern JENKINS_BUILD = Pattern.compile("/jenkins/job/(\\w+)/1/(api/json|consoleText)");
  private static final Pattern KUBE_DEPLOYMENT = Pattern.compile("/k8s/apis/apps/v1/namespaces/(\\w+)/deployments/app");
  private static final Pattern KUBE_PODS = Pattern.compile("/k8s/api/v1/namespaces/(\\w+)/pods");

  /** One request as it arrived: which target, and the Authorization header it carried. */
  record Received(String target, String path, String authorization) {
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<Long, String> jenkinsItems = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(100);
  private final HttpServer server;

  CanaryTargets(Vertx vertx) {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The Authorization headers the named target ({@code hook}, {@code github}, {@code jenkins}, {@code k8s}) got. */
  List<String> authorizations(String target) {
    return received.stream().filter(r -> r.target().equals(target)).map(Received::authorization).toList();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      String target = path.split("/", 3)[1];
      String authorization = request.getHeader("Authorization");
      received.add(new Received(target, path, authorization));
      String secret = credential(authorization);
      Matcher m;
      if (path.startsWith("/hook/")) {
        switch (path.substring("/hook/".length())) {
          case "ok" -> request.response().end(CanaryForms.echo(secret));
          case "fail" -> request.response().setStatusCode(400).end(CanaryForms.echo(secret));
          case "long" -> request.response().end(".".repeat(HTTP_OUTPUT_CHARS - 20) + secret);
          default -> { } // hang: never answered
        }
      } else if ((m = GITHUB_RUNS.matcher(path)).matches()) {
        json(request, 200, new JsonObject().put("total_count", 0).put("workflow_runs", new JsonArray()));
      } else if ((m = GITHUB_DISPATCH.matcher(path)).matches()) {
        long id = nextId.getAndIncrement();
        reads.put(id, new AtomicInteger());
        json(request, 200, new JsonObject().put("workflow_run_id", id));
      } else if ((m = GITHUB_RUN.matcher(path)).matches()) {
        json(request, 200, githubRun(m.group(1), Long.parseLong(m.group(2)), secret));
      } else if (path.equals("/jenkins/crumbIssuer/api/json")) {
        request.response().setStatusCode(404).end("CSRF protection is off");
      } else if ((m = JENKINS_TRIGGER.matcher(path)).matches()) {
        long id = nextId.getAndIncrement();
        jenkinsItems.put(id, m.group(1));
        reads.put(id, new AtomicInteger());
        request.response().setStatusCode(201).putHeader("Location", base() + "/jenkins/queue/item/" + id + "/").end();
      } else if ((m = JENKINS_ITEM.matcher(path)).matches()) {
        long id = Long.parseLong(m.group(1));
        String mode = jenkinsItems.get(id);
        json(request, 200, "hang".equals(mode)
            ? new JsonObject().put("id", id).put("why", piece(secret, id))
            : new JsonObject().put("id", id).put("executable", new JsonObject().put("number", 1)
                .put("url", base() + "/jenkins/job/" + mode + "/1/")));
      } else if ((m = JENKINS_BUILD.matcher(path)).matches()) {
        if (m.group(2).equals("consoleText")) {
          request.response().end("Started by Switchboard\n" + CanaryForms.echo(secret) + "\n" + authorization
              + "\n" + CanaryForms.echo(user(authorization)) + "\nFinished\n");
        } else {
          json(request, 200, new JsonObject().put("number", 1).put("building", false)
              .put("result", m.group(1).equals("ok") ? "SUCCESS" : "FAILURE"));
        }
      } else if ((m = KUBE_DEPLOYMENT.matcher(path)).matches()) {
        kubernetes(request, m.group(1), secret, new JsonObject().put("kind", "Deployment")
            .put("metadata", new JsonObject().put("name", "app").put("namespace", m.group(1)).put("generation", 1))
            .put("spec", new JsonObject().put("replicas", 1)
                .put("selector", new JsonObject().put("matchLabels", new JsonObject().put("app", "app")))));
      } else if ((m = KUBE_PODS.matcher(path)).matches()) {
        JsonArray pods = new JsonArray();
        CanaryForms.echo(secret).lines().forEach(line -> pods.add(new JsonObject()
            .put("metadata", new JsonObject().put("name", line))
            .put("status", new JsonObject().put("phase", "Running"))));
        kubernetes(request, m.group(1), secret, new JsonObject().put("kind", "PodList").put("items", pods));
      } else {
        request.response().setStatusCode(404).end("no such canary target: " + path);
      }
    });
  }

  private JsonObject githubRun(String mode, long id, String secret) {
    JsonObject run = new JsonObject().put("id", id).put("event", "workflow_dispatch").put("head_branch", "main")
        .put("display_title", "Deploy");
    return switch (mode) {
      case "ok" -> run.put("status", "completed").put("conclusion", "success").put("html_url", CanaryForms.echo(secret));
      case "fail" -> run.put("status", "completed").put("conclusion", "failure").put("html_url", CanaryForms.echo(secret));
      default -> run.put("status", "in_progress").putNull("conclusion").put("html_url", piece(secret, id));
    };
  }

  private void kubernetes(HttpServerRequest request, String mode, String secret, JsonObject answer) {
    switch (mode) {
      case "ok" -> json(request, 200, answer);
      case "fail" -> json(request, 403, new JsonObject().put("kind", "Status").put("status", "Failure")
          .put("reason", "Forbidden").put("code", 403).put("message", CanaryForms.echo(secret)));
      default -> { } // hang: never answered
    }
  }

  /** The piece of the echo for this read of a waiting run or queue item: each is shown for a while, in turn. */
  private String piece(String secret, long id) {
    List<String> pieces = new ArrayList<>(CanaryForms.echoGroups(secret, PROGRESS_CHARS));
    // Last, and from then on, a line the cut at 500 characters goes through ("Jenkins: hang is queued: "
    // is 25 characters; GitHub's prefix is longer, so the cut falls elsewhere in its line).
    pieces.add(".".repeat(PROGRESS_LINE_CHARS - 25 - 20) + secret);
    int read = reads.get(id).getAndIncrement();
    return pieces.get(Math.min(read / READS_PER_PIECE, pieces.size() - 1));
  }

  /** The secret in a bearer token, or the token of a Basic credential; "" without either. */
  private static String credential(String authorization) {
    if (authorization == null) {
      return "";
    }
    if (authorization.startsWith("Bearer ")) {
      return authorization.substring("Bearer ".length());
    }
    if (authorization.startsWith("Basic ")) {
      String pair = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())),
          StandardCharsets.UTF_8);
      return pair.substring(pair.indexOf(':') + 1);
    }
    return authorization;
  }

  /** The user of a Basic credential. */
  private static String user(String authorization) {
    String pair = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())),
        StandardCharsets.UTF_8);
    return pair.substring(0, pair.indexOf(':'));
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}

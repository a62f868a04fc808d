package io.switchboard.testkit.github;

import io.switchboard.testkit.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback GitHub REST API (as GitHub Enterprise Server mounts it, under {@code /api/v3}) with the
 * documented Actions endpoints: workflow dispatch (204, or 200 with {@code workflow_run_id} when
 * {@link #returnRunDetails}), listing a workflow's runs with the {@code event}, {@code branch} and
 * {@code created=>=} filters (newest first), and reading one run. Repository {@code acme/app} has
 * workflow {@code deploy.yml} (id 161335) and branches main and release; run 1 is an older dispatch
 * on main. Each read of a run moves it one step along {@link #script}; the last step is
 * {@code completed} with {@link #conclusion}.
 */
public final class GitHubStandIn {

  public record Received(Instant at, String method, String uri, MultiMap headers, String body) {
  }

  /** The next request whose path contains {@code pathPart} gets this answer instead. */
  public record Forced(String pathPart, int status, Map<String, String> headers, String message) {
  }

  private static final Pattern DISPATCH = Pattern.compile("/api/v3/repos/([^/]+)/([^/]+)/actions/workflows/([^/]+)/dispatches");
  private static final Pattern LIST = Pattern.compile("/api/v3/repos/([^/]+)/([^/]+)/actions/workflows/([^/]+)/runs");
  private static final Pattern RUN = Pattern.compile("/api/v3/repos/([^/]+)/([^/]+)/actions/runs/([0-9]+)");

  public final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  public final List<Received> received = new CopyOnWriteArrayList<>();
  public final Queue<Forced> forced = new ConcurrentLinkedQueue<>();
  public volatile List<String> script = List.of("queued", "in_progress", "completed");
  public volatile String conclusion = "success";
  public volatile boolean returnRunDetails;
  /** How many list calls a new run stays invisible for, as GitHub's run list lags a dispatch. */
  public volatile int listCallsBeforeRunAppears;
  /** Run reads are never answered. */
  public volatile boolean hangRunReads;
  /** 401 answers quote the token presented (to test redaction of what a target echoes). */
  public volatile boolean echoTokenInErrors;
  public final AtomicInteger abandoned = new AtomicInteger();

  private final Map<Long, JsonObject> runs = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> hiddenFor = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(100);
  private final HttpServer server;

  public GitHubStandIn(Vertx vertx) {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    runs.put(1L, run(1, "main", Instant.now().minusSeconds(30)).put("status", "completed").put("conclusion", "success"));
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api/v3";
  }

  public int port() {
    return server.actualPort();
  }

  public List<Received> matching(String method, String pathPart) {
    return received.stream().filter(r -> r.method().equals(method) && r.uri().contains(pathPart)).toList();
  }

  public int readsOf(long runId) {
    return (int) received.stream().filter(r -> r.uri().endsWith("/actions/runs/" + runId)).count();
  }

  private JsonObject run(long id, String branch, Instant created) {
    return new JsonObject().put("id", id).put("name", "Deploy").put("display_title", "Deploy")
        .put("event", "workflow_dispatch").put("head_branch", branch).put("workflow_id", 161335)
        .put("status", "queued").putNull("conclusion")
        .put("created_at", created.truncatedTo(ChronoUnit.SECONDS).toString())
        .put("html_url", "https://github.test/acme/app/actions/runs/" + id)
        .put("url", apiUrl() + "/repos/acme/app/actions/runs/" + id);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      received.add(new Received(Instant.now(), request.method().name(), request.uri(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString()));
      String path = request.path();
      for (Forced f : forced) {
        if (path.contains(f.pathPart()) && forced.remove(f)) {
          f.headers().forEach(request.response()::putHeader);
          answer(request, f.status(), new JsonObject().put("message", f.message()));
          return;
        }
      }
      String auth = request.getHeader("Authorization");
      String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
      if (!validTokens.contains(token)) {
        answer(request, 401, new JsonObject().put("message", echoTokenInErrors ? "Bad credentials: " + token
            : "Bad credentials").put("documentation_url", "https://docs.github.com/rest").put("status", "401"));
        return;
      }
      Matcher m;
      if (request.method().name().equals("POST") && (m = DISPATCH.matcher(path)).matches()) {
        if (!known(m)) {
          answer(request, 404, new JsonObject().put("message", "Not Found"));
          return;
        }
        JsonObject json = new JsonObject(body);
        String ref = json.getString("ref");
        if (ref == null) {
          answer(request, 422, new JsonObject().put("message", "Invalid request.\n\n\"ref\" wasn't supplied."));
          return;
        }
        if (!Set.of("main", "release", "refs/heads/main").contains(ref)) {
          answer(request, 422, new JsonObject().put("message", "No ref found for: " + ref));
          return;
        }
        long id = nextId.getAndIncrement();
        runs.put(id, run(id, ref.replace("refs/heads/", ""), Instant.now()).put("inputs", json.getJsonObject("inputs")));
        reads.put(id, new AtomicInteger());
        hiddenFor.put(id, new AtomicInteger(listCallsBeforeRunAppears));
        if (returnRunDetails) {
          answer(request, 200, new JsonObject().put("workflow_run_id", id)
              .put("run_url", apiUrl() + "/repos/acme/app/actions/runs/" + id)
              .put("html_url", "https://github.test/acme/app/actions/runs/" + id));
        } else {
          request.response().setStatusCode(204).end();
        }
      } else if (request.method().name().equals("GET") && (m = LIST.matcher(path)).matches()) {
        if (!known(m)) {
          answer(request, 404, new JsonObject().put("message", "Not Found"));
          return;
        }
        String event = request.getParam("event");
        String branch = request.getParam("branch");
        String created = request.getParam("created");
        Instant since = created == null ? Instant.EPOCH : Instant.parse(created.substring(2));
        List<JsonObject> matching = new ArrayList<>();
        for (Map.Entry<Long, JsonObject> e : runs.entrySet()) {
          JsonObject run = e.getValue();
          AtomicInteger hidden = hiddenFor.get(e.getKey());
          if (hidden != null && hidden.getAndDecrement() > 0) {
            continue;
          }
          if ((event == null || event.equals(run.getString("event")))
              && (branch == null || branch.equals(run.getString("head_branch")))
              && !Instant.parse(run.getString("created_at")).isBefore(since)) {
            matching.add(run.copy());
          }
        }
        matching.sort(Comparator.comparing((JsonObject r) -> r.getString("created_at"))
            .thenComparing(r -> r.getLong("id")).reversed());
        answer(request, 200, new JsonObject().put("total_count", matching.size())
            .put("workflow_runs", new JsonArray(new ArrayList<>(matching))));
      } else if (request.method().name().equals("GET") && (m = RUN.matcher(path)).matches()) {
        JsonObject run = runs.get(Long.parseLong(m.group(3)));
        if (!m.group(1).equals("acme") || !m.group(2).equals("app") || run == null) {
          answer(request, 404, new JsonObject().put("message", "Not Found"));
          return;
        }
        if (hangRunReads) {
          request.connection().closeHandler(v -> abandoned.incrementAndGet());
          return;
        }
        AtomicInteger count = reads.computeIfAbsent(run.getLong("id"), k -> new AtomicInteger());
        List<String> steps = script;
        String status = steps.get(Math.min(count.getAndIncrement(), steps.size() - 1));
        run.put("status", status);
        if (status.equals("completed")) {
          run.put("conclusion", conclusion);
        }
        answer(request, 200, run);
      } else {
        answer(request, 404, new JsonObject().put("message", "Not Found"));
      }
    });
  }

  private static boolean known(Matcher m) {
    return m.group(1).equals("acme") && m.group(2).equals("app")
        && (m.group(3).equals("deploy.yml") || m.group(3).equals("161335"));
  }

  private static void answer(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}

package io.switchboard.testkit.jenkins;

import io.switchboard.testkit.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback Jenkins mounted at {@code /jenkins}, with the remote access API endpoints the action
 * uses, as Jenkins documents them: {@code GET /crumbIssuer/api/json} (a crumb tied to a new session
 * cookie; 404 when {@link #csrf} is off), Basic authentication with a user and API token (401 when
 * missing or wrong), {@code POST /job/<name>[/job/<name>]/build} and {@code /buildWithParameters}
 * (403 without the session's crumb, 404 for an unknown job, else 201 with the queue item in
 * {@code Location}), {@code GET /queue/item/<id>/api/json} (a waiting item with {@code why}, then a
 * left item with {@code executable} or {@code cancelled}), {@code GET <build>/api/json}
 * ({@code building}, {@code result}), {@code GET <build>/consoleText}, {@code POST <build>/stop} and
 * {@code POST /queue/cancelItem?id=}. Jenkins reports URLs under its own configured root URL,
 * {@link #PUBLIC_ROOT}, which is not where the stand-in listens (as behind a proxy).
 *
 * <p>Behaviour is driven by state, never by time: a queue item waits for {@link #queueReads} reads
 * of it (forever with {@link #holdInQueue}), a build runs for {@link #buildReads} reads (until
 * {@code /stop} with {@link #holdBuilding}).
 */
public final class JenkinsStandIn {

  public static final String PUBLIC_ROOT = "https://ci.test/jenkins";
  public static final String CRUMB_FIELD = "Jenkins-Crumb";

  public record Received(String method, String uri, MultiMap headers, String body) {
  }

  /** The next request whose path contains {@code pathPart} gets this answer instead. */
  public record Forced(String pathPart, int status, String body) {
  }

  private static final class Item {
    final long id;
    final String job;
    final String params;
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean cancelled;
    volatile Long build;

    Item(long id, String job, String params) {
      this.id = id;
      this.job = job;
      this.params = params;
    }
  }

  private static final class Build {
    final AtomicInteger reads = new AtomicInteger();
    volatile String result;
  }

  public final Map<String, String> users = new ConcurrentHashMap<>();
  public final Set<String> jobs = ConcurrentHashMap.newKeySet();
  public final List<Received> received = new CopyOnWriteArrayList<>();
  public final Queue<Forced> forced = new ConcurrentLinkedQueue<>();
  public volatile boolean csrf = true;
  public volatile int queueReads = 2;
  public volatile boolean holdInQueue;
  /** The item is cancelled (by someone in Jenkins) once it has been read this many times; -1: never. */
  public volatile int cancelInQueueAfter = -1;
  public volatile int buildReads = 2;
  public volatile boolean holdBuilding;
  public volatile String result = "SUCCESS";
  /** Console lines between the first and the last; the build prints the Authorization header it got. */
  public volatile int consoleLines = 100;
  /** The queue item leaves the queue for an executor just before a cancelItem for it arrives. */
  public volatile boolean startsBeforeCancel;
  /** POSTs to trigger a build are never answered. */
  public volatile boolean hangTrigger;
  /** 401 answers quote the Authorization header presented. */
  public volatile boolean echoAuthorization;

  private final Map<String, String> crumbs = new ConcurrentHashMap<>();
  private final Map<Long, Item> items = new ConcurrentHashMap<>();
  private final Map<String, Build> builds = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> nextBuild = new ConcurrentHashMap<>();
  private final AtomicLong nextItem = new AtomicLong(7);
  private final HttpServer server;

  public JenkinsStandIn(Vertx vertx) {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  public String rootUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/jenkins";
  }

  public List<Received> matching(String method, String pathPart) {
    return received.stream().filter(r -> r.method().equals(method) && r.uri().contains(pathPart)).toList();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      received.add(new Received(request.method().name(), request.uri(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString()));
      String path = request.path();
      for (Forced f : forced) {
        if (path.contains(f.pathPart()) && forced.remove(f)) {
          request.response().setStatusCode(f.status()).end(f.body());
          return;
        }
      }
      String authorization = request.getHeader("Authorization");
      if (!authenticated(authorization)) {
        request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"Jenkins\"")
            .end("<html><body>Invalid password/token for user"
                + (echoAuthorization ? ": " + authorization : "") + "</body></html>");
        return;
      }
      if (!path.startsWith("/jenkins/")) {
        notFound(request);
        return;
      }
      String rest = path.substring("/jenkins".length());
      boolean post = request.method().name().equals("POST");
      if (post && csrf && !validCrumb(request)) {
        request.response().setStatusCode(403).putHeader("Content-Type", "text/html")
            .end("<html><body>HTTP ERROR 403 No valid crumb was included in the request</body></html>");
        return;
      }
      if (!post && rest.equals("/crumbIssuer/api/json")) {
        crumbIssuer(request);
      } else if (post && rest.equals("/queue/cancelItem")) {
        Item item = items.get(Long.parseLong(request.getParam("id")));
        if (item != null && item.build == null && startsBeforeCancel) {
          start(item);
        }
        if (item != null && item.build == null) {
          item.cancelled = true;
        }
        request.response().setStatusCode(204).end();
      } else if (!post && rest.matches("/queue/item/[0-9]+/api/json")) {
        queueItem(request, items.get(Long.parseLong(rest.split("/")[3])));
      } else if (rest.startsWith("/job/")) {
        job(request, rest, body.toString());
      } else {
        notFound(request);
      }
    });
  }

  private boolean authenticated(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return false;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    return colon > 0 && decoded.substring(colon + 1).equals(users.get(decoded.substring(0, colon)));
  }

  private boolean validCrumb(HttpServerRequest request) {
    var cookie = request.getCookie("JSESSIONID.standin");
    String crumb = cookie == null ? null : crumbs.get(cookie.getValue());
    return crumb != null && crumb.equals(request.getHeader(CRUMB_FIELD));
  }

  private void crumbIssuer(HttpServerRequest request) {
    if (!csrf) {
      notFound(request);
      return;
    }
    String session = UUID.randomUUID().toString().replace("-", "");
    String crumb = UUID.randomUUID().toString().replace("-", "");
    crumbs.put(session, crumb);
    request.response().putHeader("Set-Cookie", "JSESSIONID.standin=" + session + "; Path=/jenkins; HttpOnly");
    json(request, 200, new JsonObject().put("_class", "hudson.security.csrf.DefaultCrumbIssuer")
        .put("crumb", crumb).put("crumbRequestField", CRUMB_FIELD));
  }

  private void queueItem(HttpServerRequest request, Item item) {
    if (item == null) {
      notFound(request);
      return;
    }
    int read = item.reads.incrementAndGet();
    if (cancelInQueueAfter >= 0 && read > cancelInQueueAfter && item.build == null) {
      item.cancelled = true;
    }
    if (item.build == null && !item.cancelled && !holdInQueue && read > queueReads) {
      start(item);
    }
    JsonObject json = new JsonObject().put("id", item.id).put("params", item.params)
        .put("task", new JsonObject().put("name", item.job).put("url", jobUrl(item.job)))
        .put("url", "queue/item/" + item.id + "/");
    if (item.cancelled) {
      json.put("_class", "hudson.model.Queue$LeftItem").put("cancelled", true).putNull("executable");
    } else if (item.build != null) {
      json.put("_class", "hudson.model.Queue$LeftItem").put("cancelled", false)
          .put("executable", new JsonObject().put("_class", "hudson.model.FreeStyleBuild")
              .put("number", item.build).put("url", jobUrl(item.job) + item.build + "/"));
    } else {
      json.put("_class", "hudson.model.Queue$WaitingItem").put("blocked", false).put("buildable", false)
          .put("stuck", false).put("why", "Waiting for next available executor");
    }
    json(request, 200, json);
  }

  private void start(Item item) {
    item.build = nextBuild.computeIfAbsent(item.job, j -> new AtomicLong(1)).getAndIncrement();
    builds.put(item.job + "#" + item.build, new Build());
  }

  private void job(HttpServerRequest request, String rest, String body) {
    List<String> names = new ArrayList<>();
    String[] parts = rest.substring(1).split("/");
    int i = 0;
    while (i + 1 < parts.length && parts[i].equals("job")) {
      names.add(URLDecoder.decode(parts[i + 1], StandardCharsets.UTF_8));
      i += 2;
    }
    String job = String.join("/", names);
    List<String> tail = List.of(parts).subList(i, parts.length);
    boolean post = request.method().name().equals("POST");
    if (!jobs.contains(job)) {
      notFound(request);
    } else if (post && (tail.equals(List.of("build")) || tail.equals(List.of("buildWithParameters")))) {
      if (hangTrigger) {
        return;
      }
      long id = nextItem.getAndIncrement();
      items.put(id, new Item(id, job, "\n" + URLDecoder.decode(body, StandardCharsets.UTF_8).replace("&", "\n")));
      request.response().setStatusCode(201).putHeader("Location", PUBLIC_ROOT + "/queue/item/" + id + "/").end();
    } else if (tail.size() >= 2 && tail.get(0).matches("[0-9]+") && builds.containsKey(job + "#" + tail.get(0))) {
      build(request, job, Long.parseLong(tail.get(0)), String.join("/", tail.subList(1, tail.size())), post);
    } else {
      notFound(request);
    }
  }

  private void build(HttpServerRequest request, String job, long number, String what, boolean post) {
    Build build = builds.get(job + "#" + number);
    if (post && what.equals("stop")) {
      if (build.result == null) {
        build.result = "ABORTED";
      }
      request.response().setStatusCode(302).putHeader("Location", jobUrl(job) + number + "/").end();
    } else if (!post && what.equals("api/json")) {
      if (build.result == null && !holdBuilding && build.reads.incrementAndGet() > buildReads) {
        build.result = result;
      }
      json(request, 200, new JsonObject().put("_class", "hudson.model.FreeStyleBuild").put("number", number)
          .put("building", build.result == null).put("result", build.result)
          .put("url", jobUrl(job) + number + "/").put("fullDisplayName", job + " #" + number));
    } else if (!post && what.equals("consoleText")) {
      StringBuilder console = new StringBuilder("Started by user deployer\n");
      String authorization = request.getHeader("Authorization");
      console.append("+ echo ").append(authorization).append('\n');
      console.append("+ curl -u ").append(new String(Base64.getDecoder().decode(authorization.substring(6)),
          StandardCharsets.UTF_8)).append(" ...\n");
      for (int line = 1; line <= consoleLines; line++) {
        console.append("line ").append(line).append('\n');
      }
      console.append("Finished: ").append(build.result).append('\n');
      request.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(console.toString());
    } else {
      notFound(request);
    }
  }

  private static String jobUrl(String job) {
    StringBuilder url = new StringBuilder(PUBLIC_ROOT);
    for (String name : job.split("/")) {
      url.append("/job/").append(name.replace(" ", "%20"));
    }
    return url.append('/').toString();
  }

  private static void notFound(HttpServerRequest request) {
    request.response().setStatusCode(404).putHeader("Content-Type", "text/html")
        .end("<html><body>HTTP ERROR 404 Not Found</body></html>");
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json;charset=utf-8")
        .end(body.encode());
  }
}

package io.switchboard.executor.action.jenkins;

import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.HttpAnswer;
import io.switchboard.executor.action.jenkins.JenkinsSession.TransportFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Triggering one build and following it to its result: crumb, trigger, queue item, build, console
 * tail. Each step schedules the next; {@link #stop} may end it at any point and then cancels the
 * queue item or stops the build in Jenkins.
 */
final class BuildFollower {

  /** Consecutive transient errors ridden out while following a build that was queued. */
  static final int MAX_TRANSIENT_POLL_ERRORS = 5;

  private static final Pattern QUEUE_ITEM = Pattern.compile("/queue/item/([0-9]+)/?$");

  private enum Phase { TRIGGERING, QUEUED, BUILDING }

  private final ActionContext context;
  private final Vertx vertx;
  private final JenkinsSettings settings;
  private final BuildRequest request;
  private final JenkinsSession session;
  private final Promise<ActionResult> outcome = Promise.promise();
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile Phase phase = Phase.TRIGGERING;
  private volatile boolean triggerSent;
  private volatile long queueId = -1;
  private volatile long buildNumber = -1;
  private volatile String buildUrl;
  private volatile String why;
  private volatile long timer = -1;

  BuildFollower(ActionContext context, JenkinsSettings settings, BuildRequest request, JenkinsSession session) {
    this.context = context;
    this.vertx = context.vertx();
    this.settings = settings;
    this.request = request;
    this.session = session;
  }

  Future<ActionResult> start() {
    context.stop().onComplete(reason -> stop(reason.succeeded() ? reason.result()
        : JenkinsSession.describe(reason.cause())));
    session.fetchCrumb(request.root())
        .compose(crumb -> crumb.ok() || crumb.status() == 404 ? trigger()
            : Future.failedFuture(refused(crumb, "fetching a CSRF crumb")))
        .onSuccess(this::queued)
        .onFailure(e -> finish(beforeQueued(e)));
    return outcome.future().map(result -> new ActionResult(result.succeeded(), session.scrub(result.output()),
        session.scrub(result.error()), result.retryable(), result.timedOut()));
  }

  // ---------------------------------------------------------------- before the build is queued

  private Future<Long> trigger() {
    if (done.get()) {
      return Future.failedFuture(new TransportFailure("stopped", false));
    }
    triggerSent = true;
    return session.send(HttpMethod.POST, request.triggerUrl(), request.form()).compose(response -> {
      if (!response.ok()) {
        return Future.failedFuture(refused(response, "triggering the build"));
      }
      String location = response.headers().get("Location");
      Matcher item = location == null ? null : QUEUE_ITEM.matcher(location.split("\\?", 2)[0]);
      if (item == null || !item.find()) {
        return Future.failedFuture(new Refused(ActionResult.failure(prefix() + ": Jenkins answered " + response.status()
            + " without a queue item in Location (" + location + "); the build may have been queued: check "
            + request.root() + request.jobPath())));
      }
      return Future.succeededFuture(Long.parseLong(item.group(1)));
    });
  }

  /** What a failure before the build was queued means: 401/403/404 final, 5xx, 429 and no connection retryable. */
  private ActionResult beforeQueued(Throwable e) {
    if (e instanceof Refused r) {
      return r.result;
    }
    String text = e instanceof TransportFailure ? JenkinsSession.describe(e) : String.valueOf(e);
    if (!triggerSent || e instanceof TransportFailure t && t.connectFailed) {
      return ActionResult.retryableFailure(prefix() + ": cannot reach Jenkins at " + request.root() + ": " + text);
    }
    return ActionResult.failure(prefix() + ": the trigger got no answer (" + text + "); the build may have been "
        + "queued, so it is not retried: check " + request.root() + request.jobPath());
  }

  private Refused refused(HttpAnswer response, String what) {
    int status = response.status();
    String said = prefix() + ": " + what + ": Jenkins answered " + status;
    ActionResult result = switch (status) {
      case 401 -> ActionResult.failure(said + ": bad credentials: Jenkins refused the user and API token in secrets '"
          + request.userSecret() + "' and '" + request.tokenSecret() + "'");
      case 403 -> ActionResult.failure(said + (mentionsCrumb(response)
          ? ": Jenkins rejected the CSRF crumb"
          : ": no permission: the user in secret '" + request.userSecret() + "' may not build " + request.job()));
      case 404 -> ActionResult.failure(said + ": no such job '" + request.job() + "' at " + request.root());
      default -> status >= 500 || status == 429 || status == 408
          ? ActionResult.retryableFailure(said + " (Jenkins is unavailable or busy; the build was not queued)")
          : ActionResult.failure(said + snippet(context.secrets().redact(
              response.body().toString(StandardCharsets.UTF_8))));
    };
    return new Refused(result);
  }

  // ---------------------------------------------------------------- queued

  private void queued(long id) {
    queueId = id;
    phase = Phase.QUEUED;
    pollQueue(0);
  }

  private void pollQueue(int errors) {
    read(request.root() + "/queue/item/" + queueId + "/api/json", errors, this::pollQueue, item -> {
      JsonObject executable = item.getJsonObject("executable");
      if (Boolean.TRUE.equals(item.getBoolean("cancelled"))) {
        finish(ActionResult.failure(prefix() + ": queue item " + queueId + " was cancelled in the queue"
            + (why == null ? "" : " (it was waiting: " + why + ")")));
      } else if (executable != null && executable.getValue("number") instanceof Number n) {
        buildNumber = n.longValue();
        buildUrl = executable.getString("url", request.root() + request.jobPath() + "/" + buildNumber + "/");
        phase = Phase.BUILDING;
        pollBuild(0);
      } else {
        why = item.getString("why", why);
        context.progress().report("Jenkins: " + request.job() + " is queued" + (why == null ? "" : ": " + why));
        later(() -> pollQueue(0));
      }
    });
  }

  // ---------------------------------------------------------------- building

  /** The build under our root, whatever root URL Jenkins believes it has: credentials go nowhere else. */
  private String buildPath() {
    return request.root() + request.jobPath() + "/" + buildNumber;
  }

  private void pollBuild(int errors) {
    read(buildPath() + "/api/json", errors, this::pollBuild, build -> {
      String result = build.getString("result");
      if (Boolean.TRUE.equals(build.getBoolean("building")) || result == null) {
        context.progress().report("Jenkins: build #" + buildNumber + " of " + request.job() + " is running");
        later(() -> pollBuild(0));
      } else {
        session.tail(buildPath() + "/consoleText", settings.consoleTailBytes()).onComplete(console ->
            finish(concluded(result, console.succeeded() && console.result().ok()
                ? tail(console.result().body().toString(StandardCharsets.UTF_8), settings.consoleTailLines())
                : null)));
      }
    });
  }

  private ActionResult concluded(String result, String console) {
    String text = "Jenkins build #" + buildNumber + " of " + request.job() + ": " + result + "\n" + buildUrl
        + (console == null ? "\n(the console log could not be read)"
        : console.isEmpty() ? "" : "\n--- console (tail) ---\n" + console);
    return "SUCCESS".equals(result) ? ActionResult.success(text) : ActionResult.failure(prefix() + ": " + text);
  }

  // ---------------------------------------------------------------- plumbing

  private interface Reader {
    void read(JsonObject json);
  }

  private interface Retry {
    void again(int errors);
  }

  /**
   * Reads a JSON resource of a queued build. Transient errors (no answer, 5xx, 429) are ridden out a
   * few times in a row; every failure after the build was queued is final, as a retry would queue a
   * second build.
   */
  private void read(String url, int errors, Retry retry, Reader reader) {
    if (done.get()) {
      return;
    }
    session.send(HttpMethod.GET, url, null).onComplete(ar -> {
      if (done.get()) {
        return;
      }
      HttpAnswer response = ar.succeeded() ? ar.result() : null;
      if (response != null && response.ok()) {
        try {
          reader.read(response.json());
        } catch (RuntimeException e) { // a field of an unexpected type: not the Jenkins API we know
          finish(ActionResult.failure(prefix() + ": following " + where() + " failed: Jenkins answered JSON this "
              + "action does not understand (" + JenkinsSession.describe(e) + "); not retried, as the build was "
              + "already queued"));
        }
        return;
      }
      boolean transientError = response == null || response.status() >= 500 || response.status() == 429
          || response.status() == 408;
      String what = response == null ? JenkinsSession.describe(ar.cause()) : "Jenkins answered " + response.status()
          + switch (response.status()) {
            case 401 -> " (bad credentials)";
            case 403 -> " (no permission)";
            case 404 -> " (not found)";
            default -> "";
          };
      if (!transientError || errors + 1 >= MAX_TRANSIENT_POLL_ERRORS) {
        finish(ActionResult.failure(prefix() + ": following " + where() + " failed: " + what
            + "; not retried, as the build was already queued"));
      } else {
        later(() -> retry.again(errors + 1));
      }
    });
  }

  private String where() {
    return phase == Phase.BUILDING ? "build #" + buildNumber + " (" + buildUrl + ")" : "queue item " + queueId;
  }

  private void later(Runnable next) {
    if (done.get()) {
      return;
    }
    timer = vertx.setTimer(settings.pollInterval().toMillis(), id -> {
      timer = -1;
      next.run();
    });
    if (done.get()) {
      vertx.cancelTimer(timer);
    }
  }

  private void finish(ActionResult result) {
    if (done.compareAndSet(false, true)) {
      cancelPending();
      outcome.tryComplete(result);
    }
  }

  private void cancelPending() {
    long t = timer;
    if (t != -1) {
      vertx.cancelTimer(t);
    }
    session.cancelInFlight();
  }

  // ---------------------------------------------------------------- stop

  /**
   * Ends the job at once: cancels the request in flight and the polling, then cancels the queue
   * item or stops the build in Jenkins (best effort; the answer says how it went).
   */
  private void stop(String reason) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    cancelPending();
    String stopped = prefix() + ": stopped (" + reason + ")";
    Future<String> cleanup = switch (phase) {
      case TRIGGERING -> Future.succeededFuture(triggerSent
          ? " while triggering the build; it may have been queued: check " + request.root() + request.jobPath()
          : " before the build was triggered");
      case QUEUED -> cancelQueueItem();
      case BUILDING -> stopBuild();
    };
    cleanup.onComplete(ar -> outcome.tryComplete(ActionResult.failure(stopped + ar.result())));
  }

  /** {@code POST /queue/cancelItem?id=}, then a look whether the build started meanwhile (and if so, its stop). */
  private Future<String> cancelQueueItem() {
    return post(request.root() + "/queue/cancelItem?id=" + queueId, "cancelled queue item " + queueId,
        "cancel queue item " + queueId)
        .compose(cancelled -> session.send(HttpMethod.GET, request.root() + "/queue/item/" + queueId + "/api/json", null)
            .transform(read -> {
              JsonObject executable = read.succeeded() && read.result().ok()
                  ? read.result().json().getJsonObject("executable") : null;
              if (executable != null && executable.getValue("number") instanceof Number n) {
                buildNumber = n.longValue();
                buildUrl = executable.getString("url", buildPath() + "/");
                return stopBuild().map(stop -> "; the build had started already" + stop);
              }
              return Future.succeededFuture(cancelled + (why == null ? "" : " (it was waiting: " + why + ")"));
            }));
  }

  private Future<String> stopBuild() {
    return post(buildPath() + "/stop", "stopped build #" + buildNumber + " (" + buildUrl + ")", "stop build #"
        + buildNumber + " (" + buildUrl + ")");
  }

  /** A POST that asks Jenkins to cancel something; answers how it went, for the stop's message. */
  private Future<String> post(String url, String did, String couldNot) {
    return session.send(HttpMethod.POST, url, null).transform(ar -> {
      if (ar.succeeded() && ar.result().status() >= 200 && ar.result().status() < 400) {
        return Future.succeededFuture("; " + did + " in Jenkins");
      }
      String failed = ar.succeeded() ? "Jenkins answered " + ar.result().status() : JenkinsSession.describe(ar.cause());
      return Future.succeededFuture("; could not " + couldNot + " in Jenkins (" + failed + "): it may go on");
    });
  }

  // ---------------------------------------------------------------- text

  private String prefix() {
    return "jenkins: " + request.job();
  }

  private static boolean mentionsCrumb(HttpAnswer response) {
    return response.body().toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("crumb");
  }

  /** The start of an answer's body, already redacted (a cut before redaction could leave part of a secret). */
  private static String snippet(String redactedBody) {
    String body = redactedBody.strip();
    if (body.isEmpty() || body.startsWith("<")) {
      return "";
    }
    return ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
  }

  /** The last {@code lines} lines of a console tail. */
  static String tail(String text, int lines) {
    List<String> all = Arrays.asList(text.split("\r?\n", -1));
    if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
      all = all.subList(0, all.size() - 1);
    }
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** A failure that is already the action's answer. */
  private static final class Refused extends RuntimeException {
    final ActionResult result;

    Refused(ActionResult result) {
      super(result.error(), null, false, false);
      this.result = result;
    }
  }
}

package io.switchboard.executor.action.github;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionHttpClient;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.executor.action.HttpAnswer;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Starts a GitHub Actions workflow ({@code workflow_dispatch}) and follows its run to the end:
 * {@code {"owner": "acme", "repo": "api", "workflow": "deploy.yml", "ref": "main",
 * "inputs": {"environment": "production"}, "tokenSecret": "github-token"}}. Inputs are sent as strings;
 * a list (from a {@code multiple} catalog argument) is joined with commas: {@code ["api", "web"]} is
 * {@code "api,web"}.
 *
 * <p>REST API: {@code POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches} (204, or
 * 200 with {@code workflow_run_id} on newer API versions), then, when no run id came back, the
 * workflow's runs ({@code GET .../actions/workflows/{workflow}/runs?event=workflow_dispatch&branch=&created=>=})
 * are listed until a run appears that was not there before the dispatch, and that run is polled
 * ({@code GET /repos/{owner}/{repo}/actions/runs/{id}}) until its status is {@code completed}.
 * Without a run id from GitHub the match is by workflow, branch, event and time: two dispatches of
 * the same workflow and ref in the same moment may be told apart wrongly.
 *
 * <p>Conclusions {@code success} and {@code neutral} succeed; any other fails. 401, 403, 404 and 422
 * are final failures with GitHub's message. A rate limit (429, or 403 with {@code Retry-After} or an
 * exhausted {@code x-ratelimit-remaining}) is waited out as GitHub asks, a few times, before the
 * job fails retryably; 5xx and connection failures of the dispatch are retryable. Once the run
 * exists, transient errors are ridden out by polling again (a retried job would start a second
 * run). Stopping the job cancels the request in flight and the polling; the run in GitHub goes on.
 */
public final class GitHubActionsAction implements Action {

  /** Consecutive transient errors tolerated while looking for or polling a run that was dispatched. */
  static final int MAX_TRANSIENT_POLL_ERRORS = 10;
  /** Rate-limit waits before a dispatch is given up (retryably). */
  static final int MAX_DISPATCH_RATE_LIMIT_WAITS = 3;
  /** GitHub's advice for a secondary rate limit that names no wait: at least a minute. */
  static final long SECONDARY_LIMIT_WAIT_MILLIS = 60_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern WORKFLOW = Pattern.compile("[0-9]+|[A-Za-z0-9_.-]+\\.ya?ml");

  private final GitHubActionsSettings settings;
  private final ActionHttpClient clients;

  public GitHubActionsAction(GitHubActionsSettings settings) {
    this.settings = settings;
    this.clients = new ActionHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis())));
  }

  @Override
  public String type() {
    return "github-actions";
  }

  /** One dispatch, from a job's arguments. */
  record Dispatch(String owner, String repo, String workflow, String ref, JsonObject inputs, String tokenSecret) {

    static Dispatch parse(JsonObject args) {
      String owner = required(args, "owner", NAME, "a GitHub user or organisation, e.g. \"acme\"");
      String repo = required(args, "repo", NAME, "a repository name, e.g. \"api\"");
      Object workflowValue = args.getValue("workflow");
      String workflow = workflowValue instanceof Number n && n.longValue() > 0 ? Long.toString(n.longValue())
          : required(args, "workflow", WORKFLOW, "a workflow file name such as \"deploy.yml\" or a workflow id");
      String ref = required(args, "ref", Pattern.compile("[^\\s~^:?*\\[\\\\]{1,250}"), "a branch or tag, e.g. \"main\"");
      String tokenSecret = required(args, "tokenSecret", SecretNames.NAME,
          "the name of the secret that holds the GitHub token, e.g. \"github-token\"");
      Object inputsValue = args.getValue("inputs");
      JsonObject inputs = new JsonObject();
      if (inputsValue != null) {
        if (!(inputsValue instanceof JsonObject given)) {
          throw new IllegalArgumentException("'inputs' must be a JSON object of workflow inputs");
        }
        for (var entry : given) {
          inputs.put(entry.getKey(), inputText(entry.getKey(), entry.getValue()));
        }
      }
      return new Dispatch(owner, repo, workflow, ref, inputs, tokenSecret);
    }

    /**
     * GitHub takes every input as a string: text, numbers and true/false as written, and a list of
     * them (a {@code multiple} catalog argument) joined with commas, as the user typed it.
     */
    private static String inputText(String name, Object value) {
      if (value instanceof JsonArray list && !list.isEmpty()
          && list.stream().allMatch(Dispatch::scalar)) {
        return String.join(",", list.stream().map(String::valueOf).toList());
      }
      if (!scalar(value)) {
        throw new IllegalArgumentException("input '" + name + "' must be text, a number, true/false or a list of them");
      }
      return String.valueOf(value);
    }

    private static boolean scalar(Object value) {
      return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    private static String required(JsonObject args, String name, Pattern pattern, String what) {
      Object value = args.getValue(name);
      if (value == null) {
        throw new IllegalArgumentException("a '" + name + "' argument is needed: " + what);
      }
      if (!(value instanceof String text) || !pattern.matcher(text).matches()) {
        throw new IllegalArgumentException("'" + name + "' must be " + what + ", was " + value);
      }
      return text;
    }

    String describe() {
      return owner + "/" + repo + " " + workflow + " on " + ref;
    }

    /** The branch (or tag) name runs report as head_branch. */
    String branch() {
      return ref.replaceFirst("^refs/(heads|tags)/", "");
    }

    String repoPath() {
      return "/repos/" + owner + "/" + repo;
    }
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    Dispatch dispatch;
    try {
      dispatch = Dispatch.parse(context.arguments());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(ActionResult.failure("github-actions: " + e.getMessage()));
    }
    if (context.stop().isComplete()) {
      return Future.succeededFuture(ActionResult.failure("github-actions: stopped before dispatching: "
          + context.stop().result()));
    }
    return context.secrets().get(dispatch.tokenSecret())
        .recover(e -> Future.failedFuture(new Outcome(secretFailure(dispatch.tokenSecret(), e))))
        .compose(token -> new Follow(context, dispatch, token).start())
        .recover(e -> Future.succeededFuture(e instanceof Outcome outcome ? outcome.result
            : ActionResult.retryableFailure("github-actions: " + dispatch.describe() + ": " + describe(e))));
  }

  private static ActionResult secretFailure(String name, Throwable e) {
    if (e instanceof SecretStoreException store && store.reason() == SecretStoreException.Reason.UNAVAILABLE) {
      return ActionResult.retryableFailure("github-actions: could not read secret '" + name + "': " + e.getMessage());
    }
    return ActionResult.failure("github-actions: " + e.getMessage());
  }

  /** Dispatching one workflow and following its run: the state of one job. */
  private final class Follow {
    private final ActionContext context;
    private final Vertx vertx;
    private final Dispatch dispatch;
    private final String token;
    private final Promise<ActionResult> outcome = Promise.promise();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile HttpClientRequest inFlight;
    private volatile long timer = -1;
    private volatile String runUrl;

    Follow(ActionContext context, Dispatch dispatch, String token) {
      this.context = context;
      this.vertx = context.vertx();
      this.dispatch = dispatch;
      this.token = token;
    }

    Future<ActionResult> start() {
      context.stop().onComplete(reason -> finish(ActionResult.failure("github-actions: stopped following "
          + dispatch.describe() + ": " + reason.result()
          + (runUrl == null ? "" : " (the run goes on in GitHub: " + runUrl + ")"))));
      // Runs created a little before our clock says (skew) are included; those that existed before
      // the dispatch are told apart by id.
      String since = DateTimeFormatter.ISO_INSTANT.format(Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS));
      Set<Long> before = new HashSet<>();
      rateLimited(() -> api(HttpMethod.GET, runsPath(since), null, "listing the workflow's runs"), 0)
          .compose(listed -> {
            runs(listed).forEach(run -> before.add(run.getLong("id")));
            return rateLimited(this::dispatch, 0);
          })
          .onSuccess(dispatched -> {
            Long runId = dispatched.status() == 200 ? dispatched.json().getLong("workflow_run_id") : null;
            if (runId != null) {
              runUrl = dispatched.json().getString("html_url");
            }
            if (runId != null) {
              poll(runId, 0);
            } else {
              lookup(before, since, System.nanoTime() + settings.runLookupTimeout().toNanos(), 0);
            }
          })
          .onFailure(this::fail);
      return outcome.future();
    }

    private Future<HttpAnswer> dispatch() {
      JsonObject body = new JsonObject().put("ref", dispatch.ref()).put("inputs", dispatch.inputs());
      return api(HttpMethod.POST, dispatch.repoPath() + "/actions/workflows/" + dispatch.workflow() + "/dispatches",
          body, "dispatching the workflow");
    }

    private String runsPath(String since) {
      return dispatch.repoPath() + "/actions/workflows/" + dispatch.workflow() + "/runs?event=workflow_dispatch"
          + "&branch=" + encode(dispatch.branch()) + "&created=" + encode(">=" + since) + "&per_page=100";
    }

    /**
     * Lists the workflow's runs until one appears that was not there before the dispatch, then
     * polls it. Each step schedules the next (no chain of futures grows while a long run is followed).
     */
    private void lookup(Set<Long> before, String since, long deadline, int errors) {
      api(HttpMethod.GET, runsPath(since), null, "looking for the dispatched run").onComplete(ar -> {
        if (ar.failed()) {
          rideOut(ar.cause(), errors).onSuccess(v -> lookup(before, since, deadline, errors + 1)).onFailure(this::fail);
          return;
        }
        JsonObject first = null;
        for (JsonObject run : runs(ar.result())) {
          Long id = run.getLong("id");
          if (id != null && !before.contains(id) && (first == null || id < first.getLong("id"))) {
            first = run; // the oldest new run: the one dispatched first
          }
        }
        if (first != null) {
          runUrl = first.getString("html_url");
          poll(first.getLong("id"), 0);
        } else if (System.nanoTime() > deadline) {
          finish(ActionResult.failure("github-actions: dispatched " + dispatch.describe() + ", but no run of it "
              + "appeared within " + settings.runLookupTimeout().toSeconds() + " s; look at the repository's Actions tab"));
        } else {
          delay(settings.pollInterval().toMillis()).onSuccess(v -> lookup(before, since, deadline, 0))
              .onFailure(this::fail);
        }
      });
    }

    /** Polls the run until it is completed. */
    private void poll(long runId, int errors) {
      api(HttpMethod.GET, dispatch.repoPath() + "/actions/runs/" + runId, null, "reading run " + runId)
          .onComplete(ar -> {
            if (ar.failed()) {
              rideOut(ar.cause(), errors).onSuccess(v -> poll(runId, errors + 1)).onFailure(this::fail);
              return;
            }
            JsonObject run = ar.result().json();
            String url = run.getString("html_url");
            if (url != null) {
              runUrl = url;
            }
            if ("completed".equals(run.getString("status"))) {
              finish(concluded(runId, run));
            } else {
              context.progress().report("GitHub Actions run " + runId + " of " + dispatch.describe() + " is "
                  + String.valueOf(run.getString("status")).replace('_', ' ') + (runUrl == null ? "" : ": " + runUrl));
              delay(settings.pollInterval().toMillis()).onSuccess(v -> poll(runId, 0)).onFailure(this::fail);
            }
          });
    }

    private void fail(Throwable e) {
      finish(e instanceof Outcome o ? o.result
          : ActionResult.retryableFailure("github-actions: " + dispatch.describe() + ": " + describe(e)));
    }

    private ActionResult concluded(long runId, JsonObject run) {
      String conclusion = String.valueOf(run.getString("conclusion"));
      // Redacted before anything is cut, so no cut can leave part of a secret unrecognised.
      String title = context.secrets().redact(run.getString("display_title"));
      String text = "GitHub Actions run " + runId + " of " + dispatch.describe() + ": " + conclusion
          + (title == null || title.isBlank() ? "" : "\n" + (title.length() > 200 ? title.substring(0, 200) : title))
          + (runUrl == null ? "" : "\n" + runUrl);
      return switch (conclusion) {
        case "success", "neutral" -> ActionResult.success(text);
        default -> ActionResult.failure("github-actions: " + text);
      };
    }

    /**
     * After an error while following a dispatched run: waits (as GitHub asks for a rate limit, else
     * one poll interval) when it is transient and not too many came in a row; else fails with it.
     */
    private Future<Void> rideOut(Throwable e, int errors) {
      ActionResult result = e instanceof Outcome o ? o.result
          : ActionResult.retryableFailure("github-actions: " + dispatch.describe() + ": " + describe(e));
      if (!result.retryable() || done.get()) {
        return Future.failedFuture(e);
      }
      if (errors + 1 >= MAX_TRANSIENT_POLL_ERRORS) {
        return Future.failedFuture(new Outcome(ActionResult.failure(result.error() + " (" + (errors + 1)
            + " errors in a row while following the run; it may still be going"
            + (runUrl == null ? "" : ": " + runUrl) + ")")));
      }
      long wait = e instanceof Outcome o && o.waitMillis > 0 ? o.waitMillis : settings.pollInterval().toMillis();
      return delay(wait);
    }

    /** Calls the API, waiting out a rate limit as GitHub asks, a few times. */
    private Future<HttpAnswer> rateLimited(Supplier<Future<HttpAnswer>> call, int waits) {
      return call.get().recover(e -> {
        if (e instanceof Outcome o && o.waitMillis > 0 && waits < MAX_DISPATCH_RATE_LIMIT_WAITS && !done.get()) {
          return delay(o.waitMillis).compose(v -> rateLimited(call, waits + 1));
        }
        return Future.failedFuture(e);
      });
    }

    /** One API request; a non-2xx answer fails it with the {@link Outcome} it means. */
    private Future<HttpAnswer> api(HttpMethod method, String path, JsonObject body, String what) {
      if (done.get()) {
        return Future.failedFuture(new Outcome(ActionResult.failure("github-actions: stopped")));
      }
      RequestOptions options = new RequestOptions()
          .setMethod(method)
          .setAbsoluteURI(settings.base() + path)
          .setFollowRedirects(method == HttpMethod.GET)
          .setConnectTimeout(settings.requestTimeout().toMillis())
          .setIdleTimeout(settings.requestTimeout().toMillis())
          .putHeader("Authorization", "Bearer " + token)
          .putHeader("Accept", "application/vnd.github+json")
          .putHeader("X-GitHub-Api-Version", "2022-11-28")
          .putHeader("User-Agent", "switchboard");
      if (body != null) {
        options.putHeader("Content-Type", "application/json");
      }
      return client(vertx).request(options)
          .compose(request -> {
            inFlight = request;
            if (done.get()) {
              request.reset();
              return Future.failedFuture(new Outcome(ActionResult.failure("github-actions: stopped")));
            }
            return ActionHttpClient.exchange(request, body == null ? null : body.toBuffer(), response -> response.body()
                .map(b -> new HttpAnswer(response.statusCode(), response.headers(), b)));
          })
          .recover(e -> Future.failedFuture(e instanceof Outcome ? e : new Outcome(ActionResult.retryableFailure(
              "github-actions: " + what + " (" + dispatch.describe() + ") failed: " + describe(e)))))
          .compose(response -> judge(response, what));
    }

    private Future<HttpAnswer> judge(HttpAnswer response, String what) {
      int status = response.status();
      if (status >= 200 && status < 300) {
        return Future.succeededFuture(response);
      }
      String message = context.secrets().redact(message(response));
      String said = status + (message.isBlank() ? "" : ": " + shorten(message));
      String prefix = "github-actions: " + what + " (" + dispatch.describe() + ")";
      long wait = rateLimitWait(response);
      if (wait >= 0) {
        return Future.failedFuture(new Outcome(ActionResult.retryableFailure(prefix + " is rate limited by GitHub ("
            + said + "); retry after " + Math.max(1, (wait + 999) / 1000) + " s"), Math.max(wait, 1)));
      }
      ActionResult result = switch (status) {
        case 401 -> ActionResult.failure(prefix + ": GitHub refused the token in secret '" + dispatch.tokenSecret()
            + "' (" + said + "); it is wrong, expired or revoked");
        case 403 -> ActionResult.failure(prefix + " is forbidden (" + said + "); the token in secret '"
            + dispatch.tokenSecret() + "' needs the Actions read and write permission on " + dispatch.owner() + "/"
            + dispatch.repo());
        case 404 -> ActionResult.failure(prefix + ": not found (" + said + "); check owner, repo and workflow, and "
            + "that the token in secret '" + dispatch.tokenSecret() + "' can see the repository");
        case 422 -> ActionResult.failure(prefix + " was rejected by GitHub (" + said + ")");
        default -> status >= 500 || status == 408
            ? ActionResult.retryableFailure(prefix + ": GitHub answered " + said)
            : ActionResult.failure(prefix + ": GitHub answered " + said);
      };
      return Future.failedFuture(new Outcome(result));
    }

    /** How long GitHub asks us to wait, or -1 when the answer is not a rate limit. */
    private long rateLimitWait(HttpAnswer response) {
      int status = response.status();
      if (status != 429 && status != 403) {
        return -1;
      }
      String retryAfter = response.headers().get("Retry-After");
      if (retryAfter != null) {
        try {
          return Math.max(0, Long.parseLong(retryAfter.trim())) * 1000;
        } catch (NumberFormatException e) {
          return SECONDARY_LIMIT_WAIT_MILLIS;
        }
      }
      if ("0".equals(response.headers().get("x-ratelimit-remaining"))) {
        try {
          long reset = Long.parseLong(response.headers().get("x-ratelimit-reset").trim());
          return Math.max(1000, reset * 1000 - System.currentTimeMillis());
        } catch (RuntimeException e) {
          return SECONDARY_LIMIT_WAIT_MILLIS;
        }
      }
      if (status == 429 || message(response).toLowerCase(Locale.ROOT).contains("rate limit")) {
        return SECONDARY_LIMIT_WAIT_MILLIS;
      }
      return -1;
    }

    private Future<Void> delay(long millis) {
      Promise<Void> waited = Promise.promise();
      if (done.get()) {
        return Future.failedFuture(new Outcome(ActionResult.failure("github-actions: stopped")));
      }
      timer = vertx.setTimer(Math.max(1, millis), id -> waited.tryComplete());
      if (done.get()) {
        vertx.cancelTimer(timer);
        return Future.failedFuture(new Outcome(ActionResult.failure("github-actions: stopped")));
      }
      return waited.future();
    }

    private void finish(ActionResult result) {
      if (done.compareAndSet(false, true)) {
        if (timer != -1) {
          vertx.cancelTimer(timer);
        }
        HttpClientRequest request = inFlight;
        if (request != null) {
          request.reset();
        }
        outcome.tryComplete(result);
      }
    }
  }

  private static Iterable<JsonObject> runs(HttpAnswer listed) {
    JsonArray runs = listed.json().getJsonArray("workflow_runs", new JsonArray());
    return () -> runs.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).iterator();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** GitHub's error message in the answer's JSON, or "". */
  private static String message(HttpAnswer answer) {
    String message = answer.json().getString("message");
    return message == null ? "" : message;
  }

  private static String shorten(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private HttpClient client(Vertx vertx) {
    return clients.on(vertx);
  }

  /** A failure that is already the action's answer; {@code waitMillis} > 0 for a rate limit. */
  static final class Outcome extends RuntimeException {
    final ActionResult result;
    final long waitMillis;

    Outcome(ActionResult result) {
      this(result, 0);
    }

    Outcome(ActionResult result, long waitMillis) {
      super(result.error(), null, false, false);
      this.result = result;
      this.waitMillis = waitMillis;
    }
  }
}

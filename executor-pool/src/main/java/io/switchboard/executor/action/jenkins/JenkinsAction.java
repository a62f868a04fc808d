package io.switchboard.executor.action.jenkins;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionHttpClient;
import io.switchboard.executor.action.ActionResult;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;

/**
 * Triggers a Jenkins build and follows it to its result ({@code type = "jenkins"}):
 * {@code {"url": "https://ci.example.com", "job": "deploy/api", "parameters": {"ENV": "production"},
 * "userSecret": "jenkins-user", "tokenSecret": "jenkins-token"}}.
 *
 * <p>Arguments: {@code url}, the Jenkins root URL (http or https, with its context path if any; an
 * argument rather than a secret, as it names no credential and the catalog fixes it per command; any
 * host is accepted, as there is no allow-list like the {@code http} action's yet);
 * {@code job}, the job's full name with folders as {@code folder/name} (called at
 * {@code /job/folder/job/name}); {@code parameters}, an object of text, number or true/false values
 * (without it the build is started with {@code /build}, with it with {@code /buildWithParameters});
 * {@code userSecret} and {@code tokenSecret}, the names of the tenant's secrets holding the Jenkins
 * user and its API token (HTTP Basic authentication); {@code idempotencyParameter} (default false),
 * see below. Bad arguments fail the job at once, without a retry.
 *
 * <p>Flow (Jenkins' remote access API): a crumb from {@code GET /crumbIssuer/api/json}, with the
 * session cookie Jenkins ties it to (a 404 there means CSRF protection is off: the build is started
 * without one); {@code POST .../buildWithParameters} (form-encoded) answers 201 with the queue item
 * in {@code Location}; the queue item ({@code /queue/item/<id>/api/json}) is polled until it has an
 * {@code executable} (or is {@code cancelled}), then the build ({@code <build>/api/json}) until it is
 * no longer {@code building}. {@code SUCCESS} succeeds; {@code FAILURE}, {@code UNSTABLE},
 * {@code ABORTED} and {@code NOT_BUILT} fail naming it. The answer carries the build's number, URL and
 * the tail of {@code <build>/consoleText} ({@link JenkinsSettings#consoleTailLines()} lines, at most
 * {@link JenkinsSettings#consoleTailBytes()} bytes). Queue item and build are always read under the
 * configured root URL, whatever root URL Jenkins reports, so the credentials go nowhere else.
 *
 * <p>Retries: until the build is queued, no answer, 5xx and 429 are retryable; 401 (bad credentials),
 * 403 (no permission, or a rejected crumb) and 404 (no such job) are final. <b>Once the trigger was
 * sent, every failure is final</b>: Jenkins has no idempotency key, and a retried job would queue a
 * second build. (A trigger that got no answer may have queued a build, so it is final too; transient
 * errors while polling are ridden out a few times in a row.)
 *
 * <p>Idempotency: with {@code idempotencyParameter: true} the job's idempotency key is sent as the
 * build parameter {@code SWITCHBOARD_IDEMPOTENCY_KEY}, for a pipeline that wants to recognise a
 * repeated request. The job should declare that parameter: depending on the Jenkins version and its
 * {@code hudson.model.ParametersAction} settings, parameters a job does not declare are dropped (with
 * a warning in Jenkins' log) or refused; off by default for that reason.
 *
 * <p>Stop ({@link ActionContext#stop()}: timeout, cancellation, lost lease): the request in flight and
 * the polling are cancelled at once; a build still in the queue is cancelled with
 * {@code POST /queue/cancelItem?id=<id>}, a running one is stopped with {@code POST <build>/stop}
 * (with the crumb); the answer says whether that worked.
 *
 * <p>Secrets: the user and token are redacted by {@code JobSecrets}; the Basic authorization value,
 * crumb and session cookie are replaced here before the answer leaves the action.
 */
public final class JenkinsAction implements Action {

  public static final String TYPE = "jenkins";

  private final JenkinsSettings settings;
  private final ActionHttpClient clients;

  public JenkinsAction(JenkinsSettings settings) {
    this.settings = settings;
    this.clients = new ActionHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis())));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    BuildRequest request;
    try {
      request = BuildRequest.parse(context.arguments() == null ? new JsonObject()
          : context.arguments(), context.idempotencyKey());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(ActionResult.failure("jenkins: " + e.getMessage()));
    }
    if (context.stop().isComplete()) {
      return Future.succeededFuture(ActionResult.failure("jenkins: " + request.job() + ": stopped before the build "
          + "was triggered: " + context.stop().result()));
    }
    return context.secrets().get(request.userSecret())
        .compose(user -> context.secrets().get(request.tokenSecret()).map(token -> new String[] {user, token}))
        .transform(secrets -> secrets.failed() ? Future.succeededFuture(secretFailure(secrets.cause()))
            : new BuildFollower(context, settings, request, new JenkinsSession(clients.on(context.vertx()),
                settings.requestTimeout(), secrets.result()[0], secrets.result()[1])).start());
  }

  private static ActionResult secretFailure(Throwable e) {
    String message = "jenkins: " + e.getMessage();
    return e instanceof SecretStoreException store && store.reason() == SecretStoreException.Reason.UNAVAILABLE
        ? ActionResult.retryableFailure(message) : ActionResult.failure(message);
  }
}

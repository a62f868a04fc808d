package io.switchboard.deploy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.trace.Tracing;
import io.switchboard.executor.ExecutorVerticle;
import io.switchboard.executor.action.ActionRegistry;
import io.switchboard.executor.action.http.HttpAction;
import io.switchboard.executor.action.http.HttpActionSettings;
import io.switchboard.jobs.JobQueue;
import io.switchboard.jobs.QueueSettings;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.LoopbackHttpServer;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.switchboard.testkit.trace.SpanRecorder;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace from a signed Slack command to its reply, across two Vert.x instances that share only the
 * database, as a gateway and an executor in two processes do: the request, its pipeline's I/O steps,
 * the enqueue, then, continued from the job row's trace parent, the executor's claim and run, the
 * action's outbound call (which carries the trace on) and the reply post.
 */
@DisplayName("Tracing: one trace from the chat request through the executor to the reply")
class DistributedTraceTest {

  private static final String SECRET = "trace-signing-secret";
  private static final String TOKEN = "sbt_trace_admin_token";
  /** What the chat platform (or anyone on the internet) sends: never a parent. */
  private static final String UNTRUSTED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final Vertx executorVertx = Vertx.vertx();
  private final List<String> hookTraceparents = new CopyOnWriteArrayList<>();
  private SpanRecorder spans;
  private SlackResponseUrlServer slack;
  private LoopbackHttpServer hook;
  private DatabaseUrl database;
  private Pool executorPool;
  private SwitchboardNode gateway;

  @BeforeEach
  void start() {
    spans = SpanRecorder.install();
    slack = SlackResponseUrlServer.start();
    hook = LoopbackHttpServer.start(Map.of("/hook", exchange -> {
      hookTraceparents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
      LoopbackHttpServer.respond(exchange, 200, LoopbackHttpServer.JSON, "{\"ok\":true}");
      exchange.close();
    }));
    database = TestDatabase.fresh();
    gateway = SwitchboardNode.start(config(), TestSecrets.SETTINGS, Role.GATEWAY);
    putPolicy();
    // The executor: its own Vert.x and pool, no event bus shared with the gateway; it finds the job by polling.
    executorPool = TestDatabase.pool(executorVertx, database);
    JobQueue queue = new JobQueue(executorPool, "trace-executor", QueueSettings.of(Duration.ofSeconds(30),
        Duration.ofSeconds(10)));
    ActionRegistry actions = new ActionRegistry(List.of(new HttpAction(
        new HttpActionSettings(List.of(), true, Duration.ofSeconds(10)))));
    Await.result(executorVertx.deployVerticle(new ExecutorVerticle(queue, actions,
        new LocalSecretStore(executorPool, MasterKey.generate()),
        new ExecutorVerticle.ExecutorSettings(2, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(5)),
        new SimpleMeterRegistry())));
  }

  @AfterEach
  void stop() {
    Await.result(executorVertx.close());
    gateway.close();
    hook.close();
    slack.close();
    spans.close();
  }

  @Test
  @DisplayName("request, policy, rate limit, enqueue, claim, run, outbound call and reply are one trace, each under its parent")
  void oneTraceAcrossGatewayAndExecutor() {
    HttpResponse<String> ack = SignedSlashCommand.of(SECRET, "T0DEMO", "ping", slack.responseUrl("trace"))
        .header("traceparent", UNTRUSTED).post(baseUrl());
    assertThat(ack.statusCode()).isEqualTo(200);
    Matcher queued = Pattern.compile("Queued as job (\\d+)").matcher(ack.body());
    assertThat(queued.find()).as(ack.body()).isTrue();
    long jobId = Long.parseLong(queued.group(1));

    Await.until("the result is posted and its span ended", () -> !slack.posts().isEmpty()
        && spans.first("reply.post", SpanKind.CLIENT).isPresent());

    SpanData request = spans.spans().stream()
        .filter(span -> span.getKind() == SpanKind.SERVER && span.getName().equals("POST /slack/commands"))
        .findFirst().orElseThrow(() -> new AssertionError("no request span in " + spans.spans()));
    String traceId = request.getTraceId();
    List<SpanData> trace = spans.trace(traceId);
    SpanData policy = named(trace, "policy.load");
    SpanData rateLimit = named(trace, "rate_limit.take");
    SpanData enqueue = named(trace, "job.enqueue");
    SpanData claim = named(trace, "job.claim");
    SpanData run = named(trace, "job.run");
    SpanData call = named(trace, "POST");
    SpanData reply = named(trace, "reply.post");

    assertThat(request.getParentSpanContext().isValid()).as("the request starts the trace").isFalse();
    assertThat(traceId).as("the incoming traceparent is not the parent").isNotEqualTo(UNTRUSTED.substring(3, 35));
    assertThat(request.getLinks()).as("it is only linked").singleElement()
        .satisfies(link -> assertThat(link.getSpanContext().getTraceId()).isEqualTo(UNTRUSTED.substring(3, 35)));
    assertThat(List.of(policy, rateLimit, enqueue)).allSatisfy(step ->
        assertThat(step.getParentSpanId()).as(step.getName()).isEqualTo(request.getSpanId()));
    assertThat(List.of(claim, run, reply)).allSatisfy(step ->
        assertThat(step.getParentSpanId()).as(step.getName()).isEqualTo(enqueue.getSpanId()));
    assertThat(call.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);

    // Sampled (01), and with SDK 1.68 the trace id's randomness flag (02) too.
    assertThat(hookTraceparents).singleElement().asString().matches("00-" + traceId + "-" + call.getSpanId() + "-0[13]");
    assertThat(Await.result(executorPool.query("SELECT trace_parent FROM jobs WHERE id = " + jobId).execute())
        .iterator().next().getString(0))
        .matches("00-" + traceId + "-" + enqueue.getSpanId() + "-0[13]");

    assertThat(request.getAttributes().get(Tracing.PLATFORM)).isEqualTo("slack");
    assertThat(request.getAttributes().get(Tracing.TENANT)).isEqualTo("demo");
    assertThat(request.getAttributes().get(Tracing.COMMAND)).isEqualTo("ping");
    assertThat(enqueue.getAttributes().get(Tracing.JOB_ID)).isEqualTo(jobId);
    assertThat(enqueue.getAttributes().get(Tracing.OUTCOME)).isEqualTo("queued");
    assertThat(run.getAttributes().get(Tracing.JOB_ID)).isEqualTo(jobId);
    assertThat(run.getAttributes().get(Tracing.OUTCOME)).isEqualTo("succeeded");
    assertThat(reply.getAttributes().get(Tracing.OUTCOME)).isEqualTo("sent");
    assertThat(SpanId.isValid(claim.getSpanId())).isTrue();
    assertThat(trace).allSatisfy(span -> assertThat(span.getAttributes().asMap().values().toString())
        .as("no span carries the command's arguments or the hook's address path").doesNotContain("/hook"));
  }

  private static SpanData named(List<SpanData> trace, String name) {
    List<SpanData> found = trace.stream().filter(span -> span.getName().equals(name)).toList();
    assertThat(found).as("spans named %s in %s", name, trace).hasSize(1);
    return found.get(0);
  }

  private void putPolicy() {
    JsonObject bucket = new JsonObject().put("burst", 100).put("perMinute", 1000);
    JsonObject ping = new JsonObject().put("name", "ping").put("description", "calls the hook").put("readOnly", true)
        .put("arguments", new JsonArray()).put("maxAttempts", 1).put("timeoutSeconds", 10)
        .put("action", new JsonObject().put("type", "http").put("parameters", new JsonObject()
            .put("method", "POST").put("url", hook.url() + "/hook").put("body", new JsonObject())));
    JsonObject policy = new JsonObject()
        .put("commands", new JsonArray().add(ping))
        .put("roles", new JsonArray().add(new JsonObject().put("name", "runner").put("description", "runs ping")
            .put("permissions", new JsonArray().add(new JsonObject().put("commands", new JsonArray().add("*"))))))
        .put("bindings", new JsonArray().add(new JsonObject().put("role", "runner")
            .put("subjects", new JsonArray().add("slack:user:U0USER"))))
        .put("rateLimits", new JsonObject().put("tenant", bucket).put("user", bucket).put("channel", bucket));
    HttpResponse<String> current = Http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/policy"))
        .header("Authorization", "Bearer " + TOKEN).build());
    HttpResponse<String> put = Http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/policy"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .header("If-Match", current.headers().firstValue("ETag").orElseThrow())
        .PUT(HttpRequest.BodyPublishers.ofString(policy.encode())).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + gateway.httpPort();
  }

  private SwitchboardConfig config() {
    Map<String, String> env = new HashMap<>(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_DEMO_TENANT", "true",
        "SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SECRET,
        "SWITCHBOARD_DEMO_ADMIN_TOKEN", TOKEN,
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix()));
    return SwitchboardConfig.fromEnv(env);
  }
}

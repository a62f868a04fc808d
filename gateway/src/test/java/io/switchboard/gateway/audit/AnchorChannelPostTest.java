package io.switchboard.gateway.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AuditAnchoring;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditKey;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.config.Notifications;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.notify.NotificationInbox;
import io.switchboard.gateway.notify.NotificationTargets;
import io.switchboard.gateway.slack.SlackBotTokens;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.switchboard.tenancy.policy.PolicyStore;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed audit anchors posted to the chat channel a tenant's policy names ({@code audit.anchorChannel}),
 * through the notification outbox and the gateway's sweep to the Slack stand-in: the tenant's channel
 * gets its anchor and no other tenant's; a head that did not move is not posted again; a channel in
 * another tenant's workspace is refused; the post itself writes no audit record. (A malformed
 * channel is refused by the policy API: {@code PolicyApiTest}.) The notification
 * clock moves by hand, and anchoring runs when the test says.
 */
@DisplayName("Audit anchors posted to a tenant's chat channel")
class AnchorChannelPostTest {

  private static final AuditKey KEY = AuditKey.of("anchor-channel-test-audit-key-32-bytes!!".getBytes(StandardCharsets.UTF_8));
  private static final String ACME_BOT = "xoxb-acme-anchors";
  private static final String GLOBEX_BOT = "xoxb-globex-anchors";
  private static final Duration GROUP_WAIT = Duration.ofSeconds(11);

  @TempDir
  Path dir;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T10:00:00Z"));
  private SlackApiStandIn slack;
  private GatewayFixture fixture;
  private SimpleMeterRegistry registry;
  private AnchorChannelPoster poster;
  private AuditAnchoring anchoring;
  private AuditAnchors anchors;

  @BeforeEach
  void start() {
    AuditKey.install(KEY);
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl(),
        "SWITCHBOARD_PACING_SLACK_MILLIS", "50", "SWITCHBOARD_AUDIT_ANCHOR_SECONDS", "3600"), clock);
    SlackBotTokens tokens = new SlackBotTokens(fixture.secrets());
    Await.result(tokens.store("acme", "T0ACME", ACME_BOT));
    Await.result(tokens.store("globex", "T0GLOBEX", GLOBEX_BOT));
    slack.acceptToken(ACME_BOT);
    slack.acceptToken(GLOBEX_BOT);
    registry = new SimpleMeterRegistry();
    poster = new AnchorChannelPoster(fixture.vertx(), fixture.pool(),
        tenant -> PolicyStore.load(fixture.pool(), tenant).map(p -> PolicyDocument.compile(p.document(), p.version())),
        new NotificationTargets(fixture.pool(), Map.of("slack", tokens::find)),
        new NotificationInbox(fixture.pool(), new Notifications(Notifications.DEFAULT_DEDUP_WINDOW,
            Notifications.DEFAULT_GROUP_WAIT), clock), registry, Clock.systemUTC());
    anchors = new AuditAnchors(dir.resolve("anchors.jsonl"), KEY);
    anchoring = new AuditAnchoring(fixture.vertx(), fixture.pool(), anchors, Duration.ofHours(1), Clock.systemUTC(),
        List.of(poster));
    Await.result(anchoring.anchorNow());
  }

  @AfterEach
  void stop() {
    fixture.close();
    slack.close();
    AuditKey.install(null);
  }

  @Test
  @DisplayName("each tenant's channel gets its own signed head once, with its own bot, and nothing of the other's")
  void postedToTheTenantsChannelOnly() throws Exception {
    fixture.putPolicy("acme", channelPolicy("T0ACME", "C0ANCHORS", 0));
    fixture.putPolicy("globex", channelPolicy("T0GLOBEX", "C0GLOBEX", 0));
    move("acme", 3);
    move("globex", 2);
    long acmeHead = head("acme");
    long globexHead = head("globex");

    assertThat(Await.result(anchoring.anchorNow())).isEqualTo(2);
    Await.until("both anchors are queued", () -> counted("queued") == 2);
    clock.advance(GROUP_WAIT);
    Await.until("both anchors are shown", () -> fixture.count("SELECT count(*) FROM notifications WHERE owed") == 0
        && posts("C0ANCHORS").size() == 1 && posts("C0GLOBEX").size() == 1);

    SlackApiStandIn.Call post = posts("C0ANCHORS").get(0);
    assertThat(post.token()).as("posted with acme's own bot").isEqualTo(ACME_BOT);
    assertThat(post.args().get("text")).contains("Audit chain anchored at record " + acmeHead);
    List<AuditAnchors.Anchor> acmeAnchors = anchors.read().of("acme");
    AuditAnchors.Anchor anchor = acmeAnchors.get(acmeAnchors.size() - 1);
    assertThat(anchor.seq()).isEqualTo(acmeHead);
    assertThat(post.args().get("blocks")).contains(anchor.hash(), anchor.signature(), anchors.signingKey().keyId(),
        "verify-export").doesNotContain("globex");
    assertThat(AnchorSigningKey.verify(anchors.signingKey().publicKeyHex(), anchor, anchor.signature())).isTrue();
    SlackApiStandIn.Call globexPost = posts("C0GLOBEX").get(0);
    assertThat(globexPost.token()).isEqualTo(GLOBEX_BOT);
    assertThat(globexPost.args().get("text")).contains("record " + globexHead);
    assertThat(globexPost.args().get("blocks")).doesNotContain("acme");
    assertThat(slack.calls("chat.postMessage")).hasSize(2);
    assertThat(head("acme")).as("posting the anchor wrote no audit record: the head did not move").isEqualTo(acmeHead);

    assertThat(Await.result(anchoring.anchorNow())).as("no head moved").isZero();
    assertThat(Await.result(poster.post(anchor, anchors.signingKey())))
        .as("the same head again, from another gateway's anchoring: already posted").isEqualTo("posted");
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE tenant_id = 'acme'")).isEqualTo(1);

    move("acme", 1);
    assertThat(Await.result(anchoring.anchorNow())).isEqualTo(1);
    Await.until("the moved head is queued", () -> counted("queued") == 3);
    clock.advance(GROUP_WAIT);
    Await.until("the second anchor is shown", () -> posts("C0ANCHORS").size() == 2);
    assertThat(posts("C0ANCHORS").get(1).args().get("text")).contains("record " + (acmeHead + 1));
    assertThat(fixture.auditTypes("acme")).doesNotContain("notification.posted", "notification.received");
  }

  @Test
  @DisplayName("posts are spaced by everyMinutes: a head that moved meanwhile waits, and is not posted at once")
  void spacedByEveryMinutes() {
    fixture.putPolicy("acme", channelPolicy("T0ACME", "C0ANCHORS", 60));
    move("acme", 1);
    Await.result(anchoring.anchorNow());
    Await.until("the first anchor is queued", () -> counted("queued") == 1);
    move("acme", 1);
    Await.result(anchoring.anchorNow());
    Await.until("the second waits for the spacing", () -> counted("waiting") == 1);
    assertThat(fixture.count("SELECT count(*) FROM notifications WHERE tenant_id = 'acme'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a channel in another tenant's workspace is refused, and nothing is posted there")
  void anotherTenantsWorkspaceIsRefused() {
    fixture.putPolicy("acme", channelPolicy("T0GLOBEX", "C0GLOBEX", 0));
    move("acme", 1);
    Await.result(anchoring.anchorNow());
    Await.until("the post is refused", () -> counted("refused") == 1);
    clock.advance(GROUP_WAIT);
    assertThat(fixture.count("SELECT count(*) FROM notifications")).isZero();
    assertThat(fixture.count("SELECT count(*) FROM audit_anchor_posts")).isZero();
  }

  private static JsonObject channelPolicy(String workspace, String channel, int everyMinutes) {
    return new JsonObject().put("audit", new JsonObject().put("anchorChannel", new JsonObject()
        .put("platform", "slack").put("workspace", workspace).put("channel", channel).put("everyMinutes", everyMinutes)));
  }

  private void move(String tenant, int records) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < records; i++) {
      chain = chain.compose(v -> fixture.pool().withTransaction(tx -> AuditLog.append(tx, AuditEvent.of(tenant,
          AuditEventType.COMMAND_RECEIVED, "U1", null, new JsonObject()))).mapEmpty());
    }
    Await.result(chain);
  }

  private long head(String tenant) {
    return fixture.count("SELECT seq FROM audit_chain_heads WHERE tenant_id = '" + tenant + "'");
  }

  private double counted(String outcome) {
    return registry.find("switchboard.audit.anchor.posts").tag("outcome", outcome).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private List<SlackApiStandIn.Call> posts(String channel) {
    return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.args().get("channel"))).toList();
  }
}

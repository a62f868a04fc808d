package io.switchboard.gateway.audit;

import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.audit.AuditKey;
import io.switchboard.testkit.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AnchorWebhook} when its webhook falls behind: while a post is unanswered, anchors beyond
 * {@link AnchorWebhook#MAX_PENDING} push out the oldest waiting ones, and the rest still go, in order.
 */
@DisplayName("AnchorWebhook: a full queue drops its oldest anchors and sends the rest in order")
class AnchorWebhookTest {

  private static final AnchorSigningKey KEY =
      AnchorSigningKey.derivedFrom(AuditKey.of("anchor-webhook-test-key-of-32-bytes!!!".getBytes()));
  private static final int OVER = 5;

  private Vertx vertx;
  /** The one event loop the webhook is used on, as the anchoring's own verticle would. */
  private Context context;
  private HttpServer server;
  /** The seqs of each post's anchors, in the order posts arrived. */
  private final List<List<Long>> posts = new CopyOnWriteArrayList<>();
  /** The first post, held unanswered until the test answers it. */
  private final Promise<HttpServerRequest> firstPost = Promise.promise();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    server = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      List<Long> seqs = new ArrayList<>();
      body.toJsonObject().getJsonArray("anchors").forEach(anchor -> seqs.add(((JsonObject) anchor).getLong("seq")));
      posts.add(seqs);
      if (posts.size() == 1) {
        firstPost.complete(request);
      } else {
        request.response().setStatusCode(204).end();
      }
    })).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("anchors beyond the queue's bound drop the oldest waiting, the one in flight included")
  void overflowDropsTheOldest() {
    AnchorWebhook webhook = new AnchorWebhook(vertx, WebClient.create(vertx),
        URI.create("http://127.0.0.1:" + server.actualPort() + "/anchors"));
    publish(webhook, 1, 1);
    HttpServerRequest unanswered = Await.result(firstPost.future());
    assertThat(posts).containsExactly(List.of(1L));

    publish(webhook, 2, AnchorWebhook.MAX_PENDING + OVER);
    unanswered.response().setStatusCode(204).end();

    long last = AnchorWebhook.MAX_PENDING + OVER;
    Await.until("the last anchor was posted", () -> !posts.isEmpty() && posts.get(posts.size() - 1).contains(last));
    List<Long> afterTheFirst = posts.subList(1, posts.size()).stream().flatMap(List::stream).toList();
    assertThat(afterTheFirst).as("the queue held its bound: anchors 1 (in flight) to %d were dropped", OVER)
        .hasSize(AnchorWebhook.MAX_PENDING)
        .isEqualTo(LongStream.rangeClosed(OVER + 1, last).boxed().toList());
    assertThat(posts.subList(1, posts.size())).allSatisfy(post -> assertThat(post).hasSizeLessThanOrEqualTo(AnchorWebhook.BATCH));
  }

  /** Publishes anchors {@code first} to {@code last} of one tenant on the webhook's event loop. */
  private void publish(AnchorWebhook webhook, long first, long last) {
    List<AuditAnchors.Anchor> anchors = LongStream.rangeClosed(first, last)
        .mapToObj(seq -> new AuditAnchors.Anchor("acme", seq, "ab".repeat(32), Instant.parse("2026-12-05T10:00:00Z")))
        .toList();
    Promise<Void> published = Promise.promise();
    context.runOnContext(v -> {
      webhook.publish(anchors, KEY);
      published.complete();
    });
    Await.result(published.future());
  }
}

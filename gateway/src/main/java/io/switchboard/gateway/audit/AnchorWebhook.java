package io.switchboard.gateway.audit;

import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AnchorSink;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.core.config.OutboundUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Posts each round of signed audit anchors to the operator's webhook
 * ({@code SWITCHBOARD_AUDIT_ANCHOR_WEBHOOK_URL}) as {@code {"algorithm":"Ed25519","keyId",
 * "publicKey","anchors":[...]}}, one batch in flight at a time, in order. A batch that is not
 * answered 2xx is sent again after a back-off (1 s doubling to a minute) until it is; up to
 * {@value #MAX_PENDING} anchors wait meanwhile, and beyond that the oldest are dropped with a warning
 * (they stay in the anchor file and the log). Anchors still waiting when the node stops are not sent.
 */
public final class AnchorWebhook implements AnchorSink {

  static final int MAX_PENDING = 10_000;
  static final int BATCH = 500;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);
  private static final long TIMEOUT_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(AnchorWebhook.class);

  private final Vertx vertx;
  private final WebClient http;
  private final URI url;
  private final Duration firstBackoff;
  private final Deque<AuditAnchors.Anchor> pending = new ArrayDeque<>();
  private AnchorSigningKey key;
  private Duration backoff;
  private boolean sending;
  private boolean stopped;
  private long retryTimer = -1;

  public AnchorWebhook(Vertx vertx, WebClient http, URI url) {
    this(vertx, http, url, FIRST_BACKOFF);
  }

  AnchorWebhook(Vertx vertx, WebClient http, URI url, Duration firstBackoff) {
    this.vertx = vertx;
    this.http = http;
    this.url = url;
    this.firstBackoff = firstBackoff;
    this.backoff = firstBackoff;
  }

  @Override
  public void publish(List<AuditAnchors.Anchor> anchors, AnchorSigningKey signingKey) {
    if (stopped) {
      return;
    }
    key = signingKey;
    pending.addAll(anchors);
    int dropped = 0;
    while (pending.size() > MAX_PENDING) {
      pending.removeFirst();
      dropped++;
    }
    if (dropped > 0) {
      LOG.warn("The audit anchor webhook {} is behind: dropped its {} oldest unsent anchors (they are in the anchor "
          + "file and the log)", OutboundUrl.forDisplay(url), dropped);
    }
    sendNext();
  }

  /** Stops sending; what waits stays unsent. */
  public void stop() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
  }

  private void sendNext() {
    if (sending || stopped || pending.isEmpty() || retryTimer >= 0) {
      return;
    }
    sending = true;
    List<AuditAnchors.Anchor> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
    JsonArray lines = new JsonArray();
    for (AuditAnchors.Anchor anchor : pending) {
      if (batch.size() == BATCH) {
        break;
      }
      batch.add(anchor);
      lines.add(anchor.toJson(key.keyId()));
    }
    JsonObject body = new JsonObject().put("algorithm", "Ed25519").put("keyId", key.keyId())
        .put("publicKey", key.publicKeyHex()).put("anchors", lines);
    http.postAbs(url.toString()).timeout(TIMEOUT_MILLIS).sendJsonObject(body).onComplete(ar -> {
      sending = false;
      if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
        for (AuditAnchors.Anchor sent : batch) {
          if (pending.peekFirst() == sent) {
            pending.removeFirst();
          }
        }
        backoff = firstBackoff;
        sendNext();
        return;
      }
      String why = ar.succeeded() ? "HTTP " + ar.result().statusCode() : ar.cause().toString();
      LOG.warn("Posting {} audit anchors to {} failed ({}); retrying in {} ms", batch.size(),
          OutboundUrl.forDisplay(url), why, backoff.toMillis());
      if (!stopped) {
        retryTimer = vertx.setTimer(backoff.toMillis(), id -> {
          retryTimer = -1;
          sendNext();
        });
      }
      backoff = backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2);
    });
  }
}

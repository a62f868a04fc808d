package io.switchboard.gateway.reply;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.jobs.ReplyOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Answers to chat commands that are not a job's message (refusals, built-ins' answers, approval
 * cards, notices) on platforms that get them after the request was acknowledged: each is stored in
 * {@code answer_outbox} before it is first sent, and one the platform did not take (unreachable,
 * still rate-limited after the client's own retries, a 5xx) is sent again with back-off (2, 4, 8,
 * 16 s) by the sweep of whichever gateway gets to it first, at most {@link #MAX_ATTEMPTS} times and
 * within {@link #WINDOW}. Delivery is at least once: an answer sent whose success could not be
 * recorded is sent again. Each platform registers how it sends its kind of {@code reply_to}.
 */
public final class AnswerOutbox {

  public static final int MAX_ATTEMPTS = 5;
  /** An answer older than this is no use to anyone; it is no longer sent. */
  public static final Duration WINDOW = Duration.ofMinutes(30);
  private static final Duration CLAIM = Duration.ofSeconds(30);
  private static final int SWEEP_BATCH = 50;
  private static final Logger LOG = LoggerFactory.getLogger(AnswerOutbox.class);

  /** The columns an owed answer is read from; named, not {@code *}, as prepared statements are cached. */
  private static final String COLUMNS = "tenant_id, id, platform, kind, reply_to, user_id, ephemeral, body, attempts";

  private static final String STORE = """
      INSERT INTO answer_outbox (tenant_id, platform, kind, reply_to, user_id, ephemeral, body, due_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8 * interval '1 millisecond')
      RETURNING {columns}""".replace("{columns}", COLUMNS);

  private static final String CLAIM_DUE = """
      UPDATE answer_outbox o SET attempts = o.attempts + 1, due_at = now() + $1 * interval '1 millisecond'
      FROM (SELECT tenant_id, id FROM answer_outbox
            WHERE delivered_at IS NULL AND attempts < $2 AND due_at <= now()
              AND created_at > now() - $3 * interval '1 millisecond'
            ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
      WHERE o.tenant_id = due.tenant_id AND o.id = due.id
      RETURNING {columns}""".replace("{columns}",
      Arrays.stream(COLUMNS.split(", ")).map(column -> "o." + column).collect(Collectors.joining(", ")));

  private static final String DELIVERED = "UPDATE answer_outbox SET delivered_at = now() WHERE tenant_id = $1 AND id = $2";

  private static final String RETRY_LATER = """
      UPDATE answer_outbox SET due_at = now() + $3 * interval '1 millisecond', last_error = $4
      WHERE tenant_id = $1 AND id = $2""";

  private static final String GIVE_UP = """
      UPDATE answer_outbox SET attempts = greatest(attempts, $3), last_error = $4 WHERE tenant_id = $1 AND id = $2""";

  /** A delivery's failure that no retry can mend (e.g. the interaction token expired): the answer is given up. */
  public static final class Undeliverable extends RuntimeException {
    public Undeliverable(String message) {
      super(message);
    }
  }

  /** How a platform sends one kind of answer. */
  @FunctionalInterface
  public interface Delivery {
    Future<Void> send(OwedAnswer answer);
  }

  /**
   * One answer owed: where it goes ({@code replyTo} of {@code kind}), to whom, whether only that user
   * should see it, and the platform's message body.
   */
  public record OwedAnswer(String tenantId, long id, String platform, String kind, JsonObject replyTo, String userId,
                           boolean ephemeral, JsonObject body, int attempt) {

    static OwedAnswer fromRow(Row row) {
      return new OwedAnswer(row.getString("tenant_id"), row.getLong("id"), row.getString("platform"),
          row.getString("kind"), (JsonObject) row.getValue("reply_to"), row.getString("user_id"),
          row.getBoolean("ephemeral"), (JsonObject) row.getValue("body"), row.getInteger("attempts"));
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final GatewayMetrics metrics;
  private final Duration sweepInterval;
  private final Map<String, Delivery> deliveries = new HashMap<>();

  public AnswerOutbox(Vertx vertx, Pool pool, GatewayMetrics metrics, Duration sweepInterval) {
    this.vertx = vertx;
    this.pool = pool;
    this.metrics = metrics;
    this.sweepInterval = sweepInterval;
  }

  /** How answers whose {@code reply_to.kind} is {@code kind} are sent. */
  public AnswerOutbox register(String kind, Delivery delivery) {
    deliveries.put(kind, delivery);
    return this;
  }

  /** Starts the sweep; Vert.x cancels its timer when the verticle that called this is undeployed. */
  public void start() {
    vertx.setPeriodic(sweepInterval.toMillis(), id -> sweep()
        .onFailure(e -> LOG.warn("Sweeping owed chat answers failed: {}", e.toString())));
  }

  /**
   * Stores the answer and makes the first attempt to send it. Fails only when the answer could not
   * be stored; a failed send is retried later.
   */
  public Future<Void> send(String tenantId, String platform, JsonObject replyTo, String userId, boolean ephemeral,
                           JsonObject body) {
    String kind = replyTo.getString("kind");
    if (!deliveries.containsKey(kind)) {
      return Future.failedFuture(new IllegalArgumentException("no delivery for answers of kind " + kind));
    }
    return pool.preparedQuery(STORE).execute(Tuple.of(tenantId, platform, kind, replyTo, userId, ephemeral, body,
            CLAIM.toMillis()))
        .compose(rows -> attempt(OwedAnswer.fromRow(rows.iterator().next())));
  }

  /** Claims the answers that are due and sends them; the number claimed. */
  public Future<Integer> sweep() {
    return pool.preparedQuery(CLAIM_DUE).execute(Tuple.of(CLAIM.toMillis(), MAX_ATTEMPTS, WINDOW.toMillis(),
            SWEEP_BATCH))
        .compose(rows -> {
          List<Future<Void>> sends = new ArrayList<>();
          rows.forEach(row -> sends.add(attempt(OwedAnswer.fromRow(row))));
          return Future.join(sends).map(all -> rows.size());
        });
  }

  private Future<Void> attempt(OwedAnswer answer) {
    Delivery delivery = deliveries.get(answer.kind());
    Future<Void> sent;
    try {
      sent = delivery == null
          ? Future.failedFuture(new IllegalStateException("no delivery for answers of kind " + answer.kind()))
          : delivery.send(answer);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent.transform(ar -> ar.succeeded() ? delivered(answer) : failed(answer, ar.cause()));
  }

  private Future<Void> delivered(OwedAnswer answer) {
    metrics.answer(answer.platform(), "sent");
    return pool.preparedQuery(DELIVERED).execute(Tuple.of(answer.tenantId(), answer.id())).mapEmpty();
  }

  private Future<Void> failed(OwedAnswer answer, Throwable cause) {
    if (cause instanceof Undeliverable) {
      metrics.answer(answer.platform(), "abandoned");
      LOG.warn("Answer {} of tenant {} in {} cannot be delivered: {}", answer.id(), answer.tenantId(),
          answer.platform(), cause.getMessage());
      return pool.preparedQuery(GIVE_UP).execute(Tuple.of(answer.tenantId(), answer.id(), MAX_ATTEMPTS,
          cause.getMessage())).mapEmpty();
    }
    if (answer.attempt() >= MAX_ATTEMPTS) {
      metrics.answer(answer.platform(), "abandoned");
      LOG.warn("Giving up on answer {} of tenant {} in {} after {} attempts: {}", answer.id(), answer.tenantId(),
          answer.platform(), answer.attempt(), cause.toString());
    } else {
      metrics.answer(answer.platform(), "retry");
      LOG.info("Answer {} of tenant {} in {} not taken (attempt {}), retrying: {}", answer.id(), answer.tenantId(),
          answer.platform(), answer.attempt(), cause.toString());
    }
    long delay = ReplyOutbox.retryDelay(answer.attempt()).toMillis();
    return pool.preparedQuery(RETRY_LATER).execute(Tuple.of(answer.tenantId(), answer.id(), delay,
        String.valueOf(cause.getMessage()))).mapEmpty();
  }
}

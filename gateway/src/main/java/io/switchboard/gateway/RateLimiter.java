package io.switchboard.gateway;

import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.RateLimits;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.List;

/**
 * Token buckets per tenant, per user and per channel, kept in PostgreSQL ({@code rate_buckets}) so
 * that every gateway node draws from the same buckets: limits hold exactly however many nodes run,
 * and a node that restarts forgets nothing. The buckets are keyed by tenant, so one tenant's flood
 * only ever waits on its own rows.
 *
 * <p>A command costs one statement ({@link #TAKE}): it locks the request's three buckets in a fixed
 * order (tenant, user, channel, so concurrent commands never deadlock), refills each by the time
 * passed, and takes a token from each only when all three have one. The rows stay locked for that
 * one statement, not across client round trips. A bucket used for the first time is created full by
 * a second statement first ({@link #CREATE}).
 */
public final class RateLimiter {

  /** The answer: allowed, or refused with the bucket that ran dry and how long until it has a token. */
  public record Verdict(boolean allowed, String scope, RateLimits.Bucket limit, Duration retryAfter) {

    static final Verdict ALLOWED = new Verdict(true, "", null, Duration.ZERO);

    /** A refusal fit to show the user. */
    public String message() {
      long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      return "Too many commands " + switch (scope) {
        case "tenant" -> "from this workspace";
        case "user" -> "from you";
        default -> "in this channel";
      } + ": the limit is " + limit.burst() + " at once and " + limit.perMinute() + " a minute. Try again in "
          + seconds + " s.";
    }
  }

  /**
   * $1 tenant, $2 bucket keys in locking order, $3 their bursts, $4 their refills a minute. Answers
   * one row per bucket found, with its tokens after the refill (before the take) and whether all
   * buckets were found and all had a token; when both, the token was taken from each.
   */
  private static final String TAKE = """
      WITH wanted AS (
        SELECT * FROM unnest($2::text[], $3::float8[], $4::float8[]) WITH ORDINALITY AS w(bucket, burst, per_minute, turn)
      ), refilled AS (
        SELECT b.bucket, now.at,
               least(w.burst, b.tokens + greatest(0, extract(epoch FROM now.at - b.refilled_at)) * w.per_minute / 60)
                 AS tokens
        FROM rate_buckets b JOIN wanted w ON w.bucket = b.bucket CROSS JOIN LATERAL (SELECT clock_timestamp() AS at) now
        WHERE b.tenant_id = $1 AND b.bucket = ANY($2)
        ORDER BY w.turn
        FOR UPDATE OF b
      ), verdict AS (
        SELECT count(*) = cardinality($2::text[]) AS complete, coalesce(bool_and(tokens >= 1), false) AS allowed
        FROM refilled
      ), taken AS (
        UPDATE rate_buckets b
        SET tokens = r.tokens - CASE WHEN v.allowed THEN 1 ELSE 0 END,
            refilled_at = greatest(b.refilled_at, r.at)
        FROM refilled r, verdict v
        WHERE b.tenant_id = $1 AND b.bucket = r.bucket AND v.complete
        RETURNING b.bucket
      )
      SELECT r.bucket, r.tokens, v.complete, v.allowed FROM verdict v LEFT JOIN refilled r ON true""";

  /** Creates the request's buckets that do not exist yet, full. */
  private static final String CREATE = """
      INSERT INTO rate_buckets (tenant_id, bucket, tokens, refilled_at)
      SELECT $1, bucket, burst, clock_timestamp() FROM unnest($2::text[], $3::float8[]) AS w(bucket, burst)
      ON CONFLICT (tenant_id, bucket) DO NOTHING""";

  private final Pool pool;

  public RateLimiter(Pool pool) {
    this.pool = pool;
  }

  /** Takes one token from each of the request's three buckets, or none when any is empty. */
  public Future<Verdict> take(CommandRequest request, RateLimits limits) {
    List<Scoped> buckets = List.of(
        new Scoped("tenant", "tenant", limits.tenant()),
        new Scoped("user", "user:" + request.platform() + ":" + request.userId(), limits.user()),
        new Scoped("channel", "channel:" + request.platform() + ":" + request.channelId(), limits.channel()));
    Tuple take = Tuple.tuple().addString(request.tenantId())
        .addArrayOfString(buckets.stream().map(Scoped::key).toArray(String[]::new))
        .addArrayOfDouble(buckets.stream().map(b -> (double) b.limit().burst()).toArray(Double[]::new))
        .addArrayOfDouble(buckets.stream().map(b -> (double) b.limit().perMinute()).toArray(Double[]::new));
    return pool.preparedQuery(TAKE).execute(take).compose(rows -> {
      if (!rows.iterator().next().getBoolean("complete")) {
        Tuple create = Tuple.tuple().addString(request.tenantId()).addArrayOfString(take.getArrayOfStrings(1))
            .addArrayOfDouble(take.getArrayOfDoubles(2));
        return pool.preparedQuery(CREATE).execute(create)
            .compose(created -> pool.preparedQuery(TAKE).execute(take))
            .map(again -> verdict(again, buckets));
      }
      return Future.succeededFuture(verdict(rows, buckets));
    });
  }

  /** Allowed, or the refusal of the dry bucket with the longest wait. */
  private static Verdict verdict(RowSet<Row> rows, List<Scoped> buckets) {
    Row first = rows.iterator().next();
    if (!first.getBoolean("complete")) {
      throw new IllegalStateException("rate buckets vanished while a command was taking a token");
    }
    if (first.getBoolean("allowed")) {
      return Verdict.ALLOWED;
    }
    Verdict worst = null;
    for (Row row : rows) {
      double tokens = row.getDouble("tokens");
      if (tokens >= 1) {
        continue;
      }
      Scoped bucket = buckets.stream().filter(b -> b.key().equals(row.getString("bucket"))).findFirst().orElseThrow();
      Duration wait = Duration.ofMillis((long) Math.ceil((1 - tokens) * 60_000 / bucket.limit().perMinute()));
      if (worst == null || wait.compareTo(worst.retryAfter()) > 0) {
        worst = new Verdict(false, bucket.scope(), bucket.limit(), wait);
      }
    }
    return worst;
  }

  private record Scoped(String scope, String key, RateLimits.Bucket limit) {
  }
}

package io.switchboard.gateway;

import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.RateLimits;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Token buckets per tenant, per user and per channel, kept in PostgreSQL ({@code rate_buckets}) so
 * that every gateway node draws from the same buckets: limits hold exactly however many nodes run,
 * and a node that restarts forgets nothing. A command costs one round trip transaction, which is
 * small next to the job insert it guards; the buckets are keyed by tenant, so one tenant's flood
 * only ever waits on its own rows.
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

  private static final String REFILL = """
      INSERT INTO rate_buckets AS b (tenant_id, bucket, tokens, refilled_at) VALUES ($1, $2, $3, clock_timestamp())
      ON CONFLICT (tenant_id, bucket) DO UPDATE
        SET tokens = least($3::float8,
                           b.tokens + greatest(0, extract(epoch FROM clock_timestamp() - b.refilled_at)) * $4::float8 / 60),
            refilled_at = greatest(b.refilled_at, clock_timestamp())
      RETURNING tokens""";

  private static final String TAKE =
      "UPDATE rate_buckets SET tokens = tokens - 1 WHERE tenant_id = $1 AND bucket = ANY($2)";

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
    return pool.withTransaction(tx -> refill(tx, request.tenantId(), buckets, 0, Optional.empty()).compose(dry -> {
      if (dry.isPresent()) {
        return Future.succeededFuture(dry.get());
      }
      String[] keys = buckets.stream().map(Scoped::key).toArray(String[]::new);
      return tx.preparedQuery(TAKE).execute(Tuple.tuple().addString(request.tenantId()).addArrayOfString(keys))
          .map(rows -> Verdict.ALLOWED);
    }));
  }

  /** Refills and locks the buckets in order; the refusal with the longest wait, if any ran dry. */
  private static Future<Optional<Verdict>> refill(SqlClient tx, String tenantId, List<Scoped> buckets, int index,
                                                  Optional<Verdict> dry) {
    if (index == buckets.size()) {
      return Future.succeededFuture(dry);
    }
    Scoped bucket = buckets.get(index);
    return tx.preparedQuery(REFILL)
        .execute(Tuple.of(tenantId, bucket.key(), (double) bucket.limit().burst(), (double) bucket.limit().perMinute()))
        .compose(rows -> {
          double tokens = rows.iterator().next().getDouble("tokens");
          Optional<Verdict> worst = dry;
          if (tokens < 1) {
            Duration wait = Duration.ofMillis((long) Math.ceil((1 - tokens) * 60_000 / bucket.limit().perMinute()));
            if (worst.isEmpty() || wait.compareTo(worst.get().retryAfter()) > 0) {
              worst = Optional.of(new Verdict(false, bucket.scope(), bucket.limit(), wait));
            }
          }
          return refill(tx, tenantId, buckets, index + 1, worst);
        });
  }

  private record Scoped(String scope, String key, RateLimits.Bucket limit) {
  }
}

package io.switchboard.gateway;

import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.RateLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token buckets per tenant, per user and per channel. The buckets live in PostgreSQL
 * ({@code rate_buckets}), so every gateway node draws from the same ones and a restart forgets
 * nothing. A node takes tokens from them in leases and spends them from memory, so a command costs no
 * statement while its node holds tokens for it. The buckets are keyed by tenant, so one tenant's
 * flood only ever waits on its own rows.
 *
 * <p><b>Leases.</b> When a command finds one of its buckets without a leased token on this node, the
 * node leases tokens for every such bucket in one statement ({@link #LEASE}): it locks them in a fixed
 * order (tenant, user, channel, so nodes never deadlock), refills each by the time passed and, only
 * when every one has a token, takes from each as many as the node wants (at least one). A lease starts
 * at one token and doubles while a bucket keeps running out within {@link #LEASE_TTL}, up to an
 * eighth of the bucket's burst and at most {@link #MAX_LEASE}; tokens unspent after {@link #LEASE_TTL}
 * are dropped. Commands that need a bucket whose lease is in flight wait for it instead of leasing
 * again, so a node holds at most one lease's worth of a bucket.
 *
 * <p><b>Bounds.</b> Every token a node spends was taken from the shared bucket first, so N nodes
 * together never admit more than the limit. They may admit less: each node can hold up to its lease
 * size of a bucket unspent, and drops what it has not spent after {@link #LEASE_TTL}; buckets with a
 * burst under 16 lease one token at a time and are exact.
 *
 * <p><b>Refusals.</b> When a lease finds a bucket empty, the node remembers until when it stays empty
 * (its refill rate says when the next token is due; no node can make one appear sooner) and refuses
 * the commands that need it from memory until then.
 */
public final class RateLimiter {

  /** How long a leased token may wait to be spent on this node, and how long a lease's size keeps growing. */
  public static final Duration LEASE_TTL = Duration.ofSeconds(1);

  /** The most tokens one lease takes from one bucket. */
  public static final int MAX_LEASE = 64;

  /** Local buckets unused for this long are forgotten. */
  private static final long FORGET_AFTER_MS = Duration.ofMinutes(2).toMillis();

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

  /** Ids longer than this are hashed in bucket keys (Slack's are about 11 characters, Teams' about 100). */
  static final int LONGEST_ID_IN_KEY = 256;

  /**
   * $1 tenant, $2 bucket keys in locking order, $3 their bursts, $4 their refills a minute, $5 how
   * many tokens the node wants from each. Answers one row per bucket found, in the order of $2, with
   * its position in $2 ({@code turn}, from 1), its tokens after the refill (before the take), how many
   * it grants, and whether all buckets were found and all had a token; when both, the grants were
   * taken. Rows name their bucket by position, never by key text: the driver may send a key's text
   * altered (a lone surrogate becomes {@code ?}), so the text that comes back need not equal the
   * text asked for.
   */
  private static final String LEASE = """
      WITH wanted AS (
        SELECT * FROM unnest($2::text[], $3::float8[], $4::float8[], $5::int[])
                 WITH ORDINALITY AS w(bucket, burst, per_minute, want, turn)
      ), refilled AS (
        SELECT b.bucket, w.turn, now.at, w.want,
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
        SET tokens = r.tokens - CASE WHEN v.allowed THEN least(r.want, floor(r.tokens)) ELSE 0 END,
            refilled_at = greatest(b.refilled_at, r.at)
        FROM refilled r, verdict v
        WHERE b.tenant_id = $1 AND b.bucket = r.bucket AND v.complete
        RETURNING b.bucket
      )
      SELECT r.turn::int AS turn, r.tokens, CASE WHEN v.allowed THEN least(r.want, floor(r.tokens)) ELSE 0 END::int AS granted,
             v.complete, v.allowed
      FROM verdict v LEFT JOIN refilled r ON true
      ORDER BY r.turn""";

  /** Creates the request's buckets that do not exist yet, full. */
  private static final String CREATE = """
      INSERT INTO rate_buckets (tenant_id, bucket, tokens, refilled_at)
      SELECT $1, bucket, burst, clock_timestamp() FROM unnest($2::text[], $3::float8[]) AS w(bucket, burst)
      ON CONFLICT (tenant_id, bucket) DO NOTHING""";

  private final Pool pool;
  private final Clock clock;
  private final Map<BucketKey, Local> local = new HashMap<>();
  private long takesSinceSweep;

  public RateLimiter(Pool pool) {
    this(pool, Clock.systemUTC());
  }

  /** @param clock the clock of leases and remembered refusals (tests move it) */
  public RateLimiter(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Takes one token from each of the request's three buckets, or none when any is empty. */
  public Future<Verdict> take(CommandRequest request, RateLimits limits) {
    List<Scoped> buckets = List.of(
        new Scoped("tenant", "tenant", limits.tenant()),
        new Scoped("user", bucketKey("user:" + request.platform() + ":", request.userId()), limits.user()),
        new Scoped("channel", bucketKey("channel:" + request.platform() + ":", request.channelId()), limits.channel()));
    return take(request.tenantId(), buckets);
  }

  /** From memory when it can; otherwise after waiting for a lease in flight, or after leasing. */
  private Future<Verdict> take(String tenantId, List<Scoped> buckets) {
    long now = clock.millis();
    List<Scoped> lacking = new ArrayList<>();
    Future<Void> inFlight = null;
    Promise<Void> leasing;
    List<Local> locals = new ArrayList<>(buckets.size());
    synchronized (local) {
      sweepNow(now);
      Verdict dry = null;
      for (Scoped bucket : buckets) {
        Local held = local.computeIfAbsent(new BucketKey(tenantId, bucket.key()), k -> new Local());
        held.usedAt = now;
        held.limitIs(bucket.limit());
        locals.add(held);
        if (held.hasToken(now)) {
          continue;
        }
        if (held.dryUntil > now) {
          Verdict refusal = new Verdict(false, bucket.scope(), bucket.limit(), Duration.ofMillis(held.dryUntil - now));
          dry = dry == null || refusal.retryAfter().compareTo(dry.retryAfter()) > 0 ? refusal : dry;
        }
        lacking.add(bucket);
        if (held.leasing != null && inFlight == null) {
          inFlight = held.leasing;
        }
      }
      if (dry != null) {
        return Future.succeededFuture(dry);
      }
      if (lacking.isEmpty()) {
        locals.forEach(held -> held.tokens--);
        return Future.succeededFuture(Verdict.ALLOWED);
      }
      if (inFlight != null) {
        return inFlight.transform(done -> take(tenantId, buckets));
      }
      leasing = Promise.promise();
      for (Scoped bucket : lacking) {
        Local held = local.get(new BucketKey(tenantId, bucket.key()));
        held.leasing = leasing.future();
        held.nextLeaseSize(now, bucket.limit());
      }
    }
    return lease(tenantId, lacking).transform(leased -> {
      synchronized (local) {
        for (Scoped bucket : lacking) {
          Local held = local.computeIfAbsent(new BucketKey(tenantId, bucket.key()), k -> new Local());
          if (held.leasing == leasing.future()) {
            held.leasing = null;
          }
        }
      }
      // The leaser spends first, then the commands that waited for its lease try again.
      Future<Verdict> verdict = leased.failed() ? Future.failedFuture(leased.cause())
          : leased.result().map(Future::succeededFuture).orElseGet(() -> take(tenantId, buckets));
      leasing.complete();
      return verdict;
    });
  }

  /**
   * Leases tokens for the buckets in one statement (creating the ones used for the first time) and
   * keeps them, or remembers the dry ones.
   *
   * @return the refusal when a bucket was dry; empty when every bucket granted tokens
   */
  private Future<Optional<Verdict>> lease(String tenantId, List<Scoped> buckets) {
    Tuple lease = Tuple.tuple().addString(tenantId)
        .addArrayOfString(buckets.stream().map(Scoped::key).toArray(String[]::new))
        .addArrayOfDouble(buckets.stream().map(b -> (double) b.limit().burst()).toArray(Double[]::new))
        .addArrayOfDouble(buckets.stream().map(b -> (double) b.limit().perMinute()).toArray(Double[]::new))
        .addArrayOfInteger(buckets.stream().map(b -> wanted(tenantId, b)).toArray(Integer[]::new));
    return pool.preparedQuery(LEASE).execute(lease).compose(rows -> {
      if (!rows.iterator().next().getBoolean("complete")) {
        Tuple create = Tuple.tuple().addString(tenantId).addArrayOfString(lease.getArrayOfStrings(1))
            .addArrayOfDouble(lease.getArrayOfDoubles(2));
        return pool.preparedQuery(CREATE).execute(create)
            .compose(created -> pool.preparedQuery(LEASE).execute(lease))
            .map(again -> keep(tenantId, again, buckets));
      }
      return Future.succeededFuture(keep(tenantId, rows, buckets));
    });
  }

  private int wanted(String tenantId, Scoped bucket) {
    synchronized (local) {
      return local.get(new BucketKey(tenantId, bucket.key())).leaseSize;
    }
  }

  private Optional<Verdict> keep(String tenantId, RowSet<Row> rows, List<Scoped> buckets) {
    Row first = rows.iterator().next();
    if (!first.getBoolean("complete")) {
      throw new IllegalStateException("rate buckets vanished while a node was leasing tokens");
    }
    long now = clock.millis();
    Verdict worst = null;
    synchronized (local) {
      for (Row row : rows) {
        Scoped bucket = buckets.get(row.getInteger("turn") - 1);
        Local held = local.computeIfAbsent(new BucketKey(tenantId, bucket.key()), k -> new Local());
        int granted = row.getInteger("granted");
        if (granted > 0) {
          held.tokens = (held.hasToken(now) ? held.tokens : 0) + granted;
          held.expiresAt = now + LEASE_TTL.toMillis();
          continue;
        }
        double tokens = row.getDouble("tokens");
        if (tokens >= 1) {
          continue;
        }
        long wait = (long) Math.ceil((1 - tokens) * 60_000 / bucket.limit().perMinute());
        held.dryUntil = now + wait;
        if (worst == null || wait > worst.retryAfter().toMillis()) {
          worst = new Verdict(false, bucket.scope(), bucket.limit(), Duration.ofMillis(wait));
        }
      }
    }
    return first.getBoolean("allowed") ? Optional.empty() : Optional.of(worst);
  }

  /** Forgets, now and then, local buckets nobody used for a while (their leases long expired). */
  private void sweepNow(long now) {
    if (++takesSinceSweep < 4096) {
      return;
    }
    takesSinceSweep = 0;
    for (Iterator<Local> it = local.values().iterator(); it.hasNext(); ) {
      Local held = it.next();
      if (held.leasing == null && now - held.usedAt > FORGET_AFTER_MS && held.dryUntil <= now) {
        it.remove();
      }
    }
  }

  /**
   * A bucket's key: {@code prefix} and the id as they are, or, for an id longer than any platform's
   * ({@value #LONGEST_ID_IN_KEY} characters), {@code prefix} and the id's SHA-256: the key is part of
   * the buckets' primary key, and PostgreSQL refuses an index entry over 2704 bytes, so a signed
   * request with a huge user or channel id would otherwise fail with a 500.
   */
  static String bucketKey(String prefix, String id) {
    if (id.length() <= LONGEST_ID_IN_KEY) {
      return prefix + id;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return prefix + "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private record Scoped(String scope, String key, RateLimits.Bucket limit) {
  }

  private record BucketKey(String tenantId, String bucket) {
  }

  /** What this node holds of one shared bucket: leased tokens, until when it is known dry, its lease in flight. */
  private static final class Local {
    RateLimits.Bucket limit;
    int tokens;
    long expiresAt;
    long dryUntil;
    long usedAt;
    int leaseSize = 1;
    long lastLeaseAt = Long.MIN_VALUE / 2;
    Future<Void> leasing;

    /**
     * Forgets what was learnt under another limit, so a policy change takes effect at once: tokens
     * leased under a higher limit are not spent under a lower one, and a bucket known dry under a
     * lower limit is asked again under a higher one (the shared bucket refills by the new limit).
     */
    void limitIs(RateLimits.Bucket current) {
      if (!current.equals(limit)) {
        limit = current;
        tokens = 0;
        dryUntil = 0;
        leaseSize = 1;
      }
    }

    boolean hasToken(long now) {
      return tokens >= 1 && now < expiresAt;
    }

    /** Doubles the lease while the bucket keeps running out within a lease's life; back to one after a pause. */
    void nextLeaseSize(long now, RateLimits.Bucket limit) {
      int most = Math.max(1, Math.min(MAX_LEASE, limit.burst() / 8));
      leaseSize = now - lastLeaseAt < LEASE_TTL.toMillis() ? Math.min(most, leaseSize * 2) : 1;
      leaseSize = Math.min(leaseSize, most);
      lastLeaseAt = now;
    }
  }
}

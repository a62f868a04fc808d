package io.switchboard.tenancy.policy;

/**
 * How many commands may start, as token buckets: per tenant, per user and per channel. A bucket
 * holds at most {@code burst} tokens and gains {@code perMinute} tokens a minute; each command that
 * would become a job or an approval takes one token from each of its three buckets.
 */
public record RateLimits(Bucket tenant, Bucket user, Bucket channel) {

  /** Platform-wide defaults, used where a tenant's policy sets no limit. */
  public static final RateLimits DEFAULTS = new RateLimits(new Bucket(120, 600), new Bucket(10, 30), new Bucket(20, 60));

  /** One token bucket's size and refill rate. */
  public record Bucket(int burst, int perMinute) {

    public Bucket {
      if (burst < 1 || perMinute < 1) {
        throw new IllegalArgumentException("a rate limit's burst and perMinute are at least 1");
      }
    }
  }
}

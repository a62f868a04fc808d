package io.switchboard.jobs;

import java.time.Duration;

/**
 * How the queue leases and retries jobs.
 *
 * @param lease          the shortest lease a claim takes; a job whose timeout needs more gets its
 *                       timeout plus {@code leaseMargin}, so a lease always outlives its action
 * @param leaseMargin    what a lease adds on top of an action's timeout
 * @param defaultTimeout the action timeout of jobs that do not set their own
 * @param retryBase      the first retry's back-off; each later one doubles, up to {@code retryCap}
 * @param retryCap       the longest back-off between two attempts
 */
public record QueueSettings(Duration lease, Duration leaseMargin, Duration defaultTimeout, Duration retryBase,
                            Duration retryCap) {

  public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RETRY_CAP = Duration.ofMinutes(5);

  /**
   * Settings whose margin is what {@code lease} leaves over {@code defaultTimeout}, so jobs with the
   * default timeout get exactly {@code lease} and jobs with longer timeouts get as much more.
   */
  public static QueueSettings of(Duration lease, Duration defaultTimeout) {
    return new QueueSettings(lease, lease.minus(defaultTimeout), defaultTimeout, DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP);
  }

  /** The back-off before the attempt after {@code attempt}: exponential, with equal jitter. */
  public Duration backoffAfter(int attempt, double random) {
    long ceiling = Math.min(retryCap.toMillis(), retryBase.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(ceiling / 2 + (long) (random * (ceiling / 2.0)));
  }
}

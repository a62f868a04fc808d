package io.switchboard.core.job;

import java.time.Duration;
import java.util.Optional;

/**
 * How a job runs, as its command's catalog entry says: how long one attempt may take, how many
 * attempts a retryable failure may use, and the per-target lock it holds while it runs (e.g.
 * {@code production/api}: no two jobs of a tenant with the same lock run at once; the later waits).
 * Empty values mean the queue's defaults and no lock.
 */
public record JobRules(Optional<Duration> timeout, Optional<Integer> maxAttempts, Optional<String> lockKey) {

  public static final JobRules DEFAULTS = new JobRules(Optional.empty(), Optional.empty(), Optional.empty());
}

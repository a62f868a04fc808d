package io.switchboard.core.job;

import java.time.Duration;
import java.util.Optional;

/**
 * How a job runs, as its command's catalog entry says: how long one attempt may take, how many
 * attempts a retryable failure may use, and the targets it holds while it waits and runs (no two
 * jobs of a tenant whose {@link TargetLock}s overlap run at once; the later waits). Empty values mean
 * the queue's defaults and no lock.
 */
public record JobRules(Optional<Duration> timeout, Optional<Integer> maxAttempts, Optional<TargetLock> targetLock) {

  public static final JobRules DEFAULTS = new JobRules(Optional.empty(), Optional.empty(), Optional.empty());
}

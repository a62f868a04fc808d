package io.switchboard.jobs;

import io.switchboard.core.job.JobFinished;

import java.time.Duration;
import java.util.Optional;

/** What {@link JobQueue} did with an attempt's outcome. */
public sealed interface RecordedOutcome {

  /** The job reached a final state; publish the notification. */
  record Final(JobFinished finished) implements RecordedOutcome {
  }

  /** The attempt failed retryably; the job is queued again after {@code backoff}. */
  record RetryScheduled(Duration backoff) implements RecordedOutcome {
  }

  /** This executor no longer held the lease; nothing was written. */
  record LeaseLost() implements RecordedOutcome {
  }

  /** The notification to publish, if the job reached a final state. */
  default Optional<JobFinished> notification() {
    return this instanceof Final f ? Optional.of(f.finished()) : Optional.empty();
  }
}

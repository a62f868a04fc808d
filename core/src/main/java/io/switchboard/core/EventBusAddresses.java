package io.switchboard.core;

/**
 * Event-bus addresses shared by gateways and executors. The bus carries only wake-ups and
 * notifications; PostgreSQL holds the truth, so a lost message delays work but never loses it.
 */
public final class EventBusAddresses {

  /** Published after a job is committed; executors answer by running a claim round. Body: job id. */
  public static final String JOBS_WAKEUP = "switchboard.jobs.wakeup";

  /** Published after a job reaches a final state. Body: {@link io.switchboard.core.job.JobFinished} as JSON. */
  public static final String JOBS_FINISHED = "switchboard.jobs.finished";

  /**
   * Published when someone asks to stop a running job; the executor running it stops its action.
   * Body: {@code {"tenantId", "jobId", "by"}}. Executors also see the request in their heartbeat.
   */
  public static final String JOBS_CANCEL = "switchboard.jobs.cancel";

  /**
   * Published when a running job reports progress (at most about once a second per job), after the
   * line is stored with the job. Body: {@link io.switchboard.core.job.JobProgress} as JSON. Whoever
   * renders the job's message listens here; {@code job <id>} and the API read the stored line.
   */
  public static final String JOBS_PROGRESS = "switchboard.jobs.progress";

  /**
   * Published after an installation was added, enabled or disabled, or a tenant suspended or
   * resumed. Body: {@code {"platform", "workspace"}}, or {@code {}} for a tenant. Every gateway
   * forgets what its installation caches hold for it.
   */
  public static final String INSTALLATIONS_CHANGED = "switchboard.installations.changed";

  private EventBusAddresses() {
  }
}

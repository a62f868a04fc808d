package io.switchboard.gateway.reply;

import io.switchboard.core.job.JobStatus;

import java.util.List;

/**
 * The buttons a job's own message offers: Cancel while the job is queued or running, Rerun once it
 * has ended. A button carries only the job's id; who clicked, and whether they may, is decided when
 * the click arrives.
 */
public final class JobButtons {

  /** Button id of Cancel; its value is the job id. */
  public static final String CANCEL = "job.cancel";
  /** Button id of Rerun; its value is the job id. */
  public static final String RERUN = "job.rerun";

  private JobButtons() {
  }

  public static ReplyMessage.Button cancel(long jobId) {
    return new ReplyMessage.Button(CANCEL, "Cancel", ReplyMessage.Button.Style.DANGER, Long.toString(jobId));
  }

  public static ReplyMessage.Button rerun(long jobId) {
    return new ReplyMessage.Button(RERUN, "Rerun", ReplyMessage.Button.Style.DEFAULT, Long.toString(jobId));
  }

  /** Cancel for a job that has not ended, Rerun for one that has. */
  public static List<ReplyMessage.Button> forJob(long jobId, JobStatus status) {
    return List.of(status.isFinal() ? rerun(jobId) : cancel(jobId));
  }
}

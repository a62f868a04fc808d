package io.switchboard.gateway.command;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.jobs.JobCancellations;

/**
 * What a chat user is told about their request to cancel a job, typed ({@code cancel 42}) or clicked,
 * or about a job button that names no job of theirs to see.
 */
public final class CancelMessages {

  private CancelMessages() {
  }

  public static ChatMessage of(JobCancellations.Outcome outcome, long jobId) {
    return ChatMessage.ephemeral(switch (outcome) {
      case CANCELLED -> "Cancelled job " + jobId + " before it started.";
      case STOPPING -> "Stopping job " + jobId + "; its result will say when it has stopped.";
      case ALREADY_FINISHED -> "Job " + jobId + " has already ended (or is already being cancelled).";
      case NOT_YOURS -> "Job " + jobId + " was started by someone else; you can cancel only your own jobs.";
      case NOT_FOUND -> "There is no job " + jobId + " here.";
    });
  }

  /** A job button that names no job of this tenant and platform. */
  public static ChatMessage noSuchJob(long jobId) {
    return of(JobCancellations.Outcome.NOT_FOUND, jobId);
  }
}

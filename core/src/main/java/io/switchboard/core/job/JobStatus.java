package io.switchboard.core.job;

/** Where a job is in its life. {@code succeeded}, {@code failed} and {@code cancelled} are final. */
public enum JobStatus {
  QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

  /** The spelling stored in the database and shown in the API. */
  public String wire() {
    return name().toLowerCase();
  }

  public static JobStatus fromWire(String value) {
    return valueOf(value.toUpperCase());
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}

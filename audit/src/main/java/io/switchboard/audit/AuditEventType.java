package io.switchboard.audit;

/** The steps of a command's life, the admin changes and the notifications that are written to the audit log. */
public enum AuditEventType {
  COMMAND_RECEIVED("command.received"),
  COMMAND_REFUSED("command.refused"),
  JOB_QUEUED("job.queued"),
  JOB_STARTED("job.started"),
  JOB_SUCCEEDED("job.succeeded"),
  JOB_FAILED("job.failed"),
  JOB_RETRY_SCHEDULED("job.retry_scheduled"),
  JOB_CANCEL_REQUESTED("job.cancel_requested"),
  JOB_CANCELLED("job.cancelled"),
  JOB_LEASE_RELEASED("job.lease_released"),
  JOB_LEASE_EXPIRED("job.lease_expired"),
  APPROVAL_REQUESTED("approval.requested"),
  APPROVAL_VOTED("approval.voted"),
  APPROVAL_VOTE_REFUSED("approval.vote_refused"),
  APPROVAL_GRANTED("approval.granted"),
  APPROVAL_DENIED("approval.denied"),
  APPROVAL_EXPIRED("approval.expired"),
  POLICY_CHANGED("policy.changed"),
  TOKEN_CREATED("token.created"),
  TOKEN_REVOKED("token.revoked"),
  INSTALLATION_ADDED("installation.added"),
  INSTALLATION_DISABLED("installation.disabled"),
  INSTALLATION_DISPLACED("installation.displaced"),
  INSTALLATION_CLAIM_ISSUED("installation.claim_issued"),
  TENANT_CREATED("tenant.created"),
  TENANT_SUSPENDED("tenant.suspended"),
  TENANT_RESUMED("tenant.resumed"),
  TENANT_CHANGED("tenant.changed"),
  SECRET_STORED("secret.stored"),
  SECRET_DELETED("secret.deleted"),
  NOTIFICATION_RECEIVED("notification.received"),
  NOTIFICATION_DEDUPLICATED("notification.deduplicated"),
  NOTIFICATION_POSTED("notification.posted"),
  NOTIFICATION_FAILED("notification.failed"),
  AUDIT_CHAIN_KEY_READ("audit.chain_key_read");

  private final String wire;

  AuditEventType(String wire) {
    this.wire = wire;
  }

  /** The spelling stored in the log, e.g. {@code job.queued}. */
  public String wire() {
    return wire;
  }
}

package io.switchboard.tenancy.secrets;

/**
 * A secret store operation that failed for a reason other than a bad argument. The message names
 * the tenant, the secret and what went wrong, and never contains a secret value or a credential;
 * for that reason the underlying driver exception (which may quote a server's answer) is not kept
 * as the cause.
 */
public final class SecretStoreException extends RuntimeException {

  /** Why an operation failed; stable, for callers and metrics. */
  public enum Reason {
    /** The tenant does not exist (local store). */
    UNKNOWN_TENANT,
    /** A stored secret cannot be decrypted or parsed: wrong master key, or the data was tampered with. */
    UNREADABLE,
    /** The backend refused our credentials or policy does not allow the operation. */
    DENIED,
    /** The backend could not be reached or answered with an error. */
    UNAVAILABLE
  }

  private final Reason reason;

  public SecretStoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

package io.switchboard.core.error;

/**
 * Stable error codes. Clients and metrics rely on these names; add new ones, never rename.
 * Each code carries the HTTP status it is answered with.
 */
public enum ErrorCode {
  MISSING_SIGNATURE(401, "Missing signature"),
  BAD_SIGNATURE(401, "Bad signature"),
  STALE_REQUEST(401, "Stale request"),
  UNKNOWN_WORKSPACE(401, "Unknown workspace"),
  UNAUTHENTICATED(401, "Unauthenticated"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  CONFLICT(409, "Conflict"),
  PRECONDITION_FAILED(412, "Precondition failed"),
  PRECONDITION_REQUIRED(428, "Precondition required"),
  INVALID_POLICY(422, "Invalid policy"),
  OWNERSHIP_NOT_PROVEN(422, "Ownership not proven"),
  RATE_LIMITED(429, "Too many requests"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  URI_TOO_LONG(414, "URI too long"),
  HEADERS_TOO_LARGE(431, "Request header fields too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  MALFORMED_REQUEST(400, "Malformed request"),
  INVALID_RESPONSE_URL(400, "Invalid response_url"),
  SECRET_STORE_UNAVAILABLE(503, "Secret store unavailable"),
  SECRET_UNREADABLE(500, "Secret unreadable"),
  DATABASE_UNAVAILABLE(503, "Database unavailable"),
  NOT_CONFIGURED(503, "Not configured"),
  PLATFORM_UNAVAILABLE(503, "Chat platform unavailable"),
  INTERNAL_ERROR(500, "Internal error");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The spelling used in problem documents and metric tags, e.g. {@code bad_signature}. */
  public String wire() {
    return name().toLowerCase();
  }
}

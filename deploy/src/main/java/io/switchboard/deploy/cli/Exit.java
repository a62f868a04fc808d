package io.switchboard.deploy.cli;

/**
 * The exit codes of the admin commands, which scripts may rely on (documented in {@code docs/cli.md}).
 * The node roles ({@code all}, {@code gateway}, ...) keep theirs: 0, 1 (failed to start), 2 (bad setting).
 */
public final class Exit {

  /** The command did what was asked. */
  public static final int OK = 0;
  /** The request failed: refused as invalid (400, 422), a server error (5xx), or a failed {@code config check}. */
  public static final int FAILED = 1;
  /** Usage: a wrong option or argument (picocli's own code), or a bad CLI config file. */
  public static final int USAGE = 2;
  /** No such object in the caller's tenant (404), or no such tenant. */
  public static final int NOT_FOUND = 3;
  /** A conflict (409), a stale policy version (412) or a missing one (428). */
  public static final int CONFLICT = 4;
  /** No token, or the token was refused (401), or it may not do this (403). */
  public static final int UNAUTHORISED = 5;
  /** Switchboard could not be reached: connection refused, unknown host, timeout. */
  public static final int UNREACHABLE = 6;
  /** {@code audit verify}: the chain was checked and is not intact. */
  public static final int AUDIT_BROKEN = 7;

  private Exit() {
  }
}

package io.switchboard.deploy;

/** What a Switchboard process runs. */
public enum Role {
  /** Gateway and executors in one JVM: the single-node default. */
  ALL(true, true),
  /** The HTTP edge only; scale it behind a load balancer. */
  GATEWAY(true, false),
  /** Executors only (plus /health, /ready, /metrics); scale on queue depth. */
  EXECUTOR(false, true),
  /** Apply schema migrations and exit. */
  MIGRATE(false, false);

  private final boolean gateway;
  private final boolean executor;

  Role(boolean gateway, boolean executor) {
    this.gateway = gateway;
    this.executor = executor;
  }

  public boolean runsGateway() {
    return gateway;
  }

  public boolean runsExecutor() {
    return executor;
  }
}

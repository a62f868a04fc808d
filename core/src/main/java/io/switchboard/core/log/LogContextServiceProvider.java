package io.switchboard.core.log;

import io.switchboard.core.trace.Tracing;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;

/**
 * Registers {@link LogContext}'s and {@link Tracing}'s context-locals before a Vert.x instance is built: Vert.x sizes each
 * instance's context storage from the locals registered by then, and loads its service providers
 * (this one, from {@code META-INF/services}) just before.
 */
public final class LogContextServiceProvider implements VertxServiceProvider {

  @Override
  public void init(VertxBootstrap builder) {
    LogContext.register();
    Tracing.register();
  }
}

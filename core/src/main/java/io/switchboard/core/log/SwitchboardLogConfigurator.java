package io.switchboard.core.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.io.FileOutputStream;
import java.io.FileDescriptor;

/**
 * Logback's configuration for every Switchboard process, found through {@code META-INF/services}:
 * {@link SwitchboardLogging} with {@link LogSettings} from the environment, to stderr (where the former slf4j-simple wrote). A value not
 * understood gives the default here; the node names it and stops ({@code NodeSettings}). An operator's
 * own {@code -Dlogback.configurationFile}, or a {@code logback.xml} / {@code logback-test.xml} on the
 * class path, wins: then logback's usual configuration runs instead.
 */
public final class SwitchboardLogConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader loader = SwitchboardLogConfigurator.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    SwitchboardLogging.install(context, LogSettings.fromEnvOrDefault(System.getenv()),
        new FileOutputStream(FileDescriptor.err));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}

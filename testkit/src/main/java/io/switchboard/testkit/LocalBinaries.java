package io.switchboard.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a real program a test runs (a Prometheus, an rsyslogd): the path a variable names, else the
 * first executable of that name on the PATH or in the given extra folders (Debian keeps daemons in
 * {@code /usr/sbin}, which a non-root PATH lacks). Tests skip, saying so, where none is found.
 */
public final class LocalBinaries {

  private LocalBinaries() {
  }

  /** {@code variable}'s path if set (and executable), else {@code name} on the PATH, then in {@code extraFolders}. */
  public static Optional<Path> find(String name, String variable, String... extraFolders) {
    String configured = System.getenv(variable);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)),
            Stream.of(extraFolders))
        .filter(folder -> !folder.isEmpty())
        .map(folder -> Path.of(folder, name))
        .filter(Files::isExecutable)
        .findFirst();
  }
}

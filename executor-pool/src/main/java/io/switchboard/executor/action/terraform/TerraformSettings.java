package io.switchboard.executor.action.terraform;

import io.switchboard.executor.action.EnvSettings;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Node-level configuration of the {@code terraform} action, checked once at start-up. A missing
 * {@code terraform} binary is no start-up error (the node may run no Terraform jobs): a job then
 * fails saying so.
 *
 * <table>
 *   <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code SWITCHBOARD_TERRAFORM_WORKSPACES_DIR}</td><td>none</td>
 *       <td>absolute path; tenant {@code T}'s workspace {@code W} is the directory {@code <dir>/T/W}.
 *       Unset, the action refuses every job</td></tr>
 *   <tr><td>{@code SWITCHBOARD_TERRAFORM_DATA_DIR}</td><td>{@code <java.io.tmpdir>/switchboard-terraform}</td>
 *       <td>absolute path where saved plans, Terraform's data directory ({@code TF_DATA_DIR}) and an
 *       empty {@code HOME} live, per tenant and workspace; make it durable (and shared, if an
 *       {@code apply} may run on another executor than its {@code plan})</td></tr>
 *   <tr><td>{@code SWITCHBOARD_TERRAFORM_BIN}</td><td>{@code terraform}</td>
 *       <td>the binary: an absolute path, or a name looked up in the executor's {@code PATH}</td></tr>
 *   <tr><td>{@code SWITCHBOARD_TERRAFORM_PLUGIN_CACHE_DIR}</td><td>none</td>
 *       <td>absolute path passed as {@code TF_PLUGIN_CACHE_DIR}, so providers are downloaded once</td></tr>
 *   <tr><td>{@code SWITCHBOARD_TERRAFORM_OUTPUT_LIMIT_BYTES}</td><td>{@code 65536}</td>
 *       <td>at most this many bytes of each Terraform command's output are kept: the tail</td></tr>
 *   <tr><td>{@code SWITCHBOARD_TERRAFORM_KILL_GRACE_MILLIS}</td><td>{@code 10000}</td>
 *       <td>on stop Terraform gets SIGTERM (it then stops its work and writes its state); after
 *       this grace it and its child processes get SIGKILL</td></tr>
 * </table>
 *
 * @param binary           the binary as configured: an absolute path or a plain name
 * @param searchPath       the directories a plain name is looked up in (the executor's {@code PATH})
 * @param workspacesDir    the workspaces root, or null when none is configured
 * @param dataDir          where plans and Terraform's own data are kept
 * @param pluginCacheDir   the provider plugin cache, or null
 * @param outputLimitBytes the output cap per command
 * @param killGrace        the SIGTERM to SIGKILL grace period
 */
public record TerraformSettings(String binary, List<Path> searchPath, Path workspacesDir, Path dataDir,
                                Path pluginCacheDir, int outputLimitBytes, Duration killGrace) {

  public static final String BIN = "SWITCHBOARD_TERRAFORM_BIN";
  public static final String WORKSPACES_DIR = "SWITCHBOARD_TERRAFORM_WORKSPACES_DIR";
  public static final String DATA_DIR = "SWITCHBOARD_TERRAFORM_DATA_DIR";
  public static final String PLUGIN_CACHE_DIR = "SWITCHBOARD_TERRAFORM_PLUGIN_CACHE_DIR";
  public static final String OUTPUT_LIMIT_BYTES = "SWITCHBOARD_TERRAFORM_OUTPUT_LIMIT_BYTES";
  public static final String KILL_GRACE_MILLIS = "SWITCHBOARD_TERRAFORM_KILL_GRACE_MILLIS";

  public static final String DEFAULT_BINARY = "terraform";
  public static final int DEFAULT_OUTPUT_LIMIT_BYTES = 64 * 1024;
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);

  private static final Pattern PLAIN_NAME = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9._-]*$");

  public TerraformSettings {
    if (binary == null || !(binary.startsWith("/") || PLAIN_NAME.matcher(binary).matches())) {
      throw new IllegalArgumentException(BIN + " must be an absolute path or a plain program name, not '"
          + binary + "'");
    }
    searchPath = List.copyOf(searchPath);
    if (workspacesDir != null && !workspacesDir.isAbsolute()) {
      throw new IllegalArgumentException(WORKSPACES_DIR + " must be an absolute path, not '" + workspacesDir + "'");
    }
    if (dataDir == null || !dataDir.isAbsolute()) {
      throw new IllegalArgumentException(DATA_DIR + " must be an absolute path, not '" + dataDir + "'");
    }
    if (pluginCacheDir != null && !pluginCacheDir.isAbsolute()) {
      throw new IllegalArgumentException(PLUGIN_CACHE_DIR + " must be an absolute path, not '" + pluginCacheDir
          + "'");
    }
    if (workspacesDir != null && (dataDir.startsWith(workspacesDir) || workspacesDir.startsWith(dataDir))) {
      throw new IllegalArgumentException(DATA_DIR + " and " + WORKSPACES_DIR + " must not contain each other");
    }
    if (outputLimitBytes < 1) {
      throw new IllegalArgumentException(OUTPUT_LIMIT_BYTES + " must be a positive number of bytes");
    }
    if (killGrace == null || killGrace.isNegative() || killGrace.isZero()) {
      throw new IllegalArgumentException(KILL_GRACE_MILLIS + " must be a positive number of milliseconds");
    }
  }

  /** Reads the {@code SWITCHBOARD_TERRAFORM_*} variables (and {@code PATH}); an unset variable takes its default. */
  public static TerraformSettings fromEnv(Map<String, String> env) {
    String binary = env.get(BIN);
    binary = binary == null || binary.isBlank() ? DEFAULT_BINARY : binary.trim();
    String path = env.getOrDefault("PATH", "");
    List<Path> searchPath = Arrays.stream(path.split(File.pathSeparator))
        .filter(dir -> !dir.isBlank() && dir.startsWith("/"))
        .map(Path::of)
        .toList();
    Path dataDir = EnvSettings.absolutePath(env, DATA_DIR);
    return new TerraformSettings(binary, searchPath,
        EnvSettings.absolutePath(env, WORKSPACES_DIR),
        dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir"), "switchboard-terraform"),
        EnvSettings.absolutePath(env, PLUGIN_CACHE_DIR),
        EnvSettings.positiveInt(env, OUTPUT_LIMIT_BYTES, DEFAULT_OUTPUT_LIMIT_BYTES),
        EnvSettings.positiveMillis(env, KILL_GRACE_MILLIS, DEFAULT_KILL_GRACE));
  }

  /** The binary's path: the configured absolute path, or the first executable of that name in the search path. Blocking. */
  public Optional<Path> locateBinary() {
    if (binary.startsWith("/")) {
      Path path = Path.of(binary);
      return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    return searchPath.stream()
        .map(dir -> dir.resolve(binary))
        .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
        .findFirst();
  }
}

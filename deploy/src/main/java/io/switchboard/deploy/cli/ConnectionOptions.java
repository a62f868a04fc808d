package io.switchboard.deploy.cli;

import io.switchboard.core.log.RedactedRecord;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The options every API command takes: where Switchboard is ({@code --url}, else {@code SWITCHBOARD_URL},
 * else {@code url=} in the config file, else {@code http://localhost:8080}), the config file
 * ({@code --config}, default {@code ~/.config/switchboard/cli.properties}) and the output format. Tokens
 * come from {@code SWITCHBOARD_TOKEN} / {@code SWITCHBOARD_OPERATOR_TOKEN}, else {@code token=} /
 * {@code operator-token=} in the config file, which must be readable by its owner only.
 */
public final class ConnectionOptions {

  /** Which of the two tokens a call needs. */
  enum TokenKind {
    TENANT("SWITCHBOARD_TOKEN", "token", "a tenant admin token"),
    OPERATOR("SWITCHBOARD_OPERATOR_TOKEN", "operator-token", "the operator token");

    final String variable;
    final String key;
    final String what;

    TokenKind(String variable, String key, String what) {
      this.variable = variable;
      this.key = key;
      this.what = what;
    }
  }

  static final String DEFAULT_URL = "http://localhost:8080";
  private static final Set<String> KEYS = Set.of("url", "token", "operator-token");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  @Option(names = "--url", paramLabel = "URL",
      description = "Switchboard's address (default: $SWITCHBOARD_URL, else url= in the config file, else "
          + DEFAULT_URL + ")")
  String url;

  @Option(names = "--config", paramLabel = "FILE",
      description = "the CLI config file (default: ~/.config/switchboard/cli.properties; keys url, token, "
          + "operator-token; mode 600)")
  Path config;

  @Mixin
  OutputOptions output = new OutputOptions();

  /** Where to connect and with which token, resolved from the options, the environment and the config file. */
  record Connection(URI base, String urlSource, String token, String tokenSource) {

    @Override
    public String toString() {
      return RedactedRecord.toString(this, "token");
    }
  }

  Connection resolve(Map<String, String> env, TokenKind kind) {
    ConfigFile file = configFile(env);
    String chosenUrl;
    String urlSource;
    if (url != null) {
      chosenUrl = url;
      urlSource = "--url";
    } else if (present(env.get("SWITCHBOARD_URL"))) {
      chosenUrl = env.get("SWITCHBOARD_URL").strip();
      urlSource = "SWITCHBOARD_URL";
    } else if (file.values().containsKey("url")) {
      chosenUrl = file.values().get("url");
      urlSource = "url= in " + file.path();
    } else {
      chosenUrl = DEFAULT_URL;
      urlSource = "the default";
    }
    URI base = base(chosenUrl, urlSource);
    String token;
    String tokenSource;
    if (present(env.get(kind.variable))) {
      token = env.get(kind.variable).strip();
      tokenSource = kind.variable;
    } else if (file.values().containsKey(kind.key)) {
      token = file.values().get(kind.key);
      tokenSource = kind.key + "= in " + file.path();
    } else {
      throw new CliFailure(Exit.UNAUTHORISED, "this command needs " + kind.what + ": set " + kind.variable
          + ", or " + kind.key + "=... in " + file.path() + " (readable by you only: chmod 600)");
    }
    return new Connection(base, urlSource, token, tokenSource);
  }

  private static URI base(String value, String source) {
    if (value.contains("@")) {
      throw new CliFailure(Exit.USAGE, "the URL from " + source + " holds credentials (user:password@...): give "
          + "Switchboard's address alone, and the token in SWITCHBOARD_TOKEN or SWITCHBOARD_OPERATOR_TOKEN");
    }
    try {
      URI uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new CliFailure(Exit.USAGE, "the URL from " + source + " is not an http(s) URL: '" + value
        + "' (e.g. " + DEFAULT_URL + ")");
  }

  /** The config file's values: empty when the default file does not exist. */
  private record ConfigFile(Path path, Map<String, String> values) {
  }

  private ConfigFile configFile(Map<String, String> env) {
    Path path = config != null ? config : defaultConfigFile(env);
    if (!Files.exists(path)) {
      if (config != null) {
        throw new CliFailure(Exit.USAGE, "the config file " + path + " (--config) does not exist");
      }
      return new ConfigFile(path, Map.of());
    }
    refuseIfShared(path);
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliFailure(Exit.USAGE, "cannot read the config file " + path + ": " + e.getMessage());
    }
    Map<String, String> values = new java.util.HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!KEYS.contains(key)) {
        throw new CliFailure(Exit.USAGE, "unknown key '" + key + "' in " + path + " (known: url, token, operator-token)");
      }
      String value = properties.getProperty(key).strip();
      if (!value.isEmpty()) {
        values.put(key, value);
      }
    }
    return new ConfigFile(path, values);
  }

  /** Like ssh with a private key: a file that holds tokens and that others can read is refused. */
  private static void refuseIfShared(Path path) {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = view.readAttributes().permissions();
    } catch (IOException e) {
      throw new CliFailure(Exit.USAGE, "cannot read the config file " + path + ": " + e.getMessage());
    }
    if (!OWNER_ONLY.containsAll(permissions)) {
      throw new CliFailure(Exit.USAGE, "the config file " + path + " is accessible by others (mode "
          + PosixFilePermissions.toString(permissions) + ") and holds tokens, so it is not used: run chmod 600 "
          + path + " (and consider revoking the tokens in it)");
    }
  }

  static Path defaultConfigFile(Map<String, String> env) {
    Optional<String> xdg = Optional.ofNullable(env.get("XDG_CONFIG_HOME")).filter(ConnectionOptions::present);
    Path base = xdg.map(Path::of).orElseGet(() -> Path.of(Optional.ofNullable(env.get("HOME"))
        .filter(ConnectionOptions::present).orElse(System.getProperty("user.home")), ".config"));
    return base.resolve("switchboard").resolve("cli.properties");
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}

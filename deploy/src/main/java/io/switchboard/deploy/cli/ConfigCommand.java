package io.switchboard.deploy.cli;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.deploy.NodeSettings;
import io.switchboard.deploy.NodeTracing;
import io.switchboard.deploy.Role;
import io.switchboard.deploy.StartupFailure;
import io.switchboard.gateway.discord.DiscordSettings;
import io.switchboard.gateway.mattermost.MattermostSettings;
import io.switchboard.gateway.platform.PlatformSettings;
import io.switchboard.gateway.sandbox.SandboxSettings;
import io.switchboard.gateway.slack.SlackSettings;
import io.switchboard.gateway.teams.TeamsApp;
import io.switchboard.gateway.teams.TeamsSettings;
import io.switchboard.tenancy.secrets.SecretStoreSettings;
import io.switchboard.tenancy.secrets.VaultAuth;
import io.switchboard.tenancy.secrets.VaultSettings;
import io.switchboard.tenancy.secrets.VaultTls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@code switchboard config check}: reads the node's {@code SWITCHBOARD_*} settings exactly as start-up
 * does ({@link NodeSettings}), then tries what they point at: PostgreSQL, Vault, the cluster members,
 * and the chat platforms' credentials where a safe read-only call can check them. Every line says what
 * is wrong and which variable to fix; no secret is ever printed (every secret value of the environment
 * is masked in whatever is printed, besides).
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check a node's configuration.")
final class ConfigCommand extends CommandGroup {

  /** Variables whose values are secrets, by a part of their name. */
  private static final List<String> SECRET_NAME_PARTS = List.of("TOKEN", "SECRET", "PASSWORD", "MASTER_KEY",
      "PRIVATE", "CREDENTIAL", "DATABASE_URL", "_KEY");
  private static final Set<Integer> VAULT_HEALTHY = Set.of(200, 429, 472, 473);

  ConfigCommand(CliContext context) {
    super(context);
  }

  /** One line of the report. */
  private record Check(String status, String name, String message) {
  }

  /** The report being made, with the environment's secret values to mask. */
  private static final class Report {
    private final List<Check> checks = new ArrayList<>();
    private final List<String> secrets;

    Report(Map<String, String> env) {
      secrets = secretValues(env);
    }

    void ok(String name, String message) {
      add("ok", name, message);
    }

    void warn(String name, String message) {
      add("warn", name, message);
    }

    void fail(String name, String message) {
      add("FAIL", name, message);
    }

    void skip(String name, String message) {
      add("skip", name, message);
    }

    private void add(String status, String name, String message) {
      checks.add(new Check(status, name, mask(message)));
    }

    private String mask(String text) {
      String masked = text;
      for (String secret : secrets) {
        masked = masked.replace(secret, "****");
      }
      return masked;
    }

    boolean failed() {
      return checks.stream().anyMatch(check -> check.status().equals("FAIL"));
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validates this node's SWITCHBOARD_* settings as start-up does, then checks PostgreSQL "
          + "(SWITCHBOARD_DATABASE_URL), Vault (if configured), each SWITCHBOARD_CLUSTER_MEMBERS entry (TCP) and "
          + "the chat platforms' credentials. Exit 0 when nothing failed, 1 otherwise. Prints no secret.")
  int check(@Mixin OutputOptions options,
            @Option(names = "--role", defaultValue = "all", paramLabel = "ROLE",
                description = "the role the node runs: all (default), gateway, executor or migrate") String roleName,
            @Option(names = "--offline", description = "check the settings only: connect to nothing") boolean offline,
            @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
                description = "how long each connection may take (default 5)") int timeoutSeconds) {
    return local(options, out -> {
      Role role;
      try {
        role = Role.valueOf(roleName.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CliFailure(Exit.USAGE, "unknown role '" + roleName + "' (use all, gateway, executor or migrate)");
      }
      Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
      Report report = new Report(context.env());
      run(report, role, offline, timeout);
      print(out, report);
      return report.failed() ? Exit.FAILED : Exit.OK;
    });
  }

  private void run(Report report, Role role, boolean offline, Duration timeout) {
    Map<String, String> env = context.env();
    SwitchboardConfig config = null;
    try {
      config = NodeSettings.config(env);
      NodeSettings.requireSharedDatabase(config, role);
      NodeSettings.clusterDiscovery(config, role);
      report.ok("settings", "the node's SWITCHBOARD_* settings are valid (role " + role.name().toLowerCase(Locale.ROOT)
          + ")");
    } catch (IllegalArgumentException e) {
      report.fail("settings", e.getMessage());
    }
    if (config != null) {
      try {
        NodeSettings.tracing(config, role);
        report.ok("tracing", NodeTracing.enabled(config.environment())
            ? "tracing is on: the OTEL_* settings are valid" : "tracing is off (OTEL_TRACES_EXPORTER is not set)");
      } catch (IllegalArgumentException e) {
        report.fail("tracing", e.getMessage());
      }
    }
    Optional<SecretStoreSettings> secrets = Optional.empty();
    try {
      secrets = Optional.of(NodeSettings.secrets(env, role));
      report.ok("secret store", secrets.get().backend().name().toLowerCase(Locale.ROOT)
          + (role == Role.MIGRATE ? " (not used by role migrate)" : ""));
    } catch (IllegalArgumentException e) {
      report.fail("secret store", e.getMessage());
    }
    try {
      NodeSettings.actions(env, role);
      if (role.runsExecutor()) {
        report.ok("actions", "the SWITCHBOARD_<ACTION>_* settings are valid");
      }
    } catch (IllegalArgumentException e) {
      report.fail("actions", e.getMessage());
    }
    List<PlatformSettings> platforms = List.of();
    if (config != null) {
      try {
        platforms = NodeSettings.platforms(config, role);
      } catch (IllegalArgumentException e) {
        report.fail("chat platforms", e.getMessage());
      }
    }
    if (config == null) {
      report.skip("connectivity", "not checked: fix the settings above first");
      return;
    }
    ports(report, config, role);
    database(report, config, offline, timeout);
    secrets.flatMap(SecretStoreSettings::vault).ifPresent(vault -> vault(report, vault, offline, timeout));
    if (secrets.isPresent() && secrets.get().backend() == SecretStoreSettings.Backend.VAULT
        && secrets.get().masterKey().isEmpty() && role != Role.MIGRATE) {
      report.fail("secret store", SecretStoreSettings.MASTER_KEY + " is required with " + SecretStoreSettings.STORE
          + "=vault too: the audit chain's key is derived from it (openssl rand -base64 32; the same on every node)");
    }
    cluster(report, config, offline, timeout);
    for (PlatformSettings platform : platforms) {
      platform(report, platform, offline, timeout);
    }
  }

  /**
   * The ports the node will listen on, as start-up checks them first. In use is a warning, not a
   * failure: it may be this very node, running.
   */
  private static void ports(Report report, SwitchboardConfig config, Role role) {
    if (role != Role.MIGRATE) {
      port(report, config.httpHost(), config.httpPort(), "SWITCHBOARD_HTTP_PORT");
    }
    if (config.databaseUrl().isEmpty()) {
      port(report, "127.0.0.1", config.embeddedPostgresPort(), "SWITCHBOARD_EMBEDDED_POSTGRES_PORT");
    }
  }

  private static void port(Report report, String host, int port, String variable) {
    try {
      StartupFailure.requirePortFree(host, port, variable);
      report.ok(variable, port == 0 ? "0: any free port" : "port " + port + " on " + host + " is free");
    } catch (StartupFailure e) {
      report.warn(variable, e.getMessage() + " (if that is this node, running, all is well)");
    }
  }

  private static void database(Report report, SwitchboardConfig config, boolean offline, Duration timeout) {
    if (config.databaseUrl().isEmpty()) {
      report.ok("database", "embedded PostgreSQL under " + config.dataDir().toAbsolutePath().normalize()
          + " (SWITCHBOARD_DATABASE_URL is not set; the node starts its own)");
      return;
    }
    DatabaseUrl url = config.databaseUrl().get();
    if (offline) {
      report.skip("database", url + " not tried (--offline)");
      return;
    }
    Properties properties = new Properties();
    properties.setProperty("user", url.user());
    properties.setProperty("password", url.password());
    properties.setProperty("connectTimeout", Long.toString(timeout.toSeconds()));
    properties.setProperty("loginTimeout", Long.toString(timeout.toSeconds()));
    properties.setProperty("socketTimeout", Long.toString(timeout.toSeconds() * 2));
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties);
         Statement statement = connection.createStatement();
         ResultSet version = statement.executeQuery("SELECT current_setting('server_version')")) {
      version.next();
      report.ok("database", url + " answers (PostgreSQL " + version.getString(1) + ")");
    } catch (SQLException | RuntimeException e) {
      report.fail("database", "cannot use " + url + ": " + StartupFailure.rootMessage(e)
          + " (check SWITCHBOARD_DATABASE_URL, and that the server is up and lets this user in)");
    }
  }

  private static void vault(Report report, VaultSettings vault, boolean offline, Duration timeout) {
    if (offline) {
      report.skip("vault", vault.address() + " not tried (--offline)");
      return;
    }
    HttpClient http;
    try {
      http = HttpClient.newBuilder().connectTimeout(timeout).sslContext(sslContext(vault.tls())).build();
    } catch (GeneralSecurityException | IOException e) {
      report.fail("vault", "cannot set up TLS for " + vault.address() + ": " + e.getMessage()
          + " (check SWITCHBOARD_VAULT_CACERT)");
      return;
    }
    String base = vault.address().endsWith("/") ? vault.address().substring(0, vault.address().length() - 1)
        : vault.address();
    try {
      if (vault.auth() instanceof VaultAuth.Token token) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/auth/token/lookup-self"))
            .timeout(timeout).header("X-Vault-Token", token.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          report.ok("vault", vault.address() + " answers and accepts SWITCHBOARD_VAULT_TOKEN");
        } else if (answer.statusCode() == 403) {
          report.fail("vault", vault.address() + " refuses SWITCHBOARD_VAULT_TOKEN (403): it is wrong, expired or "
              + "revoked; make a new one");
        } else {
          report.fail("vault", vault.address() + " answered HTTP " + answer.statusCode()
              + " to a token lookup (check SWITCHBOARD_VAULT_ADDR)");
        }
        return;
      }
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sys/health"))
          .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (health.statusCode() == 503) {
        report.fail("vault", vault.address() + " is sealed: unseal it");
      } else if (health.statusCode() == 501) {
        report.fail("vault", vault.address() + " is not initialised");
      } else {
        report.ok("vault", vault.address() + " answers" + (VAULT_HEALTHY.contains(health.statusCode()) ? ""
            : " (HTTP " + health.statusCode() + " from sys/health)")
            + "; the AppRole login is not tried here (it would issue a token)");
      }
    } catch (IOException e) {
      report.fail("vault", "cannot reach " + vault.address() + ": " + StartupFailure.rootMessage(e)
          + " (check SWITCHBOARD_VAULT_ADDR and SWITCHBOARD_VAULT_CACERT)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report.fail("vault", "interrupted");
    }
  }

  private static SSLContext sslContext(VaultTls tls) throws GeneralSecurityException, IOException {
    if (tls instanceof VaultTls.CustomCa ca) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < ca.certificates().size(); i++) {
        store.setCertificateEntry("ca-" + i, ca.certificates().get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    }
    if (tls instanceof VaultTls.SkipVerify) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      return context;
    }
    return SSLContext.getDefault();
  }

  /** SWITCHBOARD_VAULT_SKIP_VERIFY=true: as the node does, any certificate. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static void cluster(Report report, SwitchboardConfig config, boolean offline, Duration timeout) {
    SwitchboardConfig.Cluster cluster = config.cluster();
    if (!cluster.enabled()) {
      return;
    }
    for (String member : cluster.members()) {
      String name = "cluster member " + member;
      Optional<InetSocketAddress> address = address(member);
      if (address.isEmpty()) {
        report.fail(name, "not host:port (check SWITCHBOARD_CLUSTER_MEMBERS)");
      } else if (address.get().getHostString().equals(cluster.host()) && address.get().getPort() == cluster.port()) {
        report.skip(name, "this node itself (SWITCHBOARD_CLUSTER_HOST and SWITCHBOARD_CLUSTER_PORT)");
      } else if (offline) {
        report.skip(name, "not tried (--offline)");
      } else {
        try (Socket socket = new Socket()) {
          socket.connect(address.get(), (int) timeout.toMillis());
          report.ok(name, "accepts TCP connections");
        } catch (IOException e) {
          report.fail(name, "no TCP connection: " + StartupFailure.rootMessage(e) + " (is that node up, and the port "
              + "open between the nodes? check SWITCHBOARD_CLUSTER_MEMBERS)");
        }
      }
    }
  }

  /** {@code host:port}, {@code [v6]:port}, or a host alone (Hazelcast's default port 5701). */
  private static Optional<InetSocketAddress> address(String member) {
    try {
      URI uri = new URI("tcp://" + member);
      if (uri.getHost() == null) {
        return Optional.empty();
      }
      int port = uri.getPort() == -1 ? SwitchboardConfig.DEFAULT_CLUSTER_PORT : uri.getPort();
      return Optional.of(InetSocketAddress.createUnresolved(uri.getHost(), port))
          .map(unresolved -> new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void platform(Report report, PlatformSettings platform, boolean offline, Duration timeout) {
    if (platform instanceof SlackSettings slack) {
      List<String> parts = new ArrayList<>();
      parts.add("shared app's signing secret " + (slack.signingSecret().isPresent() ? "set" : "not set (only "
          + "workspaces of tenants' own apps are served)"));
      boolean id = slack.app().clientId().isPresent();
      boolean secret = slack.app().clientSecret().isPresent();
      parts.add("OAuth client " + (id && secret ? "set (GET /slack/install works)" : "not set (GET /slack/install "
          + "answers 503)"));
      String message = String.join("; ", parts) + "; not checked online: Slack has no read-only call for them";
      if (id != secret) {
        report.warn("slack", "set both SWITCHBOARD_SLACK_CLIENT_ID and SWITCHBOARD_SLACK_CLIENT_SECRET, or neither ("
            + (id ? "the secret" : "the id") + " is missing); " + message);
      } else {
        report.ok("slack", message);
      }
    } else if (platform instanceof TeamsSettings teams) {
      teams(report, teams.app(), offline, timeout);
    } else if (platform instanceof DiscordSettings discord) {
      report.ok("discord", "shared application's public key " + (discord.app().publicKey().isPresent()
          ? "set and well formed" : "not set (only guilds with their own application are served)")
          + ", application id " + (discord.app().applicationId().isPresent() ? "set" : "not set")
          + "; not checked online (no read-only call checks a public key)");
    } else if (platform instanceof MattermostSettings mattermost) {
      report.ok("mattermost", "credentials are per installation; buttons "
          + (mattermost.actionsUrl().isPresent() ? "on (SWITCHBOARD_MATTERMOST_ACTIONS_URL set)" : "off")
          + (mattermost.allowHttp() ? "; http:// servers allowed (SWITCHBOARD_MATTERMOST_ALLOW_HTTP)" : ""));
    } else if (platform instanceof SandboxSettings sandbox) {
      if (sandbox.allowRemote()) {
        report.warn("sandbox", "on, and open to every address (SWITCHBOARD_SANDBOX_ALLOW_REMOTE=true): anyone who "
            + "reaches the port can speak as any demo user");
      } else {
        report.ok("sandbox", "on, for browsers on this machine only");
      }
    } else {
      report.ok(platform.platform(), "settings valid");
    }
  }

  /** A client-credentials token request: it changes nothing, and proves the app id and password. */
  private static void teams(Report report, TeamsApp app, boolean offline, Duration timeout) {
    if (!app.enabled()) {
      if (app.appId().isPresent() || app.appPassword().isPresent()) {
        report.fail("teams", "set both SWITCHBOARD_TEAMS_APP_ID and SWITCHBOARD_TEAMS_APP_PASSWORD ("
            + (app.appId().isPresent() ? "the password" : "the app id") + " is missing)");
      } else {
        report.ok("teams", "not configured (POST /api/messages answers 503)");
      }
      return;
    }
    if (offline) {
      report.skip("teams", "app id and password set; not tried (--offline)");
      return;
    }
    String form = "grant_type=client_credentials&client_id=" + encode(app.appId().get()) + "&client_secret="
        + encode(app.appPassword().get()) + "&scope=" + encode(TeamsApp.CONNECTOR_SCOPE);
    try {
      HttpResponse<String> answer = HttpClient.newBuilder().connectTimeout(timeout).build().send(
          HttpRequest.newBuilder(URI.create(app.tokenUrl())).timeout(timeout)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        report.ok("teams", "the Bot Framework issued a token for SWITCHBOARD_TEAMS_APP_ID with its password");
      } else {
        String error = errorCode(answer.body());
        report.fail("teams", "the token endpoint " + app.tokenUrl() + " refused SWITCHBOARD_TEAMS_APP_ID with "
            + "SWITCHBOARD_TEAMS_APP_PASSWORD (HTTP " + answer.statusCode() + (error.isEmpty() ? "" : ", " + error)
            + "): check both, and that the password has not expired");
      }
    } catch (IOException e) {
      report.fail("teams", "cannot reach " + app.tokenUrl() + ": " + StartupFailure.rootMessage(e)
          + " (check SWITCHBOARD_TEAMS_TOKEN_URL and the network)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report.fail("teams", "interrupted");
    }
  }

  private static String errorCode(String body) {
    try {
      return Optional.ofNullable(new JsonObject(body).getString("error")).orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void print(Output out, Report report) {
    if (out.json()) {
      JsonArray checks = new JsonArray();
      report.checks.forEach(check -> checks.add(new JsonObject().put("status", check.status().toLowerCase(Locale.ROOT))
          .put("name", check.name()).put("message", check.message())));
      out.raw(new JsonObject().put("ok", !report.failed()).put("checks", checks).encode());
      return;
    }
    for (Check check : report.checks) {
      out.line(String.format("%-5s %s: %s", check.status(), check.name(), check.message()));
    }
    long failures = report.checks.stream().filter(check -> check.status().equals("FAIL")).count();
    out.line(failures == 0 ? "config check: no problems found" : "config check: " + failures + " problem"
        + (failures == 1 ? "" : "s") + " found");
  }

  /**
   * The values of the variables that hold secrets (and a database URL's password), longest first, so
   * a message that quotes one by accident still prints none.
   */
  private static List<String> secretValues(Map<String, String> env) {
    List<String> values = new ArrayList<>();
    env.forEach((name, value) -> {
      if (name.startsWith("SWITCHBOARD_") && value != null && value.strip().length() >= 4
          && SECRET_NAME_PARTS.stream().anyMatch(name::contains)) {
        values.add(value.strip());
      }
    });
    Optional.ofNullable(env.get("SWITCHBOARD_DATABASE_URL")).ifPresent(url -> {
      try {
        String password = DatabaseUrl.parse(url.strip()).password();
        if (password.length() >= 4) {
          values.add(password);
          values.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
        }
      } catch (RuntimeException e) {
        // a malformed URL is reported by the settings check; its whole value is masked above
      }
    });
    values.sort(Comparator.comparingInt(String::length).reversed());
    return values;
  }
}

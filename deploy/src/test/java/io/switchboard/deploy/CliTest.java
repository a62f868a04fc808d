package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.deploy.cli.Cli;
import io.switchboard.deploy.cli.CliContext;
import io.switchboard.deploy.cli.Exit;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackApiStandIn;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.switchboard.testkit.vault.VaultStandIn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin commands end to end: one node (role all, real PostgreSQL) for the class, the CLI run in
 * this JVM through the launcher's own command line, with its environment, standard input and output
 * given to it (never the test JVM's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("switchboard CLI against a running node")
class CliTest {

  private static final String SECRET = "cli-signing-secret";
  private static final String TOKEN = "sbt_cli_demo_admin_token";
  private static final String OPERATOR = "sbo_cli_operator_token_canary";

  @TempDir
  Path home;

  private SlackResponseUrlServer slack;
  private SlackApiStandIn slackApi;
  private DatabaseUrl database;
  private SwitchboardNode node;

  @BeforeAll
  void start() {
    slack = SlackResponseUrlServer.start();
    slackApi = SlackApiStandIn.start();
    database = TestDatabase.fresh();
    node = SwitchboardNode.start(SwitchboardConfig.fromEnv(Map.ofEntries(
        Map.entry("SWITCHBOARD_DATABASE_URL", database.withCredentials()),
        Map.entry("SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile()),
        Map.entry("SWITCHBOARD_DEMO_TENANT", "true"),
        Map.entry("SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SECRET),
        Map.entry("SWITCHBOARD_DEMO_ADMIN_TOKEN", TOKEN),
        Map.entry("SWITCHBOARD_OPERATOR_TOKEN", OPERATOR),
        Map.entry("SWITCHBOARD_HTTP_HOST", "127.0.0.1"),
        Map.entry("SWITCHBOARD_HTTP_PORT", "0"),
        Map.entry("SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix()),
        Map.entry("SWITCHBOARD_SLACK_API_URL", slackApi.apiUrl()),
        Map.entry("SWITCHBOARD_EXECUTOR_POLL_MILLIS", "200"))), TestSecrets.SETTINGS, Role.ALL);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    if (slack != null) {
      slack.close();
    }
    if (slackApi != null) {
      slackApi.close();
    }
  }

  /** One run of the CLI: its exit code and what it printed. */
  private record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }

    JsonObject json() {
      return new JsonObject(out);
    }
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  /** The environment of a tenant admin of the demo tenant, and the operator's token. */
  private Map<String, String> env() {
    return new HashMap<>(Map.of("SWITCHBOARD_URL", baseUrl(), "SWITCHBOARD_TOKEN", TOKEN,
        "SWITCHBOARD_OPERATOR_TOKEN", OPERATOR, "HOME", home.toString()));
  }

  private Run cli(String... args) {
    return cli(env(), "", args);
  }

  private Run cli(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext context = CliContext.of(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true), new PrintWriter(err, true));
    int exit = Cli.commandLine(new Switchboard(), context).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Map<String, String> envWith(String... namesAndValues) {
    Map<String, String> env = env();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      env.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return env;
  }

  /** A new tenant made with the CLI; returns its first admin token. */
  private String createTenant(String id) {
    Run created = cli("tenants", "create", id, "--name", "Tenant " + id, "-o", "json");
    assertThat(created.exit()).as(created.all()).isZero();
    return created.json().getJsonObject("adminToken").getString("token");
  }

  private long echoJob(String text) {
    HttpResponse<String> ack = SignedSlashCommand.of(SECRET, "T0DEMO", text, slack.responseUrl("cli")).post(baseUrl());
    Matcher queued = Pattern.compile("Queued as job (\\d+)").matcher(new JsonObject(ack.body()).getString("text"));
    assertThat(queued.find()).as(ack.body()).isTrue();
    long id = Long.parseLong(queued.group(1));
    Await.until("job " + id + " has ended", () -> {
      Run show = cli("jobs", "show", Long.toString(id), "-o", "json");
      return show.exit() == 0 && show.json().getString("status").equals("succeeded");
    });
    return id;
  }

  @Test
  @DisplayName("tenants: create, list, show, set, suspend, resume, as tables and as JSON")
  void tenants() {
    Run created = cli("tenants", "create", "acme-one", "--name", "Acme One");
    assertThat(created.exit()).as(created.all()).isZero();
    assertThat(created.out()).contains("id:").contains("acme-one").containsPattern("shown only this once.*: sbt_");

    Run table = cli("tenants", "list");
    assertThat(table.exit()).isZero();
    assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("MAX-RUNNING-JOBS");
    assertThat(table.out()).containsPattern("(?m)^acme-one +Acme One +active +4 ");

    Run json = cli("tenants", "list", "--output", "json");
    assertThat(json.json().getJsonArray("tenants").stream().map(t -> ((JsonObject) t).getString("id")))
        .contains("demo", "acme-one");

    assertThat(cli("tenants", "show", "acme-one").out()).contains("status:").contains("active");
    Run missing = cli("tenants", "show", "no-such-tenant");
    assertThat(missing.exit()).isEqualTo(Exit.NOT_FOUND);
    assertThat(missing.err()).contains("no tenant 'no-such-tenant'");

    Run set = cli("tenants", "set", "acme-one", "--max-running-jobs", "16", "-o", "json");
    assertThat(set.json().getInteger("maxRunningJobs")).isEqualTo(16);
    assertThat(cli("tenants", "suspend", "acme-one").out()).containsPattern("status: +suspended");
    assertThat(cli("tenants", "resume", "acme-one").out()).containsPattern("status: +active");

    Run own = cli("tenants", "show");
    assertThat(own.exit()).as(own.all()).isZero();
    assertThat(own.out()).containsPattern("id: +demo");
  }

  @Test
  @DisplayName("a tenant token cannot see another tenant's jobs; jobs list, show, cancel for its own")
  void jobsAndIsolation() {
    long job = echoJob("echo from the cli test");
    Run list = cli("jobs", "list");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).containsPattern("(?m)^" + job + " +succeeded +echo ");
    JsonArray jobs = cli("jobs", "list", "-o", "json", "--status", "succeeded").json().getJsonArray("jobs");
    assertThat(jobs.stream().map(j -> ((JsonObject) j).getLong("id"))).contains(job);
    assertThat(cli("jobs", "show", Long.toString(job)).out()).containsPattern("output: +from the cli test");

    Run ended = cli("jobs", "cancel", Long.toString(job));
    assertThat(ended.exit()).isEqualTo(Exit.CONFLICT);
    assertThat(ended.err()).contains("has already ended");

    String other = createTenant("isolated-one");
    Map<String, String> otherEnv = envWith("SWITCHBOARD_TOKEN", other);
    Run foreign = cli(otherEnv, "", "jobs", "show", Long.toString(job));
    assertThat(foreign.exit()).isEqualTo(Exit.NOT_FOUND);
    assertThat(foreign.all()).doesNotContain("from the cli test");
    Run otherList = cli(otherEnv, "", "jobs", "list", "-o", "json");
    assertThat(otherList.exit()).isZero();
    assertThat(otherList.json().getJsonArray("jobs")).isEmpty();
    assertThat(cli(otherEnv, "", "jobs", "list").out()).contains("No jobs.");
    assertThat(cli(otherEnv, "", "jobs", "cancel", Long.toString(job)).exit()).isEqualTo(Exit.NOT_FOUND);
  }

  @Test
  @DisplayName("policy: get, version, validate, diff, apply with the ETag; a stale version is a conflict")
  void policy() throws IOException {
    String tenantToken = createTenant("policy-one");
    Map<String, String> tenant = envWith("SWITCHBOARD_TOKEN", tenantToken);
    Path example = Path.of("..", "docs", "examples", "policy.json");

    Run get = cli(tenant, "", "policy", "get");
    assertThat(get.exit()).as(get.all()).isZero();
    assertThat(get.err()).contains("Version 0").contains("--if-match 0");
    assertThat(cli(tenant, "", "policy", "version").out().strip()).isEqualTo("0");

    assertThat(cli(tenant, "", "policy", "validate", example.toString()).exit()).isZero();
    Path invalid = Files.writeString(home.resolve("invalid.json"), "{\"commands\": [{\"name\": \"Bad Name\"}]}");
    Run refused = cli(tenant, "", "policy", "validate", invalid.toString());
    assertThat(refused.exit()).isEqualTo(Exit.FAILED);
    assertThat(refused.out()).contains("does not compile").contains("commands[0]");

    Run diff = cli(tenant, "", "policy", "diff", example.toString());
    assertThat(diff.exit()).as(diff.all()).isZero();
    assertThat(diff.out()).contains("--- the policy at version 0").contains("+   \"commands\" : [ {").containsPattern("(?m)^- \\{ ?\\}$");
    JsonObject changes = cli(tenant, "", "policy", "diff", example.toString(), "-o", "json").json();
    assertThat(changes.getLong("version")).isZero();
    assertThat(changes.getJsonArray("changes")).isNotEmpty();

    Run noVersion = cli(tenant, "", "policy", "apply", example.toString());
    assertThat(noVersion.exit()).isEqualTo(Exit.USAGE);
    assertThat(noVersion.err()).contains("--if-match");

    Run applied = cli(tenant, "", "policy", "apply", example.toString(), "--if-match", "0");
    assertThat(applied.exit()).as(applied.all()).isZero();
    assertThat(applied.out()).contains("now at version 1");
    assertThat(cli(tenant, "", "policy", "diff", example.toString()).out()).startsWith("No changes");

    Path rates = Files.writeString(home.resolve("rates.json"), "{\"tenant\": {\"burst\": 30, \"perMinute\": 60}}");
    Run stale = cli(tenant, "", "policy", "apply", rates.toString(), "--section", "rateLimits", "--if-match", "0");
    assertThat(stale.exit()).isEqualTo(Exit.CONFLICT);
    assertThat(stale.err()).contains("someone changed it meanwhile").contains("policy diff");
    Run section = cli(tenant, "", "policy", "apply", rates.toString(), "--section", "rateLimits", "--if-match", "\"1\"");
    assertThat(section.exit()).as(section.all()).isZero();
    assertThat(cli(tenant, "", "policy", "get", "--section", "rateLimits", "-o", "json").json()
        .getJsonObject("tenant").getInteger("burst")).isEqualTo(30);
  }

  @Test
  @DisplayName("secrets: the value comes from stdin, is never printed, and an empty one is refused")
  void secrets() {
    String value = "canary-secret-value-7f3a";
    List<Run> runs = new ArrayList<>();
    Run put = cli(env(), value + "\n", "secrets", "put", "cli-password");
    runs.add(put);
    assertThat(put.exit()).as(put.all()).isZero();
    assertThat(put.out()).contains("Stored cli-password, version 1");
    runs.add(cli("secrets", "list"));
    assertThat(runs.get(1).out()).containsPattern("(?m)^cli-password +1 ");
    runs.add(cli("secrets", "list", "-o", "json"));
    runs.add(cli("audit", "list", "--type", "secret.stored", "-o", "json"));
    runs.add(cli("audit", "list", "--type", "secret.stored"));
    assertThat(runs.get(3).json().getJsonArray("events")).isNotEmpty();
    Run empty = cli(env(), "\n", "secrets", "put", "cli-empty");
    runs.add(empty);
    assertThat(empty.exit()).isEqualTo(Exit.USAGE);
    assertThat(empty.err()).contains("refusing an empty value");
    runs.add(cli("secrets", "delete", "cli-password"));
    assertThat(runs.get(runs.size() - 1).exit()).isZero();
    runs.add(cli("secrets", "delete", "cli-password"));
    assertThat(runs.get(runs.size() - 1).exit()).isEqualTo(Exit.NOT_FOUND);
    assertThat(runs).allSatisfy(run -> assertThat(run.all()).doesNotContain(value));
  }

  @Test
  @DisplayName("tokens: create prints the new token once, list never does, a revoked one gets exit 5")
  void tokens() {
    Run created = cli("tokens", "create", "cli bot", "-o", "json");
    assertThat(created.exit()).isZero();
    String token = created.json().getString("token");
    long id = created.json().getLong("id");
    Run list = cli("tokens", "list");
    assertThat(list.out()).contains("cli bot").doesNotContain(token);
    assertThat(cli(envWith("SWITCHBOARD_TOKEN", token), "", "jobs", "list").exit()).isZero();
    assertThat(cli("tokens", "revoke", Long.toString(id)).exit()).isZero();
    assertThat(cli("tokens", "revoke", Long.toString(id)).exit()).isEqualTo(Exit.CONFLICT);
    Run revoked = cli(envWith("SWITCHBOARD_TOKEN", token), "", "jobs", "list");
    assertThat(revoked.exit()).isEqualTo(Exit.UNAUTHORISED);
    assertThat(revoked.all()).doesNotContain(token);

    Run forTenant = cli("tokens", "create", "from the operator", "--tenant", "demo");
    assertThat(forTenant.exit()).as(forTenant.all()).isZero();
    assertThat(forTenant.out()).contains("shown only this once").contains("sbt_");
  }

  @Test
  @DisplayName("a wrong token is exit 5 with a hint naming where it came from, and the token is not printed")
  void wrongToken() {
    Run run = cli(envWith("SWITCHBOARD_TOKEN", "sbt_wrong_canary_token"), "", "jobs", "list");
    assertThat(run.exit()).isEqualTo(Exit.UNAUTHORISED);
    assertThat(run.err()).startsWith("switchboard: ").contains("HTTP 401").contains("SWITCHBOARD_TOKEN")
        .contains("was refused");
    assertThat(run.all()).doesNotContain("sbt_wrong_canary_token");

    Run tenantOnOperatorCall = cli(envWith("SWITCHBOARD_OPERATOR_TOKEN", TOKEN), "", "tenants", "list");
    assertThat(tenantOnOperatorCall.exit()).isEqualTo(Exit.UNAUTHORISED);
    assertThat(tenantOnOperatorCall.err()).contains("HTTP 403").contains("operator token");
    assertThat(tenantOnOperatorCall.all()).doesNotContain(TOKEN);

    Map<String, String> none = env();
    none.remove("SWITCHBOARD_TOKEN");
    Run missing = cli(none, "", "jobs", "list");
    assertThat(missing.exit()).isEqualTo(Exit.UNAUTHORISED);
    assertThat(missing.err()).contains("set SWITCHBOARD_TOKEN");
  }

  @Test
  @DisplayName("nobody listening: exit 6 and a hint to check the address")
  void unreachable() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    Run run = cli("jobs", "list", "--url", "http://127.0.0.1:" + closed);
    assertThat(run.exit()).isEqualTo(Exit.UNREACHABLE);
    assertThat(run.err()).contains("cannot reach Switchboard at http://127.0.0.1:" + closed)
        .contains("connection refused").contains("--url");

    Run credentials = cli("jobs", "list", "--url", "http://admin:url-secret-canary@127.0.0.1:" + closed);
    assertThat(credentials.exit()).isEqualTo(Exit.USAGE);
    assertThat(credentials.err()).contains("holds credentials");
    assertThat(credentials.all()).doesNotContain("url-secret-canary");
    Run notHttp = cli("jobs", "list", "--url", "ftp://127.0.0.1");
    assertThat(notHttp.exit()).isEqualTo(Exit.USAGE);
    assertThat(notHttp.err()).contains("is not an http(s) URL");
  }

  @Test
  @DisplayName("audit: verify your own chain, export it, and check the export with the chain and anchor keys")
  void auditExport() throws IOException {
    echoJob("echo for the export");
    Run own = cli("audit", "verify");
    assertThat(own.exit()).as(own.all()).isZero();
    assertThat(own.out()).startsWith("Intact: ").contains("tenant demo");

    Run export = cli("audit", "export");
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(export.out().lines().map(JsonObject::new).map(line -> line.getString("kind")))
        .startsWith("header").endsWith("end").contains("record");
    Path exportFile = Files.writeString(home.resolve("demo.ndjson"), export.out());
    Run chainKey = cli("audit", "chain-key");
    assertThat(chainKey.out().strip()).matches("[0-9a-f]{64}");
    Path keyFile = Files.writeString(home.resolve("demo.key"), chainKey.out());
    String anchorKey = cli("audit", "anchor-key").out().strip();
    assertThat(anchorKey).matches("[0-9a-f]{64}");

    Run checked = cli("audit", "verify-export", "--key-file", keyFile.toString(), "--anchor-key", anchorKey,
        exportFile.toString());
    assertThat(checked.exit()).as(checked.all()).isZero();
    assertThat(checked.out()).contains("INTACT", "hashes checked with the tenant's chain key");

    String cut = export.out().lines().filter(line -> !line.contains("\"kind\":\"end\""))
        .reduce("", (a, b) -> a + b + "\n");
    Run incomplete = cli(env(), cut, "audit", "verify-export", "--key-file", keyFile.toString(), "-");
    assertThat(incomplete.exit()).as(incomplete.all()).isEqualTo(Exit.AUDIT_BROKEN);
    assertThat(incomplete.out()).contains("INCOMPLETE");
    assertThat(cli("audit", "export", "--from", "yesterday").exit()).isEqualTo(Exit.FAILED);
  }

  @Test
  @DisplayName("audit: list, and verify through the operator's route")
  void audit() {
    echoJob("echo for the audit");
    Run list = cli("audit", "list", "--type", "job.succeeded");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains("SEQ").contains("job.succeeded");
    Run verify = cli("audit", "verify", "--tenant", "demo");
    assertThat(verify.exit()).as(verify.all()).isZero();
    assertThat(verify.out()).startsWith("Intact: ").contains("tenant demo");
    Run json = cli("audit", "verify", "--tenant", "demo", "-o", "json");
    assertThat(json.json().getBoolean("intact")).isTrue();
    assertThat(cli("audit", "verify", "--tenant", "no-such-tenant").exit()).isEqualTo(Exit.NOT_FOUND);
  }

  @Test
  @DisplayName("installations: list, a claim code, the claims")
  void installations() {
    Run list = cli("installations", "list");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).containsPattern("(?m)^\\d+ +slack +T0DEMO +true ");
    Run claim = cli("installations", "claim", "discord", "300000000000000003");
    assertThat(claim.exit()).as(claim.all()).isZero();
    assertThat(claim.out()).contains("Claim code (shown only this once): sbc_");
    assertThat(cli("installations", "claims").out()).contains("300000000000000003");
    assertThat(cli("installations", "disable", "999999").exit()).isEqualTo(Exit.NOT_FOUND);
  }

  @Test
  @DisplayName("installations add: an own Slack app's secrets come from stdin, one line each, and are never printed")
  void ownSlackApp() {
    String signing = "own-app-signing-canary-91";
    String bot = "xoxb-own-app-bot-canary-92";
    slackApi.acceptBotToken(bot, "T0OWNCLI");
    Run missing = cli(env(), signing + "\n", "installations", "add", "slack", "T0OWNCLI", "--secret", "signingSecret",
        "--secret", "botToken");
    assertThat(missing.exit()).isEqualTo(Exit.USAGE);
    assertThat(missing.err()).contains("no value for botToken");
    Run bad = cli(env(), signing + "\n", "installations", "add", "slack", "T0OWNCLI", "--secret", "password");
    assertThat(bad.exit()).isEqualTo(Exit.USAGE);

    Run added = cli(env(), signing + "\n" + bot + "\n", "installations", "add", "slack", "T0OWNCLI",
        "--secret", "signingSecret", "--secret", "botToken");
    assertThat(added.exit()).as(added.all()).isZero();
    assertThat(added.out()).containsPattern("ownApp: +true").containsPattern("verifiedVia: +slack_auth_test");
    Run secrets = cli("secrets", "list");
    assertThat(secrets.out()).contains("slack-signing-secret.T0OWNCLI").contains("slack-bot-token.T0OWNCLI");
    Run again = cli(env(), signing + "\n" + bot + "\n", "installations", "add", "slack", "T0OWNCLI",
        "--secret", "signingSecret", "--secret", "botToken", "-o", "json");
    for (Run run : List.of(missing, bad, added, secrets, again, cli("installations", "list", "-o", "json"))) {
      assertThat(run.all()).doesNotContain(signing).doesNotContain(bot);
    }
  }

  @Test
  @DisplayName("approvals: an empty list says so, JSON parses, a missing one is exit 3")
  void approvals() {
    Run list = cli("approvals", "list", "--status", "pending");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).contains("No approvals.");
    assertThat(cli("approvals", "list", "-o", "json").json().getJsonArray("approvals")).isEmpty();
    assertThat(cli("approvals", "show", "424242").exit()).isEqualTo(Exit.NOT_FOUND);
    assertThat(cli("approvals", "list", "--status", "maybe").exit()).isEqualTo(Exit.FAILED);
  }

  @Test
  @DisplayName("the config file: used when private, refused with the fix when others may read it")
  void configFile() throws IOException {
    Path file = home.resolve("cli.properties");
    Files.writeString(file, "url=" + baseUrl() + "\ntoken=" + TOKEN + "\n");
    Map<String, String> env = Map.of("HOME", home.toString());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Run shared = cli(env, "", "jobs", "list", "--config", file.toString());
    assertThat(shared.exit()).isEqualTo(Exit.USAGE);
    assertThat(shared.err()).contains("chmod 600 " + file).contains("rw-r--r--");
    assertThat(shared.all()).doesNotContain(TOKEN);

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(cli(env, "", "jobs", "list", "--config", file.toString()).exit()).isZero();

    Path defaultFile = home.resolve(".config/switchboard/cli.properties");
    Files.createDirectories(defaultFile.getParent());
    Files.writeString(defaultFile, "url=" + baseUrl() + "\ntoken=" + TOKEN + "\nbogus=1\n");
    Files.setPosixFilePermissions(defaultFile, PosixFilePermissions.fromString("rw-------"));
    Run unknownKey = cli(env, "", "jobs", "list");
    assertThat(unknownKey.exit()).isEqualTo(Exit.USAGE);
    assertThat(unknownKey.err()).contains("unknown key 'bogus'");
    Files.writeString(defaultFile, "url=" + baseUrl() + "\ntoken=" + TOKEN + "\n");
    assertThat(cli(env, "", "jobs", "list").exit()).isZero();
    Files.delete(defaultFile);
  }

  @Test
  @DisplayName("--help works on every command; a group without a command and a bad option are exit 2")
  void help() {
    CommandLine root = Cli.commandLine(new Switchboard(), CliContext.of(Map.of(), new ByteArrayInputStream(new byte[0]),
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
    List<List<String>> paths = new ArrayList<>();
    root.getSubcommands().forEach((group, groupLine) -> {
      paths.add(List.of(group));
      groupLine.getSubcommands().keySet().forEach(command -> paths.add(List.of(group, command)));
    });
    assertThat(paths).hasSizeGreaterThan(30);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Run help = cli(env(), "", args.toArray(String[]::new));
      assertThat(help.exit()).as(String.join(" ", args)).isZero();
      assertThat(help.out()).as(String.join(" ", args)).contains("Usage: switchboard " + String.join(" ", path))
          .contains("Exit codes:").contains("not found");
    }
    assertThat(cli("policy", "apply", "-V").out()).startsWith("Switchboard ");
    Run group = cli("jobs");
    assertThat(group.exit()).isEqualTo(Exit.USAGE);
    assertThat(group.err()).contains("name a command: ").contains("list").contains("Usage: switchboard jobs");
    assertThat(cli("jobs", "list", "--no-such-option").exit()).isEqualTo(Exit.USAGE);
    assertThat(cli("jobs", "show", "not-a-number").exit()).isEqualTo(Exit.USAGE);
  }

  @Test
  @DisplayName("the launcher's roles parse as before, beside the commands")
  void rolesStillParse() {
    for (String role : List.of("all", "gateway", "executor", "migrate")) {
      CommandLine.ParseResult parsed = Cli.commandLine(new Switchboard(), CliContext.of(Map.of(),
          new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()))).parseArgs(role);
      assertThat(parsed.subcommand()).isNull();
      assertThat(parsed.matchedPositionalValue(0, "")).isEqualTo(role);
    }
  }

  @Test
  @DisplayName("config check: a malformed variable is named, exit 1")
  void configCheckBadVariable() {
    Run run = cli(Map.of("SWITCHBOARD_PACING_SLACK_MILLIS", "soon", "SWITCHBOARD_HTTP_PORT", "80800"), "",
        "config", "check");
    assertThat(run.exit()).isEqualTo(Exit.FAILED);
    assertThat(run.out()).contains("FAIL  settings: SWITCHBOARD_HTTP_PORT must be a TCP port")
        .contains("config check: ");
    Run platforms = cli(Map.of("SWITCHBOARD_PACING_SLACK_MILLIS", "soon"), "", "config", "check", "--offline");
    assertThat(platforms.exit()).isEqualTo(Exit.FAILED);
    assertThat(platforms.out()).contains("FAIL  chat platforms: ").contains("SWITCHBOARD_PACING_SLACK_MILLIS");
    Run role = cli(Map.of(), "", "config", "check", "--role", "gateway", "--offline");
    assertThat(role.exit()).isEqualTo(Exit.FAILED);
    assertThat(role.out()).contains("role gateway shares its database with other nodes: set SWITCHBOARD_DATABASE_URL");
  }

  @Test
  @DisplayName("config check: tracing's OTEL_* settings are checked as start-up checks them")
  void configCheckTracing() {
    Run off = cli(Map.of(), "", "config", "check", "--offline");
    assertThat(off.out()).contains("ok    tracing: tracing is off (OTEL_TRACES_EXPORTER is not set)");
    Run on = cli(Map.of("OTEL_TRACES_EXPORTER", "none"), "", "config", "check", "--offline");
    assertThat(on.out()).contains("ok    tracing: tracing is on");
    Run bad = cli(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_TRACES_SAMPLER", "sometimes"), "", "config", "check",
        "--offline");
    assertThat(bad.exit()).isEqualTo(Exit.FAILED);
    assertThat(bad.out()).contains("FAIL  tracing: tracing is misconfigured: ").contains("OTEL_TRACES_SAMPLER");
  }

  @Test
  @DisplayName("config check: an HTTP port in use is a warning (it may be this node), not a failure")
  void configCheckBusyPort() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Run run = cli(Map.of("SWITCHBOARD_HTTP_HOST", "127.0.0.1", "SWITCHBOARD_HTTP_PORT", Integer.toString(port)), "",
          "config", "check");
      assertThat(run.exit()).as(run.all()).isZero();
      assertThat(run.out()).contains("warn  SWITCHBOARD_HTTP_PORT: port " + port + " on 127.0.0.1 is already in use")
          .contains("ok    database: embedded PostgreSQL under ");
    }
  }

  @Test
  @DisplayName("config check: an unreachable database, a closed cluster member and refused Teams credentials fail, "
      + "and no secret is printed")
  void configCheckFailures() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    try (BotFrameworkStandIn teams = BotFrameworkStandIn.start()) {
      Map<String, String> env = new HashMap<>(Map.of(
          "SWITCHBOARD_DATABASE_URL", "postgresql://switchboard:db-password-canary@127.0.0.1:" + closed + "/switchboard",
          "SWITCHBOARD_MASTER_KEY", TestSecrets.MASTER_KEY,
          "SWITCHBOARD_OPERATOR_TOKEN", "operator-token-canary",
          "SWITCHBOARD_SLACK_SIGNING_SECRET", "slack-secret-canary",
          "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + closed,
          "SWITCHBOARD_TEAMS_APP_ID", BotFrameworkStandIn.APP_ID,
          "SWITCHBOARD_TEAMS_APP_PASSWORD", "teams-password-canary",
          "SWITCHBOARD_TEAMS_TOKEN_URL", teams.tokenUrl(),
          "SWITCHBOARD_TEAMS_OPENID_METADATA_URL", teams.openIdMetadataUrl()));
      Run run = cli(env, "", "config", "check", "--timeout", "3");
      assertThat(run.exit()).as(run.all()).isEqualTo(Exit.FAILED);
      assertThat(run.out())
          .contains("FAIL  database: cannot use postgresql://switchboard@127.0.0.1:" + closed + "/switchboard")
          .contains("check SWITCHBOARD_DATABASE_URL")
          .contains("FAIL  cluster member 127.0.0.1:" + closed + ": no TCP connection")
          .contains("FAIL  teams: the token endpoint").contains("SWITCHBOARD_TEAMS_APP_PASSWORD (HTTP 401")
          .contains("ok    slack: shared app's signing secret set");
      Run json = cli(env, "", "config", "check", "--timeout", "3", "-o", "json");
      assertThat(json.json().getBoolean("ok")).isFalse();
      for (Run printed : List.of(run, json)) {
        assertThat(printed.all()).doesNotContain("db-password-canary").doesNotContain(TestSecrets.MASTER_KEY)
            .doesNotContain("operator-token-canary").doesNotContain("slack-secret-canary")
            .doesNotContain("teams-password-canary");
      }
    }
  }

  @Test
  @DisplayName("config check: a reachable database, Vault with a valid token, and Teams credentials pass")
  void configCheckPasses() {
    try (VaultStandIn vault = VaultStandIn.start("secret"); BotFrameworkStandIn teams = BotFrameworkStandIn.start()) {
      String vaultToken = vault.createToken(3600, true);
      Map<String, String> env = new HashMap<>(teams.env());
      env.putAll(Map.of("SWITCHBOARD_DATABASE_URL", database.withCredentials(),
          "SWITCHBOARD_MASTER_KEY", TestSecrets.MASTER_KEY,
          "SWITCHBOARD_SECRET_STORE", "vault",
          "SWITCHBOARD_VAULT_ADDR", vault.address(),
          "SWITCHBOARD_VAULT_TOKEN", vaultToken));
      Run run = cli(env, "", "config", "check", "--role", "gateway");
      assertThat(run.exit()).as(run.all()).isZero();
      assertThat(run.out()).contains("ok    database: " + database + " answers (PostgreSQL ")
          .contains("ok    vault: " + vault.address() + " answers and accepts SWITCHBOARD_VAULT_TOKEN")
          .contains("ok    teams: the Bot Framework issued a token").contains("config check: no problems found");
      assertThat(run.all()).doesNotContain(vaultToken).doesNotContain(database.password())
          .doesNotContain(BotFrameworkStandIn.APP_PASSWORD);

      env.put("SWITCHBOARD_VAULT_TOKEN", "not-a-vault-token");
      Run refused = cli(env, "", "config", "check", "--role", "gateway");
      assertThat(refused.exit()).isEqualTo(Exit.FAILED);
      assertThat(refused.out()).contains("FAIL  vault: ").contains("refuses SWITCHBOARD_VAULT_TOKEN (403)");
      assertThat(refused.all()).doesNotContain("not-a-vault-token");
    }
  }
}

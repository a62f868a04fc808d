package io.switchboard.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchboardConfigTest {

  @Test
  void noConfigurationMeansTheEmbeddedDefault() {
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.databaseUrl()).isEmpty();
    assertThat(config.demoTenant()).isTrue();
    assertThat(config.slackResponseUrlPrefixes()).containsExactly("https://hooks.slack.com/");
    assertThat(config.jobLease()).isGreaterThan(config.actionTimeout());
  }

  @Test
  void anExternalDatabaseTurnsTheDemoTenantOffUnlessAskedFor() {
    Map<String, String> env = Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://u:p@h:5432/sb");
    assertThat(SwitchboardConfig.fromEnv(env).demoTenant()).isFalse();
    assertThat(SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_DATABASE_URL", "postgresql://u:p@h:5432/sb", "SWITCHBOARD_DEMO_TENANT", "true")).demoTenant())
        .isTrue();
  }

  @Test
  void readsListsAndDurations() {
    SwitchboardConfig config = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", "http://127.0.0.1:9/, https://hooks.slack.com/",
        "SWITCHBOARD_EXECUTOR_POLL_MILLIS", "250",
        "SWITCHBOARD_EXECUTOR_GAUGE_MILLIS", "1000"));
    assertThat(config.slackResponseUrlPrefixes()).isEqualTo(List.of("http://127.0.0.1:9/", "https://hooks.slack.com/"));
    assertThat(config.executorPollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.executorGaugeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(SwitchboardConfig.fromEnv(Map.of()).executorGaugeInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void pacingDefaultsToThePlatformsLimitsAndReadsWorkspaceRates() {
    Pacing defaults = SwitchboardConfig.fromEnv(Map.of()).pacing();
    assertThat(defaults.workspaceRates()).containsEntry("slack", new WorkspaceRate(200, 50))
        .containsEntry("teams", new WorkspaceRate(1500, 1500)).containsEntry("discord", new WorkspaceRate(1500, 1500));
    assertThat(defaults.intervals()).containsEntry("slack", Duration.ofSeconds(1));

    Pacing configured = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_PACING_SLACK_WORKSPACE_POSTS_PER_MINUTE", "120",
        "SWITCHBOARD_PACING_SLACK_WORKSPACE_EDITS_PER_MINUTE", "30")).pacing();
    assertThat(configured.slackWorkspace()).isEqualTo(new WorkspaceRate(120, 30));
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_PACING_TEAMS_WORKSPACE_EDITS_PER_MINUTE", "0")))
        .hasMessageContaining("SWITCHBOARD_PACING_TEAMS_WORKSPACE_EDITS_PER_MINUTE");
  }

  @Test
  void teamsGraphAndSignInDefaultToMicrosoftAndAreConfigurable() {
    TeamsApp defaults = SwitchboardConfig.fromEnv(Map.of()).teamsApp();
    assertThat(defaults.graphUrl()).isEqualTo("https://graph.microsoft.com");
    assertThat(defaults.loginUrl()).isEqualTo("https://login.microsoftonline.com");

    TeamsApp configured = SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_TEAMS_GRAPH_URL", "http://127.0.0.1:9/graph/",
        "SWITCHBOARD_TEAMS_LOGIN_URL", "http://127.0.0.1:9/login")).teamsApp();
    assertThat(configured.graphUrl()).isEqualTo("http://127.0.0.1:9/graph");
    assertThat(configured.loginUrl()).isEqualTo("http://127.0.0.1:9/login");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_TEAMS_GRAPH_URL", "graph.microsoft.com")))
        .hasMessageContaining("SWITCHBOARD_TEAMS_GRAPH_URL");
  }

  @Test
  void theSlackAppDefaultsToSlackAndInstallsOnlyWithAnOAuthClient() {
    SwitchboardConfig.SlackApp slack = SwitchboardConfig.fromEnv(Map.of()).slackApp();
    assertThat(slack.apiUrl()).isEqualTo("https://slack.com/api/");
    assertThat(slack.authorizeUrl()).isEqualTo("https://slack.com/oauth/v2/authorize");
    assertThat(slack.scopes()).containsExactly("commands", "chat:write", "app_mentions:read", "im:history", "usergroups:read",
        "files:write");
    assertThat(slack.oauthEnabled()).isFalse();

    SwitchboardConfig.SlackApp configured = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_SLACK_API_URL", "http://127.0.0.1:9/api",
        "SWITCHBOARD_SLACK_CLIENT_ID", "123.456", "SWITCHBOARD_SLACK_CLIENT_SECRET", "s3cret")).slackApp();
    assertThat(configured.apiUrl()).isEqualTo("http://127.0.0.1:9/api/");
    assertThat(configured.oauthEnabled()).isTrue();
    assertThat(configured.stateSecret()).contains("s3cret");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_SLACK_API_URL", "slack.com")))
        .hasMessageContaining("SWITCHBOARD_SLACK_API_URL");
  }

  @Test
  void theDiscordAppDefaultsToDiscordAndChecksItsKey() {
    SwitchboardConfig.DiscordApp discord = SwitchboardConfig.fromEnv(Map.of()).discordApp();
    assertThat(discord.apiUrl()).isEqualTo("https://discord.com/api/v10");
    assertThat(discord.publicKey()).isEmpty();
    SwitchboardConfig.DiscordApp configured = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_DISCORD_API_URL", "http://127.0.0.1:9/api/v10/",
        "SWITCHBOARD_DISCORD_APPLICATION_ID", "123456789012345678",
        "SWITCHBOARD_DISCORD_PUBLIC_KEY", "ab".repeat(32))).discordApp();
    assertThat(configured.apiUrl()).isEqualTo("http://127.0.0.1:9/api/v10");
    assertThat(configured.publicKey()).hasValue("ab".repeat(32));
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_DISCORD_PUBLIC_KEY", "abc")))
        .hasMessageContaining("SWITCHBOARD_DISCORD_PUBLIC_KEY");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_DISCORD_APPLICATION_ID", "app")))
        .hasMessageContaining("SWITCHBOARD_DISCORD_APPLICATION_ID");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_DISCORD_API_URL", "discord.com")))
        .hasMessageContaining("SWITCHBOARD_DISCORD_API_URL");
  }

  @Test
  void theClusterIsOffUnlessMembersAreListed() {
    assertThat(SwitchboardConfig.fromEnv(Map.of()).cluster().enabled()).isFalse();
    SwitchboardConfig.Cluster cluster = SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_CLUSTER_MEMBERS", "10.0.0.5:5701, 10.0.0.6:5701",
        "SWITCHBOARD_CLUSTER_HOST", "10.0.0.5",
        "SWITCHBOARD_CLUSTER_PORT", "5801")).cluster();
    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.members()).containsExactly("10.0.0.5:5701", "10.0.0.6:5701");
    assertThat(cluster.host()).isEqualTo("10.0.0.5");
    assertThat(cluster.port()).isEqualTo(5801);
    assertThat(cluster.eventBusPort()).isZero();
  }

  @Test
  void notificationsDedupForTenMinutesAndGroupForTenSecondsUnlessConfigured() {
    Notifications defaults = SwitchboardConfig.fromEnv(Map.of()).notifications();
    assertThat(defaults.dedupWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.groupWait()).isEqualTo(Duration.ofSeconds(10));
    Notifications configured = SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_NOTIFY_DEDUP_SECONDS", "3600",
        "SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", "30")).notifications();
    assertThat(configured.dedupWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(configured.groupWait()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS", "0")))
        .hasMessageContaining("SWITCHBOARD_NOTIFY_GROUP_WAIT_SECONDS");
  }

  @Test
  void theSandboxAnswersOnlyThisMachineUnlessRemoteVisitorsAreAllowed() {
    assertThat(SwitchboardConfig.fromEnv(Map.of()).sandboxAllowRemote()).isFalse();
    assertThat(SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_SANDBOX_ALLOW_REMOTE", "true")).sandboxAllowRemote())
        .isTrue();
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_SANDBOX_ALLOW_REMOTE", "everyone")))
        .hasMessageContaining("SWITCHBOARD_SANDBOX_ALLOW_REMOTE").hasMessageContaining("everyone");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_HTTP_PORT", "http")))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_HTTP_PORT", "70000")))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of("SWITCHBOARD_DEMO_TENANT", "maybe")))
        .hasMessageContaining("SWITCHBOARD_DEMO_TENANT");
    assertThatThrownBy(() -> SwitchboardConfig.fromEnv(Map.of(
        "SWITCHBOARD_ACTION_TIMEOUT_SECONDS", "60", "SWITCHBOARD_JOB_LEASE_SECONDS", "30")))
        .hasMessageContaining("SWITCHBOARD_JOB_LEASE_SECONDS");
  }
}

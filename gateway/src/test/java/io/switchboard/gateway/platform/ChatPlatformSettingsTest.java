package io.switchboard.gateway.platform;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.PublicUrl;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.discord.DiscordApp;
import io.switchboard.gateway.discord.DiscordSettings;
import io.switchboard.gateway.pacing.PlatformPacing;
import io.switchboard.gateway.sandbox.SandboxSettings;
import io.switchboard.gateway.slack.SlackApp;
import io.switchboard.gateway.slack.SlackSettings;
import io.switchboard.gateway.teams.TeamsApp;
import io.switchboard.gateway.teams.TeamsSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Each chat platform reads its own settings, and a bad value stops the node naming the variable")
class ChatPlatformSettingsTest {

  @Test
  void everyPlatformIsInstalledByDefaultAndTheSandboxOnlyOnTheEmbeddedNode() {
    assertThat(ChatPlatforms.installed(env(Map.of())).stream().map(PlatformSettings::platform))
        .containsExactly("slack", "teams", "discord", "mattermost", "sandbox");
    assertThat(ChatPlatforms.installed(env(Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://u:p@h:5432/sb")))
        .stream().map(PlatformSettings::platform)).containsExactly("slack", "teams", "discord", "mattermost");
    assertThat(ChatPlatforms.installed(env(Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://u:p@h:5432/sb",
        "SWITCHBOARD_SANDBOX_ENABLED", "true"))).stream().map(PlatformSettings::platform)).contains("sandbox");
  }

  @Test
  void aMalformedValueOfAnyPlatformFailsTheWholeListNamingTheVariable() {
    for (String variable : List.of("SWITCHBOARD_SLACK_API_URL", "SWITCHBOARD_PUBLIC_URL", "SWITCHBOARD_TEAMS_GRAPH_URL",
        "SWITCHBOARD_DISCORD_API_URL", "SWITCHBOARD_PACING_DISCORD_MILLIS", "SWITCHBOARD_SANDBOX_ENABLED")) {
      assertThatThrownBy(() -> ChatPlatforms.installed(env(Map.of(variable, "-1"))))
          .as(variable).hasMessageContaining(variable);
    }
  }

  @Test
  void pacingDefaultsToEachPlatformsLimitsAndReadsItsOwnVariables() {
    assertThat(SlackSettings.fromEnv(env(Map.of())).pacing())
        .isEqualTo(new PlatformPacing(Duration.ofSeconds(1), new WorkspaceRate(200, 50)));
    assertThat(TeamsSettings.fromEnv(env(Map.of())).pacing())
        .isEqualTo(new PlatformPacing(Duration.ofSeconds(2), new WorkspaceRate(1500, 1500)));
    assertThat(DiscordSettings.fromEnv(env(Map.of())).pacing())
        .isEqualTo(new PlatformPacing(Duration.ofSeconds(1), new WorkspaceRate(1500, 1500)));
    assertThat(SandboxSettings.fromEnv(env(Map.of())).outboundPacing()).isEmpty();

    assertThat(SlackSettings.fromEnv(env(Map.of("SWITCHBOARD_PACING_SLACK_MILLIS", "1500",
        "SWITCHBOARD_PACING_SLACK_WORKSPACE_POSTS_PER_MINUTE", "120",
        "SWITCHBOARD_PACING_SLACK_WORKSPACE_EDITS_PER_MINUTE", "30"))).pacing())
        .isEqualTo(new PlatformPacing(Duration.ofMillis(1500), new WorkspaceRate(120, 30)));
    assertThatThrownBy(() -> TeamsSettings.fromEnv(env(Map.of("SWITCHBOARD_PACING_TEAMS_WORKSPACE_EDITS_PER_MINUTE",
        "0")))).hasMessageContaining("SWITCHBOARD_PACING_TEAMS_WORKSPACE_EDITS_PER_MINUTE");
  }

  @Test
  void slackDefaultsToSlackAndInstallsOnlyWithAnOAuthClient() {
    SlackSettings defaults = SlackSettings.fromEnv(env(Map.of()));
    SlackApp slack = defaults.app();
    assertThat(slack.apiUrl()).isEqualTo("https://slack.com/api/");
    assertThat(slack.authorizeUrl()).isEqualTo("https://slack.com/oauth/v2/authorize");
    assertThat(slack.scopes()).containsExactly("commands", "chat:write", "app_mentions:read", "im:history",
        "usergroups:read", "files:write");
    assertThat(slack.oauthEnabled()).isFalse();
    assertThat(defaults.responseUrlPrefixes()).containsExactly("https://hooks.slack.com/");
    assertThat(defaults.signingSecret()).isEmpty();
    assertThat(defaults.publicUrl()).isEmpty();

    SlackSettings configured = SlackSettings.fromEnv(env(Map.of(
        "SWITCHBOARD_SLACK_API_URL", "http://127.0.0.1:9/api",
        "SWITCHBOARD_SLACK_CLIENT_ID", "123.456", "SWITCHBOARD_SLACK_CLIENT_SECRET", "s3cret",
        "SWITCHBOARD_SLACK_SIGNING_SECRET", "signing-s3cret",
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", "http://127.0.0.1:9/, https://hooks.slack.com/",
        "SWITCHBOARD_PUBLIC_URL", "https://chatops.example.com/")));
    assertThat(configured.publicUrl().map(PublicUrl::base)).hasValue("https://chatops.example.com");
    assertThat(configured.app().apiUrl()).isEqualTo("http://127.0.0.1:9/api/");
    assertThat(configured.app().oauthEnabled()).isTrue();
    assertThat(configured.app().stateSecret()).contains("s3cret");
    assertThat(configured.responseUrlPrefixes()).containsExactly("http://127.0.0.1:9/", "https://hooks.slack.com/");
    assertThat(configured.toString()).as("settings are printable without their secrets")
        .doesNotContain("s3cret").doesNotContain("signing-s3cret");
    assertThatThrownBy(() -> SlackSettings.fromEnv(env(Map.of("SWITCHBOARD_SLACK_API_URL", "slack.com"))))
        .hasMessageContaining("SWITCHBOARD_SLACK_API_URL");
    assertThatThrownBy(() -> SlackSettings.fromEnv(env(Map.of("SWITCHBOARD_PUBLIC_URL", "http://chatops.example.com"))))
        .hasMessageContaining("SWITCHBOARD_PUBLIC_URL").hasMessageContaining("https");
  }

  @Test
  void teamsGraphAndSignInDefaultToMicrosoftAndAreConfigurable() {
    TeamsApp defaults = TeamsSettings.fromEnv(env(Map.of())).app();
    assertThat(defaults.graphUrl()).isEqualTo("https://graph.microsoft.com");
    assertThat(defaults.loginUrl()).isEqualTo("https://login.microsoftonline.com");
    assertThat(defaults.enabled()).isFalse();

    TeamsApp configured = TeamsSettings.fromEnv(env(Map.of("SWITCHBOARD_TEAMS_GRAPH_URL", "http://127.0.0.1:9/graph/",
        "SWITCHBOARD_TEAMS_LOGIN_URL", "http://127.0.0.1:9/login"))).app();
    assertThat(configured.graphUrl()).isEqualTo("http://127.0.0.1:9/graph");
    assertThat(configured.loginUrl()).isEqualTo("http://127.0.0.1:9/login");
    assertThatThrownBy(() -> TeamsSettings.fromEnv(env(Map.of("SWITCHBOARD_TEAMS_GRAPH_URL", "graph.microsoft.com"))))
        .hasMessageContaining("SWITCHBOARD_TEAMS_GRAPH_URL");
  }

  @Test
  void discordDefaultsToDiscordAndChecksItsKey() {
    DiscordApp discord = DiscordSettings.fromEnv(env(Map.of())).app();
    assertThat(discord.apiUrl()).isEqualTo("https://discord.com/api/v10");
    assertThat(discord.publicKey()).isEmpty();
    DiscordApp configured = DiscordSettings.fromEnv(env(Map.of(
        "SWITCHBOARD_DISCORD_API_URL", "http://127.0.0.1:9/api/v10/",
        "SWITCHBOARD_DISCORD_APPLICATION_ID", "123456789012345678",
        "SWITCHBOARD_DISCORD_PUBLIC_KEY", "ab".repeat(32)))).app();
    assertThat(configured.apiUrl()).isEqualTo("http://127.0.0.1:9/api/v10");
    assertThat(configured.publicKey()).hasValue("ab".repeat(32));
    assertThatThrownBy(() -> DiscordSettings.fromEnv(env(Map.of("SWITCHBOARD_DISCORD_PUBLIC_KEY", "abc"))))
        .hasMessageContaining("SWITCHBOARD_DISCORD_PUBLIC_KEY");
    assertThatThrownBy(() -> DiscordSettings.fromEnv(env(Map.of("SWITCHBOARD_DISCORD_APPLICATION_ID", "app"))))
        .hasMessageContaining("SWITCHBOARD_DISCORD_APPLICATION_ID");
  }

  @Test
  void theSandboxAnswersOnlyThisMachineUnlessRemoteVisitorsAreAllowed() {
    assertThat(SandboxSettings.fromEnv(env(Map.of())).allowRemote()).isFalse();
    assertThat(SandboxSettings.fromEnv(env(Map.of())).sessionIdle()).isEqualTo(Duration.ofHours(24));
    assertThat(SandboxSettings.fromEnv(env(Map.of("SWITCHBOARD_SANDBOX_ALLOW_REMOTE", "true"))).allowRemote()).isTrue();
    assertThatThrownBy(() -> SandboxSettings.fromEnv(env(Map.of("SWITCHBOARD_SANDBOX_ALLOW_REMOTE", "everyone"))))
        .hasMessageContaining("SWITCHBOARD_SANDBOX_ALLOW_REMOTE").hasMessageContaining("everyone");
  }

  private static Environment env(Map<String, String> variables) {
    return new Environment(variables);
  }
}

package io.switchboard.gateway;

import io.switchboard.gateway.discord.ApplicationCommand;
import io.switchboard.gateway.discord.ButtonClick;
import io.switchboard.gateway.mattermost.MattermostButtons;
import io.switchboard.gateway.sandbox.SandboxSession;
import io.switchboard.gateway.sandbox.SandboxSessions;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's records that carry a secret print it as {@code [redacted]}, so logging one leaks nothing. */
class SecretRecordsTest {

  @Test
  void aSandboxSessionMadeNowPrintsItsSessionNotItsCookieToken() {
    SandboxSessions.Created created = new SandboxSessions.Created(new SandboxSession("sandbox", "s-1", "U1"),
        "sandbox-cookie-token");

    assertThat(created.toString()).doesNotContain("sandbox-cookie-token").contains("token=[redacted]", "s-1");
  }

  @Test
  void discordInteractionsPrintEverythingButTheirInteractionToken() {
    ButtonClick click = new ButtonClick("i-1", "app-1", "discord-interaction-token", "C1", "U1", Set.of(), "rerun", 42);
    ApplicationCommand command = new ApplicationCommand("i-2", "app-1", "discord-command-token", Optional.of("G1"),
        "C1", "U1", Set.of(), "sb", "deploy api");

    assertThat(click.toString()).doesNotContain("discord-interaction-token").contains("token=[redacted]", "rerun");
    assertThat(command.toString()).doesNotContain("discord-command-token").contains("token=[redacted]", "deploy api");
  }

  @Test
  void mattermostButtonsPrintTheirTeamNotTheirActionKey() {
    MattermostButtons buttons = new MattermostButtons(Optional.of("https://sb.example/mattermost/actions"), "team-1",
        "mattermost-action-key");

    assertThat(buttons.toString()).doesNotContain("mattermost-action-key").contains("actionKey=[redacted]", "team-1");
  }
}

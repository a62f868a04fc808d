package io.switchboard.gateway.discord;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.fuzz.HostileInput;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Instant;

/**
 * Fuzzing of {@code /discord/interactions} with interactions signed by the shared application (so
 * they pass the Ed25519 check): commands with any text, options, guild, channel and user ids, clicks
 * with any custom id, and bodies of any text. Each answer must be a 4xx problem that made no job, or
 * a normal answer; never a 5xx (issue 11 saw NUL characters in Discord interactions reach PostgreSQL).
 */
@Label("Fuzzing Discord interactions signed by the shared application")
class DiscordInteractionsFuzzTest {

  private static final SignedInteraction.App SHARED = SignedInteraction.App.generate("810000000000000001");

  private static DiscordApiStandIn discord;
  private static GatewayFixture fixture;

  @BeforeContainer
  static void start() {
    discord = DiscordApiStandIn.start();
    fixture = new GatewayFixture(discord.env(SHARED.applicationId(), SHARED.publicKeyHex()));
    Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord",
        DiscordInteractionsTest.ACME_GUILD, null, null, InstallationProof.OPERATOR)));
  }

  @AfterContainer
  static void stop() {
    try {
      HostileInput.assertStillReady(fixture);
    } finally {
      fixture.close();
      discord.close();
    }
  }

  @Property
  @Label("a command with any text, from any guild, channel and user")
  void commands(@ForAll(supplier = HostileInput.Text.class) String text, @ForAll(supplier = HostileInput.Text.class) String guild, @ForAll(supplier = HostileInput.Text.class) String channel,
                @ForAll(supplier = HostileInput.Text.class) String user) {
    for (JsonObject command : new JsonObject[] {
        SignedInteraction.command(SHARED, DiscordInteractionsTest.ACME_GUILD, DiscordInteractionsTest.CHANNEL,
            DiscordInteractionsTest.ALICE, text),
        SignedInteraction.command(SHARED, guild, channel, user, "echo hi")}) {
      long jobs = fixture.jobCount();
      HostileInput.assertRefusedCleanlyOrServed(fixture, SignedInteraction.post(fixture.baseUrl(), SHARED, command),
          jobs);
    }
  }

  @Property
  @Label("an interaction whose fields hold any JSON")
  void anyFields(@ForAll(supplier = HostileInput.Json.class) Object value, @ForAll("field") String field) {
    long jobs = fixture.jobCount();
    JsonObject command = SignedInteraction.command(SHARED, DiscordInteractionsTest.ACME_GUILD,
        DiscordInteractionsTest.CHANNEL, DiscordInteractionsTest.ALICE, "echo hi");
    command.put(field, value);
    HostileInput.assertRefusedCleanlyOrServed(fixture, SignedInteraction.post(fixture.baseUrl(), SHARED, command), jobs);
    jobs = fixture.jobCount();
    JsonObject click = SignedInteraction.click(SHARED, DiscordInteractionsTest.ACME_GUILD,
        DiscordInteractionsTest.CHANNEL, DiscordInteractionsTest.ALICE, String.valueOf(value));
    HostileInput.assertRefusedCleanlyOrServed(fixture, SignedInteraction.post(fixture.baseUrl(), SHARED, click), jobs);
  }

  @Property
  @Label("a signed body of any text")
  void anyBody(@ForAll(supplier = HostileInput.Text.class) String body) {
    long jobs = fixture.jobCount();
    HostileInput.assertRefusedCleanlyOrServed(fixture, SignedInteraction.post(fixture.baseUrl(), SHARED, body,
        Instant.now()), jobs);
  }

  @Provide
  Arbitrary<String> field() {
    return net.jqwik.api.Arbitraries.of("type", "guild_id", "channel_id", "member", "user", "data", "token",
        "application_id", "id", "version", "locale", "message");
  }
}

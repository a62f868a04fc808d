package io.switchboard.gateway.discord;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.platform.ChatPlatformContract;
import io.switchboard.gateway.platform.PlatformDriver;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.discord.DiscordApiStandIn;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * The platform contract through Discord application commands: the answer, progress and result are
 * edits of the interaction's original response, so only such edits carrying the result count.
 */
@DisplayName("Platform contract: Discord interactions")
class DiscordPlatformContractTest extends ChatPlatformContract {

  @Override
  protected PlatformDriver start() {
    return new DiscordDriver();
  }

  private static final class DiscordDriver implements PlatformDriver {

    private static final Map<String, String> GUILDS = Map.of("acme", "100000000000000001", "globex", "200000000000000002");
    private static final Map<String, String> USERS = Map.of("alice", "710000000000000001", "bob", "720000000000000002",
        "carol", "730000000000000003");
    private static final String CHANNEL = "500000000000000005";

    private final SignedInteraction.App shared = SignedInteraction.App.generate("810000000000000001");
    private final DiscordApiStandIn discord = DiscordApiStandIn.start();
    private final GatewayFixture fixture =
        new GatewayFixture(discord.env(shared.applicationId(), shared.publicKeyHex()));

    DiscordDriver() {
      Await.result(fixture.pool().withTransaction(tx -> Installations.add(tx, "acme", "discord", GUILDS.get("acme"),
              null, null, InstallationProof.OPERATOR)
          .compose(v -> Installations.add(tx, "globex", "discord", GUILDS.get("globex"), null, null,
              InstallationProof.OPERATOR))));
    }

    @Override
    public GatewayFixture fixture() {
      return fixture;
    }

    @Override
    public String platform() {
      return "discord";
    }

    @Override
    public String subject(String user) {
      return "discord:user:" + USERS.get(user);
    }

    @Override
    public Delivery command(String tenant, String user, String text) {
      JsonObject interaction = SignedInteraction.command(shared, GUILDS.get(tenant), CHANNEL, USERS.get(user), text);
      String token = interaction.getString("token");
      discord.issueToken(token);
      return Delivery.of(() -> {
        HttpResponse<String> response = SignedInteraction.post(fixture.baseUrl(), shared, interaction);
        if (response.statusCode() != 200) {
          throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
      }, () -> {
        JsonObject original = discord.original(token);
        return original == null ? "" : original.getString("content", "") + original.encode();
      });
    }

    @Override
    public int commandFromUnknownWorkspace(String user, String text) {
      return SignedInteraction.post(fixture.baseUrl(), shared,
          SignedInteraction.command(shared, "300000000000000003", CHANNEL, USERS.get(user), text)).statusCode();
    }

    @Override
    public void approve(String tenant, String user, long approvalId) {
      JsonObject click = SignedInteraction.click(shared, GUILDS.get(tenant), CHANNEL, USERS.get(user),
          "approval.approve:" + approvalId);
      discord.issueToken(click.getString("token"));
      int status = SignedInteraction.post(fixture.baseUrl(), shared, click).statusCode();
      if (status != 200) {
        throw new AssertionError("the click was answered " + status);
      }
    }

    @Override
    public List<String> resultDeliveries(String tenant, long jobId) {
      Row job = Await.result(fixture.pool().preparedQuery("SELECT reply_to->>'token' AS token, output FROM jobs "
          + "WHERE tenant_id = $1 AND id = $2").execute(Tuple.of(tenant, jobId))).iterator().next();
      return discord.succeeded("edit_original").stream()
          .filter(call -> call.path().contains("/" + job.getString("token") + "/"))
          .map(call -> call.body().encode())
          .filter(body -> body.contains(job.getString("output")))
          .toList();
    }

    @Override
    public List<String> jobMessageEdits(String tenant, long jobId) {
      String token = Await.result(fixture.pool().preparedQuery("SELECT reply_to->>'token' FROM jobs "
          + "WHERE tenant_id = $1 AND id = $2").execute(Tuple.of(tenant, jobId))).iterator().next().getString(0);
      return discord.succeeded("edit_original").stream()
          .filter(call -> call.path().contains("/" + token + "/"))
          .map(call -> call.body().encode())
          .toList();
    }

    @Override
    public void refuseNextResultCall() {
      discord.rateLimit("edit_original", 1, 0.05);
    }

    @Override
    public boolean resultCallRefused() {
      return discord.calls().stream().anyMatch(call -> call.route().equals("edit_original") && call.status() == 429);
    }

    @Override
    public void close() {
      fixture.close();
      discord.close();
    }
  }
}

package io.switchboard.gateway.mattermost;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.platform.ChatPlatformContract;
import io.switchboard.gateway.platform.PlatformDriver;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.mattermost.MattermostStandIn;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform contract through Mattermost slash commands and buttons: each command is typed in a
 * channel of its own, so what the user was shown is the command's responses and the bot's posts in
 * that channel; a result counts only as an edit of the job's own post.
 */
@DisplayName("Platform contract: Mattermost")
class MattermostPlatformContractTest extends ChatPlatformContract {

  @Override
  protected PlatformDriver start() {
    return new MattermostDriver();
  }

  private static final class MattermostDriver implements PlatformDriver {

    private static final Map<String, String> TEAMS = Map.of("acme", MattermostTest.id("acmeteam"),
        "globex", MattermostTest.id("globexteam"));
    private static final Map<String, String> TOKENS = Map.of("acme", "acme-command-token-0001",
        "globex", "globex-command-token-01");
    private static final Map<String, String> USERS = Map.of("alice", MattermostTest.id("alice"),
        "bob", MattermostTest.id("bob"), "carol", MattermostTest.id("carol"));

    private final MattermostStandIn mattermost = MattermostStandIn.start()
        .account("acme-bot", new MattermostStandIn.Account(MattermostTest.id("acmebot"), true,
            Set.of(TEAMS.get("acme"))))
        .account("globex-bot", new MattermostStandIn.Account(MattermostTest.id("globexbot"), true,
            Set.of(TEAMS.get("globex"))));
    private final GatewayFixture fixture = new GatewayFixture(mattermost.env());
    private final AtomicInteger channels = new AtomicInteger();

    MattermostDriver() {
      for (String tenant : List.of("acme", "globex")) {
        HttpResponse<String> installed = MattermostRequests.install(fixture.baseUrl(),
            "acme".equals(tenant) ? GatewayFixture.ACME_TOKEN : GatewayFixture.GLOBEX_TOKEN,
            MattermostRequests.installation(TEAMS.get(tenant), mattermost.url(), TOKENS.get(tenant), tenant + "-bot"));
        if (installed.statusCode() != 201) {
          throw new AssertionError("HTTP " + installed.statusCode() + ": " + installed.body());
        }
      }
    }

    @Override
    public GatewayFixture fixture() {
      return fixture;
    }

    @Override
    public String platform() {
      return "mattermost";
    }

    @Override
    public String subject(String user) {
      return "mattermost:user:" + USERS.get(user);
    }

    @Override
    public Delivery command(String tenant, String user, String text) {
      String channel = MattermostTest.id("channel" + channels.incrementAndGet());
      Map<String, String> form = MattermostRequests.command(TOKENS.get(tenant), TEAMS.get(tenant), channel,
          USERS.get(user), text);
      List<String> responses = new CopyOnWriteArrayList<>();
      return Delivery.of(() -> {
        HttpResponse<String> response = MattermostRequests.postCommand(fixture.baseUrl(), form);
        if (response.statusCode() != 200) {
          throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        responses.add(new JsonObject(response.body()).getString("text", ""));
      }, () -> {
        StringBuilder shown = new StringBuilder(String.join("\n", responses));
        mattermost.succeeded("create_post").stream()
            .filter(call -> channel.equals(call.body().getString("channel_id")))
            .forEach(call -> shown.append('\n').append(call.body().getString("message", "")));
        return shown.toString();
      });
    }

    @Override
    public int commandFromUnknownWorkspace(String user, String text) {
      return MattermostRequests.postCommand(fixture.baseUrl(), MattermostRequests.command(TOKENS.get("acme"),
          MattermostTest.id("nosuchteam"), MattermostTest.id("channel"), USERS.get(user), text)).statusCode();
    }

    @Override
    public void approve(String tenant, String user, long approvalId) {
      String team = TEAMS.get(tenant);
      String key = new JsonObject(Await.result(fixture.secrets().get(tenant, "mattermost-installation." + team))
          .orElseThrow()).getString("actionKey");
      String value = Long.toString(approvalId);
      JsonObject context = new JsonObject().put("team", team).put("action", ApprovalMessages.APPROVE)
          .put("value", value).put("proof", ActionProof.sign(key, team, ApprovalMessages.APPROVE, value));
      int status = MattermostRequests.postClick(fixture.baseUrl(), MattermostRequests.click(team,
          MattermostTest.id("channel"), USERS.get(user), MattermostTest.id("post"), context)).statusCode();
      if (status != 200) {
        throw new AssertionError("the click was answered " + status);
      }
    }

    @Override
    public List<String> resultDeliveries(String tenant, long jobId) {
      Row job = Await.result(fixture.pool().preparedQuery("SELECT m.address->>'postId' AS post, j.output FROM jobs j "
          + "LEFT JOIN chat_job_messages m ON m.tenant_id = j.tenant_id AND m.job_id = j.id "
          + "WHERE j.tenant_id = $1 AND j.id = $2").execute(Tuple.of(tenant, jobId))).iterator().next();
      Optional<String> post = Optional.ofNullable(job.getString("post"));
      return mattermost.succeeded("patch_post").stream()
          .filter(call -> post.isPresent() && call.path().equals("/api/v4/posts/" + post.get() + "/patch"))
          .map(call -> call.body().encode())
          .filter(body -> body.contains(job.getString("output")))
          .toList();
    }

    @Override
    public List<String> jobMessageEdits(String tenant, long jobId) {
      List<String> posts = new ArrayList<>();
      Await.result(fixture.pool().preparedQuery("SELECT address->>'postId' FROM chat_job_messages "
          + "WHERE tenant_id = $1 AND job_id = $2").execute(Tuple.of(tenant, jobId)))
          .forEach(row -> posts.add(row.getString(0)));
      return mattermost.succeeded("patch_post").stream()
          .filter(call -> posts.stream().anyMatch(post -> call.path().equals("/api/v4/posts/" + post + "/patch")))
          .map(call -> call.body().encode())
          .toList();
    }

    @Override
    public void refuseNextResultCall() {
      mattermost.rateLimit("patch_post", 1);
    }

    @Override
    public boolean resultCallRefused() {
      return mattermost.calls().stream().anyMatch(call -> call.route().equals("patch_post") && call.status() == 429);
    }

    @Override
    public void close() {
      fixture.close();
      mattermost.close();
    }
  }
}

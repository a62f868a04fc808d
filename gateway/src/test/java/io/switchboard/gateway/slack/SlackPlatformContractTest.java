package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.platform.ChatPlatformContract;
import io.switchboard.gateway.platform.PlatformDriver;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The platform contract through Slack slash commands; results go to the command's {@code response_url}. */
@DisplayName("Platform contract: Slack slash commands")
class SlackPlatformContractTest extends ChatPlatformContract {

  @Override
  protected PlatformDriver start() {
    return new SlackDriver(new GatewayFixture());
  }

  private record SlackDriver(GatewayFixture fixture) implements PlatformDriver {

    private static final Map<String, String> USERS = Map.of("alice", "U0ALICE", "bob", "U0BOB", "carol", "U0CAROL");
    private static final String CHANNEL = "C0OPS";

    @Override
    public String platform() {
      return "slack";
    }

    @Override
    public String subject(String user) {
      return "slack:user:" + USERS.get(user);
    }

    @Override
    public Delivery command(String tenant, String user, String text) {
      SignedSlashCommand command = ("acme".equals(tenant) ? fixture.acmeCommand(text) : fixture.globexCommand(text))
          .field("user_id", USERS.get(user)).field("channel_id", CHANNEL);
      AtomicReference<String> answer = new AtomicReference<>();
      return Delivery.of(() -> {
        HttpResponse<String> response = command.post(fixture.baseUrl());
        if (response.statusCode() != 200) {
          throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        answer.set(new JsonObject(response.body()).getString("text"));
      }, () -> answer.get() == null ? "" : answer.get());
    }

    @Override
    public int commandFromUnknownWorkspace(String user, String text) {
      return SignedSlashCommand.of("nobody-signing-secret", "T0NOBODY", text, fixture.slack().responseUrl("nobody"))
          .field("user_id", USERS.get(user)).post(fixture.baseUrl()).statusCode();
    }

    @Override
    public void approve(String tenant, String user, long approvalId) {
      int status = fixture.acmeClick(USERS.get(user), CHANNEL, ApprovalMessages.APPROVE, approvalId)
          .post(fixture.baseUrl()).statusCode();
      if (status != 200) {
        throw new AssertionError("the click was answered " + status);
      }
    }

    @Override
    public List<String> resultDeliveries(String tenant, long jobId) {
      String url = Await.result(fixture.pool().preparedQuery("SELECT reply_to->>'url' FROM jobs WHERE tenant_id = $1 "
          + "AND id = $2").execute(Tuple.of(tenant, jobId))).iterator().next().getString(0);
      String path = URI.create(url).getPath();
      return fixture.slack().posts().stream().filter(post -> post.path().equals(path))
          .map(post -> post.message().encode()).toList();
    }

    /** A slash command's job has no message of its own: its result is posted to the response_url at the end. */
    @Override
    public List<String> jobMessageEdits(String tenant, long jobId) {
      return List.of();
    }

    @Override
    public boolean showsProgress() {
      return false;
    }

    /** A response_url has no rate limit of its own: the next post fails as Slack's servers sometimes do. */
    @Override
    public void refuseNextResultCall() {
      fixture.slack().failNext(1);
    }

    @Override
    public boolean resultCallRefused() {
      return fixture.slack().failuresPending() == 0;
    }

    @Override
    public void close() {
      fixture.close();
    }
  }
}

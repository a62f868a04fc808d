package io.switchboard.gateway.teams;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.platform.ChatPlatformContract;
import io.switchboard.gateway.platform.PlatformDriver;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.Http;
import io.switchboard.testkit.teams.BotFrameworkStandIn;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The platform contract through Teams mentions: the answer and the job's card are replies in the
 * command's thread, and the result replaces the job's card in place, so only such replacements
 * carrying the result count.
 */
@DisplayName("Platform contract: Microsoft Teams")
class TeamsPlatformContractTest extends ChatPlatformContract {

  @Override
  protected PlatformDriver start() {
    return new TeamsDriver();
  }

  private static final class TeamsDriver implements PlatformDriver {

    private static final Map<String, String> TEAMS_TENANTS = Map.of("acme", "72f988bf-0000-4000-8000-00000000acme",
        "globex", "72f988bf-0000-4000-8000-0000000g1bex");
    private static final Map<String, String> USERS = Map.of("alice", "aad-alice-0001", "bob", "aad-bob-0002",
        "carol", "aad-carol-0003");
    private static final String CHANNEL = "19:ops@thread.tacv2";

    private final BotFrameworkStandIn botFramework = BotFrameworkStandIn.start();
    private final GatewayFixture fixture = new GatewayFixture(botFramework.env());
    private final AtomicLong activities = new AtomicLong(1_700_000_000_000L);

    TeamsDriver() {
      TEAMS_TENANTS.forEach(this::bind);
    }

    @Override
    public GatewayFixture fixture() {
      return fixture;
    }

    @Override
    public String platform() {
      return "teams";
    }

    @Override
    public String subject(String user) {
      return "teams:user:" + USERS.get(user);
    }

    @Override
    public Delivery command(String tenant, String user, String text) {
      String activityId = Long.toString(activities.incrementAndGet());
      JsonObject mention = TeamsActivities.mention(botFramework.serviceUrl(), TEAMS_TENANTS.get(tenant), CHANNEL,
          activityId, USERS.get(user), text);
      return Delivery.of(() -> {
        HttpResponse<String> response = TeamsActivities.post(fixture.baseUrl(), botFramework.token(), mention);
        if (response.statusCode() / 100 != 2) {
          throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
      }, () -> botFramework.calls("POST").stream().filter(call -> activityId.equals(call.activityId()))
          .map(call -> call.body().encode()).collect(Collectors.joining("\n")));
    }

    @Override
    public int commandFromUnknownWorkspace(String user, String text) {
      return TeamsActivities.post(fixture.baseUrl(), botFramework.token(), TeamsActivities.mention(
          botFramework.serviceUrl(), UUID.randomUUID().toString(), CHANNEL,
          Long.toString(activities.incrementAndGet()), USERS.get(user), text)).statusCode();
    }

    @Override
    public void approve(String tenant, String user, long approvalId) {
      JsonObject click = TeamsActivities.submit(botFramework.serviceUrl(), TEAMS_TENANTS.get(tenant), CHANNEL,
          Long.toString(activities.incrementAndGet()), USERS.get(user), "1:approval-card",
          new JsonObject().put("switchboard", ApprovalMessages.APPROVE).put("value", Long.toString(approvalId)));
      int status = TeamsActivities.post(fixture.baseUrl(), botFramework.token(), click).statusCode();
      if (status / 100 != 2) {
        throw new AssertionError("the click was answered " + status);
      }
    }

    @Override
    public List<String> resultDeliveries(String tenant, long jobId) {
      String output = Await.result(fixture.pool().preparedQuery("SELECT output FROM jobs WHERE tenant_id = $1 "
          + "AND id = $2").execute(Tuple.of(tenant, jobId))).iterator().next().getString(0);
      return botFramework.calls("PUT").stream().map(call -> call.body().encode())
          .filter(body -> body.contains(output)).toList();
    }

    @Override
    public List<String> jobMessageEdits(String tenant, long jobId) {
      List<Row> message = new ArrayList<>();
      Await.result(fixture.pool().preparedQuery("SELECT address->>'activityId' AS activity FROM chat_job_messages "
          + "WHERE tenant_id = $1 AND job_id = $2").execute(Tuple.of(tenant, jobId))).forEach(message::add);
      return message.isEmpty() ? List.of() : botFramework.calls("PUT").stream()
          .filter(call -> message.get(0).getString("activity").equals(call.activityId()))
          .map(call -> call.body().encode())
          .toList();
    }

    @Override
    public void refuseNextResultCall() {
      botFramework.rateLimit("PUT", 1);
    }

    @Override
    public boolean resultCallRefused() {
      return botFramework.rateLimitedCalls().stream().anyMatch(call -> call.method().equals("PUT"));
    }

    @Override
    public void close() {
      fixture.close();
      botFramework.close();
    }

    /** The operator binds the Teams tenant (a tenant admin proves one with a claim code instead). */
    private void bind(String tenant, String teamsTenant) {
      HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(fixture.baseUrl()
              + "/api/v1/tenants/" + tenant + "/installations"))
          .header("Authorization", "Bearer " + GatewayFixture.OPERATOR_TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("platform", "teams")
              .put("workspaceId", teamsTenant).encode())).build());
      if (response.statusCode() != 201) {
        throw new AssertionError("binding " + teamsTenant + ": " + response.body());
      }
    }
  }
}

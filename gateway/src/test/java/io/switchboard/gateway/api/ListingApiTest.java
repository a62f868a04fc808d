package io.switchboard.gateway.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchboard.gateway.GatewayFixture.ACME_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /api/v1/jobs and /api/v1/audit: filters and pages")
class ListingApiTest extends AdminApiTestBase {


  @BeforeAll
  static void setUp() {
    for (int i = 1; i <= 5; i++) {
      fixture.acmeSays(i % 2 == 0 ? "U0BOB" : "U0ALICE", "echo number " + i);
    }
    long first = fixture.count("SELECT min(id) FROM jobs WHERE tenant_id = 'acme'");
    api.send("POST", "/api/v1/jobs/" + first + "/cancel", ACME_TOKEN, null);
  }

  @Test
  @DisplayName("jobs come newest first, filtered by requester, status and command")
  void filters() {
    JsonArray all = jobs("");
    assertThat(all).hasSize(5);
    assertThat(ids(all)).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(jobs("?requester=U0BOB").stream().map(j -> ((JsonObject) j).getString("commandText")))
        .containsExactly("/ops echo number 4", "/ops echo number 2");
    assertThat(jobs("?status=cancelled")).hasSize(1);
    assertThat(jobs("?status=queued&requester=U0ALICE")).hasSize(2);
    assertThat(jobs("?command=echo")).hasSize(5);
    assertThat(jobs("?command=deploy")).isEmpty();
  }

  @Test
  @DisplayName("pages of jobs follow nextBefore until it is null")
  void pages() {
    JsonObject first = ApiClient.json(api.get("/api/v1/jobs?limit=2", ACME_TOKEN));
    JsonObject second = ApiClient.json(api.get("/api/v1/jobs?limit=2&before=" + first.getLong("nextBefore"), ACME_TOKEN));
    JsonObject third = ApiClient.json(api.get("/api/v1/jobs?limit=2&before=" + second.getLong("nextBefore"), ACME_TOKEN));
    assertThat(third.getValue("nextBefore")).isNull();
    List<Long> seen = new java.util.ArrayList<>(ids(first.getJsonArray("jobs")));
    seen.addAll(ids(second.getJsonArray("jobs")));
    seen.addAll(ids(third.getJsonArray("jobs")));
    assertThat(seen).isEqualTo(ids(jobs("")));
  }

  @Test
  @DisplayName("the audit log reads in chain order, by type and job, and pages with nextAfter")
  void audit() {
    JsonObject page = ApiClient.json(api.get("/api/v1/audit?limit=3", ACME_TOKEN));
    JsonArray events = page.getJsonArray("events");
    assertThat(events).hasSize(3);
    assertThat(events.getJsonObject(2).getLong("seq")).isEqualTo(page.getLong("nextAfter"));
    JsonArray rest = ApiClient.json(api.get("/api/v1/audit?limit=500&after=" + page.getLong("nextAfter"), ACME_TOKEN))
        .getJsonArray("events");
    assertThat(rest.getJsonObject(0).getLong("seq")).isEqualTo(page.getLong("nextAfter") + 1);
    assertThat(3 + rest.size()).isEqualTo(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme'"));

    long job = fixture.count("SELECT min(id) FROM jobs WHERE tenant_id = 'acme'");
    JsonArray ofJob = ApiClient.json(api.get("/api/v1/audit?jobId=" + job, ACME_TOKEN)).getJsonArray("events");
    assertThat(ofJob).isNotEmpty().allSatisfy(e -> assertThat(((JsonObject) e).getLong("jobId")).isEqualTo(job));
    assertThat(ofJob.stream().map(e -> ((JsonObject) e).getString("type"))).contains("job.queued", "job.cancelled");
    JsonArray queued = ApiClient.json(api.get("/api/v1/audit?type=job.queued", ACME_TOKEN)).getJsonArray("events");
    assertThat(queued).hasSize(5);
    assertThat(queued.getJsonObject(0).getString("hash")).hasSize(64);
  }

  private static JsonArray jobs(String query) {
    return ApiClient.json(api.get("/api/v1/jobs" + query, ACME_TOKEN)).getJsonArray("jobs");
  }

  private static List<Long> ids(JsonArray jobs) {
    return jobs.stream().map(j -> ((JsonObject) j).getLong("id")).toList();
  }
}

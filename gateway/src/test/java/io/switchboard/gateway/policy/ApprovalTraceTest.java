package io.switchboard.gateway.policy;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.switchboard.core.trace.Tracing;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.trace.SpanRecorder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job an approval click queues continues the trace of the command that asked for it, not the
 * click's: the approval keeps the traceparent of the span that held the command, and its job row
 * gets that one, so the executor's and the reply's spans land in the command's trace.
 */
@DisplayName("Tracing and logs: a job queued by an approval continues the held command's trace and correlation id")
class ApprovalTraceTest {

  private static final String DEPLOY = "deploy production api --version 1.4.2";

  private SpanRecorder spans;
  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    spans = SpanRecorder.install();
    fixture = new GatewayFixture();
    fixture.putPolicy("acme", GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray()));
  }

  @AfterEach
  void stop() {
    fixture.close();
    spans.close();
  }

  @Test
  @DisplayName("the approved job's trace parent is the held command's approval span, in the command's trace")
  void approvedJobLeadsToTheCommandsTrace() {
    JsonObject card = fixture.acmeAnswer("U0ALICE", "C0DEPLOYS", DEPLOY);
    long approval = Long.parseLong(card.getJsonArray("blocks").getJsonObject(2).getJsonArray("elements")
        .getJsonObject(0).getString("value"));
    Await.until("the approval span has ended", () -> spans.first("approval.request", SpanKind.PRODUCER).isPresent());
    SpanData held = spans.first("approval.request", SpanKind.PRODUCER).orElseThrow();

    int before = fixture.slack().posts().size();
    HttpResponse<String> click = fixture.acmeClick("U0CAROL", "C0DEPLOYS", ApprovalMessages.APPROVE, approval)
        .post(fixture.baseUrl());
    assertThat(click.statusCode()).isEqualTo(200);
    Await.until("the click is answered", () -> fixture.slack().posts().size() > before);

    String expected = "00-" + held.getTraceId() + "-" + held.getSpanId() + "-0[13]";
    assertThat(text("SELECT trace_parent FROM approvals WHERE tenant_id = 'acme' AND id = " + approval))
        .matches(expected);
    assertThat(text("SELECT trace_parent FROM jobs WHERE tenant_id = 'acme' AND idempotency_key = 'approval:"
        + approval + "'")).matches(expected);
    String correlationId = text("SELECT correlation_id FROM approvals WHERE tenant_id = 'acme' AND id = " + approval);
    assertThat(correlationId).as("the held command's correlation id").matches("[0-9a-z]{16}");
    assertThat(text("SELECT correlation_id FROM jobs WHERE tenant_id = 'acme' AND idempotency_key = 'approval:"
        + approval + "'")).as("the approved job keeps the command's correlation id, not the click's")
        .isEqualTo(correlationId);
    Await.until("both request spans", () -> spans.spans().stream().filter(span -> span.getKind() == SpanKind.SERVER)
        .count() == 2);
    assertThat(spans.spans()).filteredOn(span -> span.getKind() == SpanKind.SERVER)
        .as("the command's request and the click's are two traces").extracting(SpanData::getTraceId)
        .hasSize(2).doesNotHaveDuplicates().contains(held.getTraceId());
    Await.until("the vote's span", () -> spans.first("approval.vote", SpanKind.INTERNAL).isPresent());
    SpanData vote = spans.first("approval.vote", SpanKind.INTERNAL).orElseThrow();
    assertThat(vote.getTraceId()).as("the vote is the click's").isNotEqualTo(held.getTraceId());
    assertThat(vote.getAttributes().get(Tracing.OUTCOME)).isEqualTo("approved");
    assertThat(vote.getLinks()).as("and points at the command it approved").singleElement()
        .satisfies(link -> assertThat(link.getSpanContext().getSpanId()).isEqualTo(held.getSpanId()));
  }

  private String text(String sql) {
    Row row = Await.result(fixture.pool().query(sql).execute()).iterator().next();
    return row.getString(0);
  }
}

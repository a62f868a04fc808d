package io.switchboard.gateway.approval;

import io.switchboard.core.job.NewJob;
import io.switchboard.core.job.TargetLock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes approvals and their votes; every statement is keyed by tenant (the sweep excepted). */
public final class ApprovalStore {

  private static final String INSERT = """
      INSERT INTO approvals (tenant_id, idempotency_key, platform, workspace_id, requester, channel, command,
                             command_text, action, arguments, timeout_ms, max_attempts, reply_to, rule,
                             approvals_needed, approver_role, reason, deadline, target_lock, trace_parent,
                             correlation_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
      ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
      RETURNING {columns}""".replace("{columns}", Approval.COLUMNS);

  private static final String FIND_BY_KEY =
      "SELECT " + Approval.COLUMNS + " FROM approvals WHERE tenant_id = $1 AND idempotency_key = $2";

  private static final String FIND =
      "SELECT " + Approval.COLUMNS + " FROM approvals WHERE tenant_id = $1 AND id = $2";

  private static final String LIST = """
      SELECT {columns} FROM approvals
      WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2) AND ($3::text IS NULL OR status = $3)
        AND ($4::text IS NULL OR requester = $4) AND ($5::text IS NULL OR command = $5)
      ORDER BY id DESC LIMIT $6""".replace("{columns}", Approval.COLUMNS);

  private static final String VOTES = """
      SELECT voter, vote, voted_at FROM approval_votes WHERE tenant_id = $1 AND approval_id = $2
      ORDER BY voted_at, voter""";

  /**
   * What {@link #list} returns: approvals with an id below {@code beforeId} (the page cursor), with
   * the given status, requester and command; a null filter matches every approval.
   */
  public record Filter(Long beforeId, Approval.Status status, String requester, String command, int limit) {
  }

  /** One person's vote on an approval. */
  public record Vote(String voter, boolean approve, Instant votedAt) {

    public JsonObject toJson() {
      return new JsonObject().put("voter", voter).put("vote", approve ? "approve" : "deny")
          .put("votedAt", votedAt.toString());
    }
  }

  private static final String VOTE = """
      INSERT INTO approval_votes (approval_id, tenant_id, voter, vote) VALUES ($1, $2, $3, $4)
      ON CONFLICT (approval_id, voter) DO NOTHING""";

  private static final String APPROVERS = """
      SELECT voter FROM approval_votes WHERE tenant_id = $1 AND approval_id = $2 AND vote = 'approve'
      ORDER BY voted_at, voter""";

  private static final String DECIDE = """
      UPDATE approvals SET status = $3, decided_at = now(), decided_by = $4, job_id = $5
      WHERE tenant_id = $1 AND id = $2 AND status = 'pending'
      RETURNING {columns}""".replace("{columns}", Approval.COLUMNS);

  private static final String EXPIRE_DUE = """
      UPDATE approvals SET status = 'expired', decided_at = now()
      WHERE id IN (SELECT id FROM approvals WHERE status = 'pending' AND deadline <= now()
                   ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING {columns}""".replace("{columns}", Approval.COLUMNS);

  private ApprovalStore() {
  }

  /** The command as a pending approval; empty when an earlier delivery of the same request made one. */
  static Future<Optional<Approval>> insert(SqlClient tx, NewJob job, String workspaceId, String rule, int approvalsNeeded,
                                 String approverRole, String reason, Instant deadline) {
    Tuple values = Tuple.wrap(new Object[] {
        job.tenantId(), job.idempotencyKey(), job.platform(), workspaceId, job.requester(), job.channel(),
        job.command(), job.commandText(), job.action(), job.arguments(),
        job.rules().timeout().map(Duration::toMillis).orElse(null), job.rules().maxAttempts().orElse(null),
        job.replyTo(), rule, approvalsNeeded, approverRole, reason, deadline.atOffset(ZoneOffset.UTC),
        job.rules().targetLock().map(TargetLock::toJson).orElse(null), job.traceParent(), job.correlationId()});
    return tx.preparedQuery(INSERT).execute(values).map(ApprovalStore::first);
  }

  static Future<Optional<Approval>> findByKey(SqlClient tx, String tenantId, String idempotencyKey) {
    return find(tx, FIND_BY_KEY, Tuple.of(tenantId, idempotencyKey));
  }

  /** The tenant's approval, locked until the transaction ends. */
  static Future<Optional<Approval>> lock(SqlClient tx, String tenantId, long id) {
    return find(tx, FIND + " FOR UPDATE", Tuple.of(tenantId, id));
  }

  /** The tenant's approval; another tenant's is empty, exactly like a missing one. */
  public static Future<Optional<Approval>> find(SqlClient client, String tenantId, long id) {
    return find(client, FIND, Tuple.of(tenantId, id));
  }

  /** The tenant's approvals, newest first. */
  public static Future<List<Approval>> list(SqlClient client, String tenantId, Filter filter) {
    return client.preparedQuery(LIST)
        .execute(Tuple.of(tenantId, filter.beforeId(), filter.status() == null ? null : filter.status().wire(),
            filter.requester(), filter.command(), filter.limit()))
        .map(ApprovalStore::all);
  }

  /** The votes cast on the tenant's approval, first vote first. */
  public static Future<List<Vote>> votes(SqlClient client, String tenantId, long approvalId) {
    return client.preparedQuery(VOTES).execute(Tuple.of(tenantId, approvalId)).map(rows -> {
      List<Vote> votes = new ArrayList<>();
      rows.forEach(row -> votes.add(new Vote(row.getString("voter"), "approve".equals(row.getString("vote")),
          row.getOffsetDateTime("voted_at").toInstant())));
      return votes;
    });
  }

  /** Records a vote; false when this person has voted on it before. */
  static Future<Boolean> vote(SqlClient tx, Approval approval, String voter, boolean approve) {
    return tx.preparedQuery(VOTE).execute(Tuple.of(approval.id(), approval.tenantId(), voter, approve ? "approve" : "deny"))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Who has approved so far, first vote first. */
  static Future<List<String>> approvers(SqlClient tx, Approval approval) {
    return tx.preparedQuery(APPROVERS).execute(Tuple.of(approval.tenantId(), approval.id())).map(rows -> {
      List<String> voters = new ArrayList<>();
      rows.forEach(row -> voters.add(row.getString("voter")));
      return voters;
    });
  }

  static Future<Approval> decide(SqlClient tx, Approval approval, Approval.Status status, String by, Long jobId) {
    return tx.preparedQuery(DECIDE)
        .execute(Tuple.of(approval.tenantId(), approval.id(), status.wire(), by, jobId))
        .map(rows -> first(rows).orElseThrow(() -> new IllegalStateException("approval " + approval.id()
            + " was decided by someone else while locked")));
  }

  /** Marks up to {@code limit} pending approvals past their deadline as expired, across tenants. */
  static Future<List<Approval>> expireDue(SqlClient tx, int limit) {
    return tx.preparedQuery(EXPIRE_DUE).execute(Tuple.of(limit)).map(ApprovalStore::all);
  }

  private static Future<Optional<Approval>> find(SqlClient client, String sql, Tuple args) {
    return client.preparedQuery(sql).execute(args).map(ApprovalStore::first);
  }

  private static Optional<Approval> first(RowSet<Row> rows) {
    for (Row row : rows) {
      return Optional.of(Approval.fromRow(row));
    }
    return Optional.empty();
  }

  private static List<Approval> all(RowSet<Row> rows) {
    List<Approval> approvals = new ArrayList<>();
    rows.forEach(row -> approvals.add(Approval.fromRow(row)));
    return approvals;
  }
}

package io.switchboard.tenancy.policy;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads and writes tenants' policy documents in PostgreSQL. A write names the version it read and
 * fails with {@code precondition_failed} when someone else wrote in between; every query is keyed by
 * tenant.
 */
public final class PolicyStore {

  /** A tenant's document and its version; version 0 and an empty document for a tenant without one. */
  public record StoredPolicy(String tenantId, long version, JsonObject document) {
  }

  private static final String LOAD = "SELECT version, document FROM tenant_policies WHERE tenant_id = $1";

  private static final String LOAD_FOR_UPDATE = LOAD + " FOR UPDATE";

  private static final String VERSIONS = "SELECT tenant_id, version FROM tenant_policies";

  private static final String INSERT_FIRST = """
      INSERT INTO tenant_policies (tenant_id, version, document, updated_by) VALUES ($1, 1, $2, $3)
      ON CONFLICT (tenant_id) DO NOTHING RETURNING version""";

  private static final String UPDATE = """
      UPDATE tenant_policies SET version = version + 1, document = $3, updated_at = now(), updated_by = $4
      WHERE tenant_id = $1 AND version = $2 RETURNING version""";

  private PolicyStore() {
  }

  public static Future<StoredPolicy> load(SqlClient client, String tenantId) {
    return read(client, LOAD, tenantId);
  }

  /** Loads and locks the tenant's row until the transaction ends; call inside a transaction. */
  public static Future<StoredPolicy> loadForUpdate(SqlClient tx, String tenantId) {
    return read(tx, LOAD_FOR_UPDATE, tenantId);
  }

  /** Every tenant's current version (tenants without a document are left out). */
  public static Future<Map<String, Long>> versions(SqlClient client) {
    return client.query(VERSIONS).execute().map(rows -> {
      Map<String, Long> versions = new HashMap<>();
      rows.forEach(row -> versions.put(row.getString("tenant_id"), row.getLong("version")));
      return versions;
    });
  }

  /**
   * Writes the document as the version after {@code expectedVersion}.
   *
   * @return the new version
   */
  public static Future<Long> replace(SqlClient tx, String tenantId, long expectedVersion, JsonObject document,
                                     String actor) {
    Future<io.vertx.sqlclient.RowSet<Row>> written = expectedVersion == 0
        ? tx.preparedQuery(INSERT_FIRST).execute(Tuple.of(tenantId, document, actor))
        : tx.preparedQuery(UPDATE).execute(Tuple.of(tenantId, expectedVersion, document, actor));
    return written.compose(rows -> rows.size() == 1
        ? Future.succeededFuture(rows.iterator().next().getLong("version"))
        : Future.failedFuture(new SwitchboardException(ErrorCode.PRECONDITION_FAILED,
            "the policy changed since version " + expectedVersion + "; read it again and reapply your change")));
  }

  private static Future<StoredPolicy> read(SqlClient client, String sql, String tenantId) {
    return client.preparedQuery(sql).execute(Tuple.of(tenantId)).map(rows -> {
      for (Row row : rows) {
        return new StoredPolicy(tenantId, row.getLong("version"), (JsonObject) row.getJson("document"));
      }
      return new StoredPolicy(tenantId, 0, new JsonObject());
    });
  }
}

package io.switchboard.jmh;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many installed tenants in a real PostgreSQL, their policies loaded into a {@link PolicyDirectory}
 * the way a gateway holds them. Every tenant has the demo policy the node ships, with its roles bound
 * to Slack users and a group of its own (ten developers, five deployers, three approvers), so that no
 * two tenants share a compiled policy and a decision searches a realistic list of bindings.
 */
final class TenantFleet implements AutoCloseable {

  static final String DEMO_POLICY = "/io/switchboard/deploy/demo-policy.json";
  static final int DEVELOPERS = 10;
  static final int DEPLOYERS = 5;
  static final int APPROVERS = 3;

  private final Vertx vertx;
  private final Pool pool;
  private final PolicyDirectory directory;
  private final int size;

  private TenantFleet(Vertx vertx, Pool pool, PolicyDirectory directory, int size) {
    this.vertx = vertx;
    this.pool = pool;
    this.directory = directory;
    this.size = size;
  }

  /** Stores {@code tenants} tenants with their policies in a fresh database (tenants only, when {@code withPolicies} is false). */
  static TenantFleet create(int tenants, boolean withPolicies) {
    Vertx vertx = Vertx.vertx();
    DatabaseUrl url = TestDatabase.fresh();
    Pool pool = TestDatabase.pool(vertx, url);
    List<Tuple> rows = new ArrayList<>(tenants);
    for (int i = 0; i < tenants; i++) {
      rows.add(Tuple.of(tenantId(i), "Tenant " + i));
    }
    Await.result(pool.preparedQuery("INSERT INTO tenants (id, name) VALUES ($1, $2)").executeBatch(rows));
    if (withPolicies) {
      JsonObject demo = demoPolicy();
      List<Tuple> policies = new ArrayList<>(tenants);
      for (int i = 0; i < tenants; i++) {
        policies.add(Tuple.of(tenantId(i), policyOf(demo, i)));
      }
      Await.result(pool.preparedQuery("INSERT INTO tenant_policies (tenant_id, version, document, updated_by) "
          + "VALUES ($1, 1, $2, 'jmh')").executeBatch(policies));
    }
    PolicyDirectory directory = new PolicyDirectory(vertx, pool, PolicyDirectory.DEFAULT_RECHECK_INTERVAL);
    Await.result(directory.start());
    return new TenantFleet(vertx, pool, directory, tenants);
  }

  /** Loads every tenant's policy into the directory, as each tenant's first command would. */
  TenantFleet loadAll() {
    for (int i = 0; i < size; i++) {
      Await.result(directory.policyOf(tenantId(i)));
    }
    return this;
  }

  static String tenantId(int i) {
    return String.format("t%05d", i);
  }

  /** A Slack user of tenant {@code tenant} bound to {@code role} ("dev", "dep" or "apr"), the {@code n}th of them. */
  static String userOf(int tenant, String role, int n) {
    return "U" + tenant + role.toUpperCase() + n;
  }

  static JsonObject demoPolicy() {
    try (InputStream in = TenantFleet.class.getResourceAsStream(DEMO_POLICY)) {
      if (in == null) {
        throw new IllegalStateException(DEMO_POLICY + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject policyOf(JsonObject demo, int tenant) {
    JsonObject policy = demo.copy();
    policy.put("bindings", new JsonArray()
        .add(binding("developer", subjects(tenant, "dev", DEVELOPERS).add("slack:group:S" + tenant + "DEV")))
        .add(binding("deployer", subjects(tenant, "dep", DEPLOYERS)))
        .add(binding("approver", subjects(tenant, "apr", APPROVERS))));
    return policy;
  }

  private static JsonArray subjects(int tenant, String role, int count) {
    JsonArray subjects = new JsonArray();
    for (int n = 0; n < count; n++) {
      subjects.add("slack:user:" + userOf(tenant, role, n));
    }
    return subjects;
  }

  private static JsonObject binding(String role, JsonArray subjects) {
    return new JsonObject().put("role", role).put("subjects", subjects);
  }

  PolicyDirectory directory() {
    return directory;
  }

  /** The tenant's policy, which must already be in memory (see {@link #loadAll}). */
  TenantPolicy policyInMemory(String tenantId) {
    Future<TenantPolicy> policy = directory.policyOf(tenantId);
    if (!policy.succeeded()) {
      throw new IllegalStateException("tenant " + tenantId + "'s policy is not in memory");
    }
    return policy.result();
  }

  Pool pool() {
    return pool;
  }

  int size() {
    return size;
  }


  @Override
  public void close() {
    Await.result(directory.stop());
    Await.result(pool.close());
    Await.result(vertx.close());
  }
}

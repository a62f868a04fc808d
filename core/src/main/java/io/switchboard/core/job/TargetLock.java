package io.switchboard.core.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a job that changes things holds while it waits and runs: an environment and the targets in
 * it. Two jobs of a tenant conflict when they share a target of the same environment, or when either
 * holds the whole environment (no targets named): {@code deploy production api} and
 * {@code deploy production api,web} run one after the other, {@code deploy production web} runs
 * beside {@code deploy production api}, and {@code restart production} waits for both. A command
 * without an environment holds its targets in a namespace of its own.
 *
 * <p>The queue sees a lock as rows of {@code job_locks}, made from {@link #toJson()} by the database
 * function {@code target_lock_claims} (migration V23): an exclusive claim per target and a shared one
 * on the environment, or an exclusive one on the whole environment. Two claims on the same
 * environment and target conflict unless both are shared.
 */
public record TargetLock(Optional<String> environment, List<String> targets) {

  public TargetLock {
    targets = List.copyOf(new TreeSet<>(targets));
    if (environment.isEmpty() && targets.isEmpty()) {
      throw new IllegalArgumentException("a target lock holds an environment, targets or both");
    }
  }

  /** How people read it: {@code production/api,web}; {@code production} for the whole environment; {@code api,web} without one. */
  public String describe() {
    String held = String.join(",", targets);
    return environment.map(env -> targets.isEmpty() ? env : env + "/" + held).orElse(held);
  }

  /** As stored with a job or an approval. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("targets", new JsonArray(targets));
    environment.ifPresent(env -> json.put("environment", env));
    return json;
  }

  /** Reads {@link #toJson()}. */
  public static TargetLock fromJson(JsonObject json) {
    List<String> targets = new ArrayList<>();
    json.getJsonArray("targets", new JsonArray()).forEach(target -> targets.add(String.valueOf(target)));
    return new TargetLock(Optional.ofNullable(json.getString("environment")), targets);
  }
}

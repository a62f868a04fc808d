package io.switchboard.executor.action.terraform;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@code plan} job records next to its plan file ({@code <plan job>.json}), so that an
 * {@code apply} can check it applies the plan it names: made for this tenant and workspace, from the
 * workspace files as they still are ({@code fingerprint}), with the secrets as they still are
 * ({@code secretDigests}: salted SHA-256 of each secret value, never the value). It also names the
 * secrets behind the {@code secretVars}, which {@code apply} reads again: Terraform takes their
 * values from the plan file, and reading them lets the job redact them from the apply's output.
 */
record SavedPlan(String tenant, String workspace, long planJob, String fingerprint, String summary,
                 Map<String, String> secretVars, String salt, Map<String, String> secretDigests) {

  SavedPlan {
    secretVars = Map.copyOf(secretVars);
    secretDigests = Map.copyOf(secretDigests);
  }

  /** A new record with a fresh salt, digesting the secret values (Terraform variable name to value). */
  static SavedPlan of(String tenant, String workspace, long planJob, String fingerprint, String summary,
                      Map<String, String> secretVars, Map<String, String> secretValues) {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String salt = HexFormat.of().formatHex(random);
    Map<String, String> digests = new TreeMap<>();
    secretValues.forEach((variable, value) -> digests.put(variable, digest(salt, value)));
    return new SavedPlan(tenant, workspace, planJob, fingerprint, summary, secretVars, salt, digests);
  }

  /** The variables whose secret is not the value the plan was made with (or no longer has one). */
  List<String> changedSecrets(Map<String, String> secretValues) {
    return secretDigests.entrySet().stream()
        .filter(entry -> !secretValues.containsKey(entry.getKey())
            || !digest(salt, secretValues.get(entry.getKey())).equals(entry.getValue()))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** Writes the record atomically (blocking). */
  void write(Path file) throws IOException {
    JsonObject json = new JsonObject()
        .put("tenant", tenant).put("workspace", workspace).put("planJob", planJob)
        .put("fingerprint", fingerprint).put("summary", summary)
        .put("secretVars", new JsonObject(new TreeMap<>(secretVars)))
        .put("salt", salt).put("secretDigests", new JsonObject(new TreeMap<>(secretDigests)));
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, json.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads a record (blocking); an unreadable one is reported as such. */
  static SavedPlan read(Path file) throws IOException {
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      return new SavedPlan(json.getString("tenant"), json.getString("workspace"), json.getLong("planJob"),
          json.getString("fingerprint"), json.getString("summary"), strings(json.getJsonObject("secretVars")),
          json.getString("salt"), strings(json.getJsonObject("secretDigests")));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw new IOException("the plan record " + file.getFileName() + " is damaged", e);
    }
  }

  private static Map<String, String> strings(JsonObject object) {
    Map<String, String> values = new TreeMap<>();
    object.forEach(entry -> values.put(entry.getKey(), (String) entry.getValue()));
    return values;
  }

  private static String digest(String salt, String value) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      return HexFormat.of().formatHex(sha.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

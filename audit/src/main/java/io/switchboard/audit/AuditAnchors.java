package io.switchboard.audit;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chain heads written outside the database: an append-only file of JSON lines, one per anchored
 * head ({@code at}, {@code tenant}, {@code seq}, {@code hash}, {@code sig} and {@code keyId}, an
 * Ed25519 signature anyone with the public key can check ({@link AnchorSigningKey}), and {@code mac},
 * an HMAC under the {@link AuditKey} over the rest). Someone who rewrites the database cannot rewrite this file's past,
 * so a deleted tail, a wiped chain, truncated tables or a chain rewritten from scratch show against
 * it: the log must still hold every anchored record with its anchored hash. Blocking file IO: call
 * from a worker thread.
 */
public final class AuditAnchors {

  /**
   * One tenant's chain head as it was at {@code at}, and its Ed25519 signature ({@link
   * AnchorSigningKey}; null for a line written before anchors were signed).
   */
  public record Anchor(String tenantId, long seq, String hash, Instant at, String signature) {

    /** An anchor not signed yet. */
    public Anchor(String tenantId, long seq, String hash, Instant at) {
      this(tenantId, seq, hash, at, null);
    }

    /**
     * How an anchor is published, in the log, to a webhook and in an export: {@code at},
     * {@code tenant}, {@code seq}, {@code hash}, {@code sig} and the signing key's {@code keyId}.
     */
    public JsonObject toJson(String keyId) {
      return new JsonObject().put("at", at.toString()).put("tenant", tenantId).put("seq", seq).put("hash", hash)
          .put("sig", signature).put("keyId", keyId);
    }

    /** The anchor a published line describes; throws {@link IllegalArgumentException} for a malformed one. */
    public static Anchor fromJson(JsonObject json) {
      try {
        Anchor anchor = new Anchor(json.getString("tenant"), json.getLong("seq"), json.getString("hash"),
            Instant.parse(json.getString("at")), json.getString("sig"));
        if (anchor.tenantId() == null || anchor.hash() == null) {
          throw new IllegalArgumentException("an anchor names no tenant or hash: " + json.encode());
        }
        return anchor;
      } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("not an anchor: " + json.encode(), e);
      }
    }
  }

  /** Every trusted anchor by tenant, in the file's order, and the lines that could not be trusted. */
  public record Read(Map<String, List<Anchor>> byTenant, List<String> problems) {

    /** The tenant's anchors; each names a record the tenant's log must still hold, unchanged. */
    public List<Anchor> of(String tenantId) {
      return byTenant.getOrDefault(tenantId, List.of());
    }

    /** The highest anchored seq of each tenant. */
    public Map<String, Long> newestSeqs() {
      Map<String, Long> newest = new HashMap<>();
      byTenant.forEach((tenant, anchors) -> anchors.forEach(a -> newest.merge(tenant, a.seq(), Math::max)));
      return newest;
    }
  }

  private final Path file;
  private final AuditKey key;
  private final AnchorSigningKey signingKey;

  public AuditAnchors(Path file, AuditKey key) {
    this.file = file;
    this.key = key;
    this.signingKey = AnchorSigningKey.derivedFrom(key);
  }

  public Path file() {
    return file;
  }

  /** The key every anchor is signed with; its public half checks them anywhere. */
  public AnchorSigningKey signingKey() {
    return signingKey;
  }

  /** Signs the anchors, appends them and forces them to the disk before returning; answers them signed. */
  public List<Anchor> append(List<Anchor> anchors) throws IOException {
    if (anchors.isEmpty()) {
      return List.of();
    }
    List<Anchor> signed = new ArrayList<>(anchors.size());
    StringBuilder lines = new StringBuilder();
    for (Anchor unsigned : anchors) {
      Anchor anchor = new Anchor(unsigned.tenantId(), unsigned.seq(), unsigned.hash(), unsigned.at(),
          signingKey.sign(unsigned));
      signed.add(anchor);
      lines.append(anchor.toJson(signingKey.keyId()).put("mac", mac(anchor)).encode()).append('\n');
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      channel.write(StandardCharsets.UTF_8.encode(lines.toString()));
      channel.force(true);
    }
    return signed;
  }

  /** Every anchor whose MAC holds; lines that are unreadable or fail their MAC are reported. */
  public Read read() throws IOException {
    Map<String, List<Anchor>> byTenant = new HashMap<>();
    List<String> problems = new ArrayList<>();
    if (!Files.exists(file)) {
      return new Read(byTenant, problems);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int number = 1; number <= lines.size(); number++) {
      String line = lines.get(number - 1);
      if (line.isBlank()) {
        continue;
      }
      Optional<Anchor> anchor = parse(line);
      if (anchor.isEmpty()) {
        problems.add("line " + number + " of " + file + " is not an anchor, or its MAC does not match");
        continue;
      }
      byTenant.computeIfAbsent(anchor.get().tenantId(), t -> new ArrayList<>()).add(anchor.get());
    }
    return new Read(byTenant, problems);
  }

  private Optional<Anchor> parse(String line) {
    try {
      JsonObject json = new JsonObject(line);
      Anchor anchor = Anchor.fromJson(json);
      return mac(anchor).equals(json.getString("mac")) ? Optional.of(anchor) : Optional.empty();
    } catch (DecodeException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private String mac(Anchor anchor) {
    return key.mac("anchor\n" + anchor.tenantId() + "\n" + anchor.seq() + "\n" + anchor.hash() + "\n" + anchor.at());
  }
}

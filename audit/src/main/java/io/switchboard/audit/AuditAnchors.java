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
 * head ({@code at}, {@code tenant}, {@code seq}, {@code hash}, and {@code mac}, an HMAC under the
 * {@link AuditKey} over the rest). Someone who rewrites the database cannot rewrite this file's past,
 * so a deleted tail, a wiped chain, truncated tables or a chain rewritten from scratch show against
 * it: the log must still hold every anchored record with its anchored hash. Blocking file IO: call
 * from a worker thread.
 */
public final class AuditAnchors {

  /** One tenant's chain head as it was at {@code at}. */
  public record Anchor(String tenantId, long seq, String hash, Instant at) {
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

  public AuditAnchors(Path file, AuditKey key) {
    this.file = file;
    this.key = key;
  }

  public Path file() {
    return file;
  }

  /** Appends the anchors and forces them to the disk before returning. */
  public void append(List<Anchor> anchors) throws IOException {
    if (anchors.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (Anchor anchor : anchors) {
      lines.append(new JsonObject().put("at", anchor.at().toString()).put("tenant", anchor.tenantId())
          .put("seq", anchor.seq()).put("hash", anchor.hash()).put("mac", mac(anchor)).encode()).append('\n');
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
      Anchor anchor = new Anchor(json.getString("tenant"), json.getLong("seq"), json.getString("hash"),
          Instant.parse(json.getString("at")));
      if (anchor.tenantId() == null || anchor.hash() == null) {
        return Optional.empty();
      }
      return mac(anchor).equals(json.getString("mac")) ? Optional.of(anchor) : Optional.empty();
    } catch (DecodeException | ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private String mac(Anchor anchor) {
    return key.mac("anchor\n" + anchor.tenantId() + "\n" + anchor.seq() + "\n" + anchor.hash() + "\n" + anchor.at());
  }
}

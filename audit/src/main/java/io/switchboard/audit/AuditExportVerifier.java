package io.switchboard.audit;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Re-verifies an audit export ({@link AuditExportFormat}) away from Switchboard and its database: the
 * records run without a gap and link, the export is whole (its {@code end} line counts them and names
 * the last), given the tenant's chain key ({@code GET /api/v1/audit/chain-key}) every tenant-keyed
 * record's hash matches its contents, and every anchor (in the export, and any published elsewhere
 * given with {@code --anchors}) names a record the export holds with that hash, is signed with the
 * deployment's anchor key ({@code --anchor-key}) and, for an export up to the head, is not beyond
 * its end. Whatever it could not check for want of a key or anchors, it says.
 *
 * <pre>java -cp switchboard.jar io.switchboard.audit.AuditExportVerifier --key-file acme.key \
 *     --anchor-key 5ef8... [--anchors published.jsonl] acme.ndjson</pre>
 *
 * Exit codes: 0 intact, 1 broken or incomplete, 2 unusable input or arguments.
 */
@Command(name = "audit-export-verifier", mixinStandardHelpOptions = true,
    description = "Verifies an audit export (NDJSON from GET /api/v1/audit/export).")
public final class AuditExportVerifier implements Callable<Integer> {

  static final int INTACT = 0;
  static final int BROKEN = 1;
  static final int UNUSABLE = 2;

  @Parameters(index = "0", paramLabel = "EXPORT", description = "The export file, or - for standard input.")
  private String export;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "A file holding the tenant's chain key in hex (GET /api/v1/audit/chain-key).")
  private Path keyFile;

  @Option(names = "--anchor-key", paramLabel = "HEX",
      description = "The deployment's public anchor key (GET /api/v1/audit/anchor-key): every anchor's signature "
          + "is checked with it.")
  private String anchorKey;

  @Option(names = "--anchors", paramLabel = "FILE",
      description = "Anchors published outside the deployment (webhook bodies, anchor lines or log lines, one a "
          + "line): each of the tenant's must match the export.")
  private Path publishedAnchors;

  private final PrintWriter out;
  private final Reader stdin;

  AuditExportVerifier(PrintWriter out, Reader stdin) {
    this.out = out;
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new InputStreamReader(System.in, StandardCharsets.UTF_8)));
  }

  /** Runs the verifier as {@link #main} does, printing to {@code out}; answers the exit code. */
  public static int run(String[] args, PrintWriter out, Reader stdin) {
    return new CommandLine(new AuditExportVerifier(out, stdin)).setOut(out).setErr(out).execute(args);
  }

  @Override
  public Integer call() throws IOException {
    Optional<AuditKey> key;
    try {
      key = keyFile == null ? Optional.empty() : Optional.of(AuditKey.ofHex(Files.readString(keyFile)));
    } catch (IllegalArgumentException e) {
      out.println("unusable key file " + keyFile + ": it must hold the 64 hex digits of the tenant's chain key");
      return UNUSABLE;
    }
    try (BufferedReader lines = new BufferedReader("-".equals(export) ? stdin
        : Files.newBufferedReader(Path.of(export), StandardCharsets.UTF_8))) {
      return verify(lines, key);
    } catch (IllegalArgumentException | ClassCastException | NullPointerException | DecodeException
             | java.time.format.DateTimeParseException e) {
      out.println("unusable export: " + e.getMessage());
      return UNUSABLE;
    }
  }

  private int verify(BufferedReader lines, Optional<AuditKey> key) throws IOException {
    JsonObject header = next(lines);
    if (header == null || !"header".equals(header.getString("kind"))) {
      throw new IllegalArgumentException("the first line is not an export header");
    }
    if (!Integer.valueOf(AuditExportFormat.VERSION).equals(header.getInteger("format"))) {
      throw new IllegalArgumentException("export format " + header.getValue("format") + " is not one this verifier "
          + "knows (" + AuditExportFormat.VERSION + ")");
    }
    String tenantId = header.getString("tenantId");
    List<AuditAnchors.Anchor> anchors = new ArrayList<>(published(tenantId));
    ChainWalk walk = null;
    long firstSeq = 0;
    for (JsonObject line = next(lines); line != null; line = next(lines)) {
      if ("end".equals(line.getString("kind"))) {
        if (next(lines) != null) {
          throw new IllegalArgumentException("lines follow the end line");
        }
        return checkEnd(line, header, walk, firstSeq, key, anchors);
      }
      if ("anchor".equals(line.getString("kind")) && walk == null) {
        AuditAnchors.Anchor anchor = AuditAnchors.Anchor.fromJson(line);
        if (tenantId.equals(anchor.tenantId())) {
          anchors.add(anchor);
        }
        continue;
      }
      if (!"record".equals(line.getString("kind"))) {
        throw new IllegalArgumentException("a line of an unknown kind, or an anchor after a record: " + line.encode());
      }
      AuditRecord record = AuditExportFormat.parseRecord(line);
      if (walk == null) {
        String forged = forgedAnchor(anchors);
        if (forged != null) {
          out.println("BROKEN: tenant " + tenantId + ": " + forged);
          return BROKEN;
        }
        firstSeq = record.seq();
        walk = new ChainWalk(tenantId, record.seq() - 1, record.prevHash(), anchors,
            key.map(ChainWalk::tenantKeys).orElse(r -> Optional.empty()), false);
      }
      String problem = walk.check(record);
      if (problem != null) {
        out.println("BROKEN: tenant " + tenantId + ", at record " + (walk.seq() + 1) + ": " + problem);
        return BROKEN;
      }
    }
    out.println("INCOMPLETE: tenant " + tenantId + ": the export has no end line (the download was cut short)");
    return BROKEN;
  }

  /** The tenant's anchors in the {@code --anchors} file: webhook bodies, anchor lines or log lines. */
  private List<AuditAnchors.Anchor> published(String tenantId) throws IOException {
    List<AuditAnchors.Anchor> anchors = new ArrayList<>();
    if (publishedAnchors == null) {
      return anchors;
    }
    for (String line : Files.readAllLines(publishedAnchors, StandardCharsets.UTF_8)) {
      int json = line.indexOf('{');
      if (json < 0) {
        continue;
      }
      JsonObject object = new JsonObject(line.substring(json));
      List<JsonObject> found = new ArrayList<>();
      if (object.containsKey("anchors")) {
        object.getJsonArray("anchors").forEach(anchor -> found.add((JsonObject) anchor));
      } else {
        found.add(object);
      }
      for (JsonObject anchor : found) {
        if (tenantId.equals(anchor.getString("tenant"))) {
          anchors.add(AuditAnchors.Anchor.fromJson(anchor));
        }
      }
    }
    return anchors;
  }

  /** What is wrong with the first anchor whose signature fails under {@code --anchor-key}, or null. */
  private String forgedAnchor(List<AuditAnchors.Anchor> anchors) {
    if (anchorKey == null) {
      return null;
    }
    for (AuditAnchors.Anchor anchor : anchors) {
      if (!AnchorSigningKey.verify(anchorKey, anchor, anchor.signature())) {
        return "the anchor of record " + anchor.seq() + " at " + anchor.at() + " is not signed with the anchor key "
            + AnchorSigningKey.keyId(anchorKey) + ": it was not published by the deployment";
      }
    }
    return null;
  }

  private int checkEnd(JsonObject end, JsonObject header, ChainWalk walk, long firstSeq, Optional<AuditKey> key,
                       List<AuditAnchors.Anchor> anchors) {
    String tenantId = header.getString("tenantId");
    String forged = forgedAnchor(anchors);
    if (forged != null) {
      out.println("BROKEN: tenant " + tenantId + ": " + forged);
      return BROKEN;
    }
    long records = walk == null ? 0 : walk.checked();
    if (!Long.valueOf(records).equals(end.getLong("records"))) {
      out.println("INCOMPLETE: tenant " + tenantId + ": the end line counts " + end.getValue("records")
          + " records, the export holds " + records);
      return BROKEN;
    }
    if (walk != null && !(Long.valueOf(walk.seq()).equals(end.getLong("lastSeq"))
        && walk.hash().equals(end.getString("lastHash")))) {
      out.println("BROKEN: tenant " + tenantId + ": the end line names record " + end.getValue("lastSeq")
          + " as the last, not the export's last record " + walk.seq());
      return BROKEN;
    }
    boolean toTheHead = header.getString("to") == null;
    if (toTheHead && walk != null
        && !(Long.valueOf(walk.seq()).equals(end.getLong("headSeq")) && walk.hash().equals(end.getString("headHash")))) {
      out.println("BROKEN: tenant " + tenantId + ": the chain head named record " + end.getValue("headSeq")
          + " when the export began, but the export ends at record " + walk.seq());
      return BROKEN;
    }
    String deleted = toTheHead ? anchorBeyondTheEnd(anchors, header, walk) : null;
    if (deleted != null) {
      out.println("BROKEN: tenant " + tenantId + ": " + deleted);
      return BROKEN;
    }
    out.println(summary(tenantId, walk, firstSeq, key.isPresent()) + anchorSummary(anchors, walk));
    return INTACT;
  }

  /**
   * An anchor taken before the export's view of the chain ({@code exportedAt}) that names a record
   * after its end: records were deleted. Anchors taken later may name records written since. An
   * export of the whole chain that holds no records ends at 0, so a wiped chain shows too.
   */
  private static String anchorBeyondTheEnd(List<AuditAnchors.Anchor> anchors, JsonObject header, ChainWalk walk) {
    if (walk == null && header.getString("from") != null) {
      return null;
    }
    long end = walk == null ? 0 : walk.seq();
    Instant viewAt = Instant.parse(header.getString("exportedAt"));
    return anchors.stream().filter(a -> a.at().isBefore(viewAt) && a.seq() > end).findFirst()
        .map(a -> "the export ends at record " + end + ", but record " + a.seq() + " was anchored at " + a.at()
            + ", before the export: records were deleted")
        .orElse(null);
  }

  private String anchorSummary(List<AuditAnchors.Anchor> anchors, ChainWalk walk) {
    if (anchors.isEmpty()) {
      return "; no anchors to compare with: a chain rewritten whole from the database would pass unless "
          + "anchors are given (--anchors, or an export from a gateway with its anchor file)";
    }
    long met = walk == null ? 0 : anchors.stream().filter(a -> a.seq() <= walk.seq()).count();
    return "; " + met + " of " + anchors.size() + " anchors met with their hashes" + (anchorKey == null
        ? ", signatures NOT checked: give --anchor-key" : ", every signature checked with key "
        + AnchorSigningKey.keyId(anchorKey));
  }

  private static String summary(String tenantId, ChainWalk walk, long firstSeq, boolean keyGiven) {
    if (walk == null) {
      return "INTACT: tenant " + tenantId + ": the export holds no records";
    }
    StringBuilder text = new StringBuilder("INTACT: tenant ").append(tenantId).append(": records ").append(firstSeq)
        .append("-").append(walk.seq()).append(" (").append(walk.checked()).append(") link without a gap");
    long hashed = walk.checked() - walk.unchecked() - walk.unkeyed();
    if (keyGiven) {
      text.append("; ").append(hashed).append(" hashes checked with the tenant's chain key");
    }
    if (walk.unchecked() > 0) {
      text.append("; ").append(walk.unchecked()).append(keyGiven
          ? " keyed with the deployment's key (written before chain keys) could not be checked here: "
            + "verify them with GET /api/v1/audit/verify"
          : " keyed hashes NOT checked: give --key-file with the tenant's chain key");
    }
    if (walk.unkeyed() > 0) {
      text.append("; ").append(walk.unkeyed()).append(" unkeyed (plain SHA-256, checked)");
    }
    if (firstSeq > 1) {
      text.append("; it starts after record ").append(firstSeq - 1)
          .append(", whose hash it takes on trust: compare it with the end line of an earlier export");
    }
    return text.toString();
  }

  private static JsonObject next(BufferedReader lines) throws IOException {
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (!line.isBlank()) {
        return new JsonObject(line);
      }
    }
    return null;
  }
}

package io.switchboard.audit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks one tenant's audit records one by one, in chain order: seqs without a gap, each record
 * linking to the hash of the one before, each hash matching its recomputed hash under the key the
 * record names, no unkeyed record after a keyed one ({@link AuditRecord.HashKey}: records keyed
 * with the deployment's key and with the tenant's may alternate, as old and new nodes write side by
 * side during an upgrade, and neither can be made without the key), and every anchor met with its
 * hash. The one walk behind both the database's
 * verification ({@link AuditChainVerifier}) and an export's ({@link AuditExportVerifier}).
 */
public final class ChainWalk {

  /** Which key checks a record's hash; empty when the walker holds none that can. */
  public interface Keys {
    Optional<AuditKey> keyFor(AuditRecord record);
  }

  /** Keys from the deployment's audit key: every kind of record can be checked with it. */
  public static Keys deploymentKeys(Optional<AuditKey> deploymentKey) {
    return record -> deploymentKey.map(key -> record.hashKey() == AuditRecord.HashKey.TENANT
        ? key.forTenant(record.tenantId()) : key);
  }

  /** Keys from one tenant's chain key: its deployment-keyed records (older ones) cannot be checked. */
  public static Keys tenantKeys(AuditKey tenantChainKey) {
    return record -> record.hashKey() == AuditRecord.HashKey.TENANT ? Optional.of(tenantChainKey) : Optional.empty();
  }

  private final String tenantId;
  private final TreeMap<Long, AuditAnchors.Anchor> anchors = new TreeMap<>();
  private final Keys keys;
  private final boolean everyHashMustBeChecked;
  private long seq;
  private String hash;
  private long checked;
  private AuditRecord.HashKey newestKind = AuditRecord.HashKey.NONE;
  private long unkeyed;
  private long unchecked;

  /**
   * A walk that starts after record {@code afterSeq}, whose hash is {@code afterHash} (0 and the
   * genesis hash for a whole chain).
   *
   * @param everyHashMustBeChecked whether a keyed record whose key the walk lacks is a problem (the
   *                               node's own verification) or only counted (an outside party's)
   */
  public ChainWalk(String tenantId, long afterSeq, String afterHash, List<AuditAnchors.Anchor> anchors, Keys keys,
                   boolean everyHashMustBeChecked) {
    this.tenantId = tenantId;
    this.seq = afterSeq;
    this.hash = afterHash;
    this.keys = keys;
    this.everyHashMustBeChecked = everyHashMustBeChecked;
    for (AuditAnchors.Anchor anchor : anchors) {
      this.anchors.merge(anchor.seq(), anchor, (a, b) -> a.hash().equals(b.hash()) ? a : b);
    }
  }

  /** Checks the next record and moves past it; answers what is wrong with it, or null. */
  public String check(AuditRecord record) {
    String problem = problemWith(record);
    if (problem == null) {
      seq = record.seq();
      hash = record.hash();
      checked++;
      unkeyed += record.keyed() ? 0 : 1;
      if (record.hashKey().compareTo(newestKind) > 0) {
        newestKind = record.hashKey();
      }
    }
    return problem;
  }

  private String problemWith(AuditRecord record) {
    if (!tenantId.equals(record.tenantId())) {
      return "record " + record.seq() + " belongs to tenant '" + record.tenantId() + "', not '" + tenantId + "'";
    }
    if (record.seq() != seq + 1) {
      return "record " + (seq + 1) + " is missing (next stored record is " + record.seq() + ")";
    }
    if (!record.prevHash().equals(hash)) {
      return "record " + record.seq() + " does not link to the hash of record " + seq;
    }
    if (!record.keyed() && newestKind != AuditRecord.HashKey.NONE) {
      return "record " + record.seq() + " is unkeyed after keyed records: it was rewritten without the key";
    }
    Optional<AuditKey> key = record.keyed() ? keys.keyFor(record) : Optional.empty();
    if (record.keyed() && key.isEmpty()) {
      if (everyHashMustBeChecked) {
        return "record " + record.seq() + " is keyed, but this node has no audit key to check it";
      }
      unchecked++;
    } else if (!record.recomputeHashWith(key.orElse(null)).equals(record.hash())) {
      return "record " + record.seq() + " was altered: its contents no longer match its hash";
    }
    AuditAnchors.Anchor anchor = anchors.get(record.seq());
    if (anchor != null && !anchor.hash().equals(record.hash())) {
      return "record " + record.seq() + " differs from its anchor of " + anchor.at() + ": it was rewritten";
    }
    return null;
  }

  /**
   * Whether an anchor names a record after the last one walked: records the walk should have met
   * were deleted. Null when none does.
   */
  public String anchorBeyondTheEnd() {
    Map.Entry<Long, AuditAnchors.Anchor> last = anchors.lastEntry();
    if (last == null || last.getKey() <= seq) {
      return null;
    }
    return "the log ends at record " + seq + ", but record " + last.getKey() + " was anchored at "
        + last.getValue().at() + ": records were deleted";
  }

  /** The last record walked (or the start). */
  public long seq() {
    return seq;
  }

  /** The hash of the last record walked (or the start's). */
  public String hash() {
    return hash;
  }

  /** How many records passed. */
  public long checked() {
    return checked;
  }

  /** How many passed records carry a plain SHA-256. */
  public long unkeyed() {
    return unkeyed;
  }

  /** How many keyed records passed without their hash checked, the walk lacking their key. */
  public long unchecked() {
    return unchecked;
  }

  /** How many anchors the walk compares with. */
  public int anchorCount() {
    return anchors.size();
  }
}

package io.switchboard.audit;

/**
 * The outcome of checking a tenant's audit chain.
 *
 * @param recordsChecked how many records were read
 * @param brokenAtSeq    the first seq where the chain is broken, or -1 when it is intact
 * @param problem        what is wrong there, or null when the chain is intact
 * @param unkeyedRecords how many records carry a plain SHA-256 instead of a keyed hash (written before
 *                       the chain was keyed): anyone could recompute those, so only anchors and the
 *                       first keyed record after them protect them
 * @param anchorsChecked how many anchors of the tenant were compared with its log
 */
public record ChainVerification(String tenantId, long recordsChecked, long brokenAtSeq, String problem,
                                long unkeyedRecords, int anchorsChecked) {

  public static ChainVerification intact(String tenantId, long recordsChecked, long unkeyedRecords,
                                         int anchorsChecked) {
    return new ChainVerification(tenantId, recordsChecked, -1, null, unkeyedRecords, anchorsChecked);
  }

  public static ChainVerification broken(String tenantId, long recordsChecked, long seq, String problem) {
    return new ChainVerification(tenantId, recordsChecked, seq, problem, 0, 0);
  }

  public boolean isIntact() {
    return problem == null;
  }
}

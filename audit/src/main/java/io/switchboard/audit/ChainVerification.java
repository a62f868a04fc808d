package io.switchboard.audit;

/**
 * The outcome of checking a tenant's audit chain.
 *
 * @param recordsChecked how many records were read
 * @param brokenAtSeq    the first seq where the chain is broken, or -1 when it is intact
 * @param problem        what is wrong there, or null when the chain is intact
 */
public record ChainVerification(String tenantId, long recordsChecked, long brokenAtSeq, String problem) {

  public static ChainVerification intact(String tenantId, long recordsChecked) {
    return new ChainVerification(tenantId, recordsChecked, -1, null);
  }

  public static ChainVerification broken(String tenantId, long recordsChecked, long seq, String problem) {
    return new ChainVerification(tenantId, recordsChecked, seq, problem);
  }

  public boolean isIntact() {
    return problem == null;
  }
}

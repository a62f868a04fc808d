package io.switchboard.executor.action;

/**
 * Where a running action says how far it has got ("rollout: 2/3 updated, 2 available"). The
 * executor keeps only the latest line: it stores it with the job (fenced by the attempt's lease, so
 * a stale attempt cannot overwrite a newer one's), at most about once a second, with secrets
 * redacted, and announces it on {@code switchboard.jobs.progress}. Reporting never blocks and never
 * fails the action.
 */
@FunctionalInterface
public interface Progress {

  /** Progress that goes nowhere: for actions run outside an executor, e.g. in tests. */
  Progress IGNORED = line -> { };

  void report(String line);
}

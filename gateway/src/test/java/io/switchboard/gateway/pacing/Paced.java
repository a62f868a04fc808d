package io.switchboard.gateway.pacing;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that calls kept a channel's pace, from the times they arrived at a loopback stand-in. An
 * arrival time is the send time plus however long the machine took to schedule the stand-in's
 * thread, which on a busy machine can be tens of milliseconds; so two neighbouring arrivals may be
 * closer than the pace although their sends were not. What cannot happen without pacing is a run
 * of calls faster than the pace: over any run of calls the span must be at least the paces between
 * them, less {@link #JITTER_MILLIS}. Calls sent without pacing arrive within a few milliseconds of each
 * other and fail this at once.
 */
public final class Paced {

  /** How late an arrival may be against its send, on a machine busy with other tests. */
  public static final long JITTER_MILLIS = 100;

  private Paced() {
  }

  /** @param arrivals the calls' arrival times in milliseconds, in the order they arrived */
  public static void assertPaced(List<Long> arrivals, long paceMillis) {
    for (int first = 0; first < arrivals.size(); first++) {
      for (int last = first + 1; last < arrivals.size(); last++) {
        long span = arrivals.get(last) - arrivals.get(first);
        assertThat(span).as("calls %d to %d arrived within %d ms", first, last, span)
            .isGreaterThanOrEqualTo((last - first) * paceMillis - JITTER_MILLIS);
      }
    }
  }
}

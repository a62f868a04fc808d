package io.switchboard.loadtests.support;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.LongStream;

/** A set of latencies in microseconds, sorted, with nearest-rank percentiles shown in milliseconds. */
public final class Latencies {

  private final long[] sortedMicros;

  private Latencies(long[] sortedMicros) {
    this.sortedMicros = sortedMicros;
  }

  public static Latencies of(LongStream micros) {
    long[] values = micros.toArray();
    Arrays.sort(values);
    return new Latencies(values);
  }

  public int count() {
    return sortedMicros.length;
  }

  /** Nearest-rank percentile in microseconds; -1 when there are no values. */
  public long percentileMicros(double p) {
    if (sortedMicros.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedMicros.length);
    return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, rank - 1))];
  }

  /** The percentile in milliseconds with one decimal, or {@code n/a} when there are no values. */
  public String ms(double p) {
    long micros = percentileMicros(p);
    return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  /** The largest value in milliseconds, or {@code n/a}. */
  public String maxMs() {
    return ms(100);
  }

  /** {@code a / b} of two percentiles, as {@code 1.23x}, or {@code n/a} when either is missing or b is 0. */
  public static String ratio(Latencies a, Latencies b, double p) {
    long x = a.percentileMicros(p);
    long y = b.percentileMicros(p);
    return x < 0 || y <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", (double) x / y);
  }
}

package io.switchboard.loadtests.support;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ranks 1..n drawn with probability proportional to {@code 1 / rank^exponent}: exponent 0 is uniform,
 * 1 the classic Zipf law (with 50 ranks the first takes about 22% of the draws, the first five 51%).
 */
public final class Zipf {

  private final double[] cumulative;

  public Zipf(int n, double exponent) {
    cumulative = new double[n];
    double sum = 0;
    for (int rank = 1; rank <= n; rank++) {
      sum += 1.0 / Math.pow(rank, exponent);
      cumulative[rank - 1] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
  }

  /** A rank from 1 to n. */
  public int next() {
    double u = ThreadLocalRandom.current().nextDouble();
    int i = Arrays.binarySearch(cumulative, u);
    return Math.min(cumulative.length, (i >= 0 ? i : -i - 1) + 1);
  }

  /** The share of the draws that fall on ranks {@code from} to {@code to}. */
  public double share(int from, int to) {
    return cumulative[to - 1] - (from > 1 ? cumulative[from - 2] : 0);
  }
}

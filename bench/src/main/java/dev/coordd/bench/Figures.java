package dev.coordd.bench;

import java.util.Arrays;
import java.util.List;

/** The arithmetic of a report: percentiles of samples, medians of runs, ratios. */
public final class Figures {
  private Figures() {}

  /**
   * The nearest-rank percentile (the smallest sample with at least {@code p} percent of the samples
   * at or below it): always a value that was measured, never an interpolation.
   */
  public static double percentile(double[] samples, double p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples to take a percentile of");
    }
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  /** The median; the mean of the two middle values for an even count. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to take a median of");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  public static double max(double[] samples) {
    return Arrays.stream(samples).max().orElseThrow();
  }

  /** {@code a / b}, or NaN when {@code b} is zero (no ratio to a peer that measured nothing). */
  public static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }

  /** Per second, from a count and the nanoseconds it took. */
  public static double perSecond(long count, long nanos) {
    if (nanos <= 0) {
      throw new IllegalArgumentException("elapsed time must be positive, got " + nanos + " ns");
    }
    return count * 1e9 / nanos;
  }

  public static double millis(long nanos) {
    return nanos / 1e6;
  }
}

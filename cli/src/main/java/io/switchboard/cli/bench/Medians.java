package io.switchboard.cli.bench;

import java.util.List;

/**
 * The median the benchmarks report: one run disturbed by the machine moves it less than the mean.
 */
final class Medians {
  private Medians() {}

  /** The middle value, or the mean of the two middle ones for an even count. */
  static double of(List<? extends Number> values) {
    var sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}

package io.switchboard.server.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.VerboseResult;

/**
 * What one bucket looked like right after a request was decided: its limit (as the bucket really
 * has it, which in a cluster may briefly differ from this node's view), what is left, and how long
 * until the next token and until it is full again.
 */
public record BucketStatus(
    BucketSpec spec,
    long limit,
    long remaining,
    long nanosToNextToken,
    long nanosToFull,
    boolean refused) {

  /** A bucket that does not exist yet is full. */
  static BucketStatus full(BucketSpec spec) {
    return new BucketStatus(spec, spec.limit(), spec.limit(), 0, 0, false);
  }

  static BucketStatus consumed(BucketSpec spec, VerboseResult<ConsumptionProbe> result) {
    ConsumptionProbe probe = result.getValue();
    if (!probe.isConsumed()) {
      return new BucketStatus(
          spec,
          capacity(result.getConfiguration()),
          probe.getRemainingTokens(),
          probe.getNanosToWaitForRefill(),
          probe.getNanosToWaitForReset(),
          true);
    }
    return fromState(
        spec,
        probe.getRemainingTokens(),
        result.getState(),
        result.getConfiguration(),
        result.getOperationTimeNanos(),
        false);
  }

  static BucketStatus estimated(BucketSpec spec, VerboseResult<EstimationProbe> result) {
    EstimationProbe probe = result.getValue();
    BucketStatus s =
        fromState(
            spec,
            probe.getRemainingTokens(),
            result.getState(),
            result.getConfiguration(),
            result.getOperationTimeNanos(),
            !probe.canBeConsumed());
    return probe.canBeConsumed()
        ? s
        : new BucketStatus(
            spec, s.limit(), s.remaining(), probe.getNanosToWaitForRefill(), s.nanosToFull(), true);
  }

  private static BucketStatus fromState(
      BucketSpec spec,
      long remaining,
      BucketState state,
      BucketConfiguration config,
      long nowNanos,
      boolean refused) {
    long limit = capacity(config);
    long toFull = remaining >= limit ? 0 : state.calculateFullRefillingTime(nowNanos);
    long toNext =
        remaining >= limit
            ? 0
            : state.calculateDelayNanosAfterWillBePossibleToConsume(remaining + 1, nowNanos, false);
    return new BucketStatus(spec, limit, Math.max(0, remaining), toNext, toFull, refused);
  }

  static long capacity(BucketConfiguration config) {
    return config.getBandwidths()[0].getCapacity();
  }

  /** Whole seconds, rounded up: a caller that waits this long finds what was promised. */
  static long ceilSeconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
  }
}

package io.switchboard.server.ratelimit;

import java.util.List;
import java.util.Optional;

/**
 * The verdict on one request: allowed or refused, and the state of every bucket it was checked
 * against.
 */
public record Decision(boolean allowed, List<BucketStatus> buckets) {
  public static final Decision UNLIMITED = new Decision(true, List.of());

  /**
   * The bucket the headers describe: on a refusal the refusing bucket with the longest wait (so
   * that {@code Retry-After} is enough for all of them), otherwise the bucket with the least room
   * left.
   */
  public Optional<BucketStatus> tightest() {
    return Optional.ofNullable(tightestOrNull());
  }

  /**
   * {@link #tightest()} without the Optional, for the request path (a loop: the streams and
   * comparators it was written with were allocated per request). Ties keep the first bucket.
   */
  BucketStatus tightestOrNull() {
    BucketStatus best = null;
    for (BucketStatus b : buckets) {
      if (!allowed) {
        if (b.refused() && (best == null || b.nanosToNextToken() > best.nanosToNextToken()))
          best = b;
      } else if (best == null
          || b.remaining() < best.remaining()
          || (b.remaining() == best.remaining()
              && b.nanosToNextToken() > best.nanosToNextToken())) {
        best = b;
      }
    }
    return best;
  }

  /** Seconds until every refusing bucket has a token: rounded up, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(
        1, BucketStatus.ceilSeconds(tightest().map(BucketStatus::nanosToNextToken).orElse(0L)));
  }
}

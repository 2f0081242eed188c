package io.switchboard.server.ratelimit;

import java.util.Comparator;
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
    if (!allowed)
      return buckets.stream()
          .filter(BucketStatus::refused)
          .max(Comparator.comparingLong(BucketStatus::nanosToNextToken));
    return buckets.stream()
        .min(
            Comparator.comparingLong(BucketStatus::remaining)
                .thenComparing(
                    Comparator.comparingLong(BucketStatus::nanosToNextToken).reversed()));
  }

  /** Seconds until every refusing bucket has a token: rounded up, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(
        1, BucketStatus.ceilSeconds(tightest().map(BucketStatus::nanosToNextToken).orElse(0L)));
  }
}

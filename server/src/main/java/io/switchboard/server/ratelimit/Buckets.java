package io.switchboard.server.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Bucket4j configurations and time, shared by both backends. */
final class Buckets {
  private Buckets() {}

  /**
   * {@code limit} requests per window, refilled greedily: a token comes back every window/limit, so
   * a caller that was refused waits for one token, not for the whole window.
   */
  static BucketConfiguration config(long limit) {
    return BucketConfiguration.builder()
        .addLimit(b ->
            b.capacity(limit).refillGreedy(limit, Duration.ofSeconds(LimitCatalog.WINDOW_SECONDS)))
        .build();
  }

  /** The current second of bucket time, for per-second refusal counts. */
  static long epochSecond(TimeMeter time) {
    return Math.floorDiv(time.currentTimeNanos(), 1_000_000_000L);
  }

  /** Bucket time from the server's clock, so tests can move it instead of sleeping. */
  static TimeMeter timeMeter(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }
}

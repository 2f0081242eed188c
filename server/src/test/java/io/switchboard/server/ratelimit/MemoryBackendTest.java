package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBackendTest {
  /**
   * A refusal names the bucket that refused, even when that bucket refills its next token between
   * the refused take and the look at every bucket that follows it (a clock that moves on every read
   * makes that moment come for sure; on the real clock it came under load, and the gate's 429 found
   * no refusing bucket to name: a 500).
   */
  @Test
  void aRefusalNamesTheRefusingBucketEvenIfItRefilledSinceTheTake() {
    long step = 1_000_000L; // 1 ms per read
    var clock = new AtomicLong(1_700_000_000_000_000_000L);
    TimeMeter ticking =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.getAndAdd(step);
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    var backend = new MemoryBackend(ticking);
    try {
      String org = "org";
      // 60 a minute: a token a second, i.e. a thousand reads of the clock.
      var token =
          BucketSpec.of(org, LimitCatalog.find(LimitCatalog.TOKEN).orElseThrow(), "jti", 60, 0);
      int refusals = 0;
      for (int i = 0; i < 5_000; i++) {
        Decision d = backend.tryConsume(List.of(token));
        if (d.allowed()) continue;
        refusals++;
        assertThat(d.tightest()).as("refusal %d names its bucket", refusals).isPresent();
      }
      assertThat(refusals).isPositive();
    } finally {
      backend.close();
    }
  }
}

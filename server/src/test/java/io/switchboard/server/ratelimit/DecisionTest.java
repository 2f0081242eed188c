package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bucket the headers describe, against the stream definition it was first written as. */
class DecisionTest {
  private static final LimitCatalog.Definition TOKEN =
      LimitCatalog.find(LimitCatalog.TOKEN).orElseThrow();

  @Test
  void theTightestBucketIsTheOneTheDefinitionPicks() {
    var random = new Random(20261201L);
    int refusedDecisions = 0;
    for (int run = 0; run < 5_000; run++) {
      int n = 1 + random.nextInt(4);
      var buckets = new ArrayList<BucketStatus>();
      for (int i = 0; i < n; i++) {
        // Few distinct values, so that ties happen often.
        BucketSpec spec = BucketSpec.of("org", TOKEN, "t" + i, 10, 1);
        buckets.add(
            new BucketStatus(
                spec,
                10,
                random.nextInt(3),
                random.nextInt(3) * 1_000L,
                random.nextInt(3) * 5_000L,
                random.nextBoolean()));
      }
      boolean allowed = random.nextBoolean();
      if (!allowed) refusedDecisions++;
      var d = new Decision(allowed, List.copyOf(buckets));
      Optional<BucketStatus> expected = definition(d);
      assertThat(d.tightest()).as("run %d: %s", run, d).isEqualTo(expected);
      // The same instance on ties: the first of the equals.
      expected.ifPresent(e -> assertThat(d.tightestOrNull()).isSameAs(e));
    }
    assertThat(refusedDecisions).isBetween(2_000, 3_000);
  }

  private static Optional<BucketStatus> definition(Decision d) {
    if (!d.allowed())
      return d.buckets().stream()
          .filter(BucketStatus::refused)
          .max(Comparator.comparingLong(BucketStatus::nanosToNextToken));
    return d.buckets().stream()
        .min(
            Comparator.comparingLong(BucketStatus::remaining)
                .thenComparing(
                    Comparator.comparingLong(BucketStatus::nanosToNextToken).reversed()));
  }
}

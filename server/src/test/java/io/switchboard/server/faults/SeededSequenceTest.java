package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.server.faults.FaultRuleRequest.FaultEffect;
import io.switchboard.server.faults.FaultRuleRequest.FaultMatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeededSequenceTest {
  static RuleState state(String id, double probability, long seed) {
    var effect =
        new FaultEffect(
            "status", null, null, null, 503, null, null, null, null, null, null, null, null, null,
            null, null, null);
    var rule =
        new FaultRule(
            id,
            "org",
            "r",
            true,
            new FaultRule.Definition(
                new FaultMatch(null, null, null, null, null, null),
                probability,
                seed,
                effect,
                false,
                null),
            null,
            Instant.EPOCH,
            0,
            0);
    return new RuleState(rule, new SimpleMeterRegistry());
  }

  static List<Boolean> decisions(RuleState s, int n) {
    var out = new ArrayList<Boolean>();
    for (int i = 0; i < n; i++) out.add(s.roll() >= 0);
    return out;
  }

  @Test
  void theSameSeedGivesTheSameDecisions() {
    assertThat(decisions(state("a", 0.5, 42), 1_000))
        .isEqualTo(decisions(state("b", 0.5, 42), 1_000));
    assertThat(decisions(state("a", 0.5, 42), 1_000))
        .isNotEqualTo(decisions(state("c", 0.5, 43), 1_000));
  }

  @Test
  void theShareFollowsTheProbability() {
    long hits = decisions(state("a", 0.3, 7), 10_000).stream().filter(b -> b).count();
    assertThat(hits).isBetween(2_700L, 3_300L);
    assertThat(decisions(state("a", 0.0, 7), 100)).doesNotContain(true);
    assertThat(decisions(state("a", 1.0, 7), 100)).doesNotContain(false);
  }

  @Test
  void uniformDrawsStayInRange() {
    RuleState s = state("a", 1, 9);
    for (int n = 0; n < 10_000; n++) assertThat(s.uniform(n, 1)).isBetween(0.0, 0.9999999999);
  }
}

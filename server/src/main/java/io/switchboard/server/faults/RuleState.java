package io.switchboard.server.faults;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one node keeps about an active rule between polls: the rule, its position in its seeded
 * sequence, counts not yet written to the database, its meters, and (for a squeeze) its bucket.
 */
final class RuleState {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private volatile FaultRule rule;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong pendingMatched = new AtomicLong();
  private final AtomicLong pendingInjected = new AtomicLong();
  private final Counter matchedMeter;
  private final Counter injectedMeter;
  private final Bucket squeeze;

  /** All claims of a failFirst (or expired-token) rule are taken: no database round trip more. */
  volatile boolean exhausted;

  RuleState(FaultRule rule, MeterRegistry registry) {
    this.rule = rule;
    String type = rule.definition().effect().type();
    this.matchedMeter =
        Counter.builder("switchboard.faults.matched")
            .description("Requests (or outbound calls) a fault rule matched")
            .tag("rule", rule.id())
            .tag("effect", type)
            .tag("org", rule.orgId())
            .register(registry);
    this.injectedMeter =
        Counter.builder("switchboard.faults.injected")
            .description("Faults a rule injected")
            .tag("rule", rule.id())
            .tag("effect", type)
            .tag("org", rule.orgId())
            .register(registry);
    var effect = rule.definition().effect();
    this.squeeze =
        rule.type() == EffectType.RATE_LIMIT_SQUEEZE
            ? Bucket.builder()
                .addLimit(
                    Bandwidth.builder()
                        .capacity(Math.max(1, effect.limit()))
                        .refillGreedy(
                            Math.max(1, effect.limit()), Duration.ofSeconds(effect.windowSeconds()))
                        .initialTokens(effect.limit())
                        .build())
                .build()
            : null;
  }

  FaultRule rule() {
    return rule;
  }

  void update(FaultRule fresh) {
    this.rule = fresh;
  }

  Bucket squeeze() {
    return squeeze;
  }

  /**
   * Counts a match and decides by the rule's probability whether this match injects. The n-th match
   * of a rule draws the n-th number of the rule's seeded sequence (SplitMix64), so the same seed
   * gives the same decisions for the same order of matching requests. Returns the draw index (for a
   * draw of its own, e.g. a latency in a range), or -1 for no injection.
   */
  long roll() {
    pendingMatched.incrementAndGet();
    matchedMeter.increment();
    long n = sequence.getAndIncrement();
    double p = rule.definition().probability();
    if (p >= 1.0) return n;
    return uniform(n, 0) < p ? n : -1;
  }

  /** A number in [0, 1) for draw {@code n}, stream {@code salt}: deterministic given the seed. */
  double uniform(long n, int salt) {
    long z = rule.definition().seed() + (n * 2 + salt + 1) * GOLDEN;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  void injected() {
    pendingInjected.incrementAndGet();
    injectedMeter.increment();
  }

  long takePendingMatched() {
    return pendingMatched.getAndSet(0);
  }

  long takePendingInjected() {
    return pendingInjected.getAndSet(0);
  }

  void givePending(long matched, long injected) {
    pendingMatched.addAndGet(matched);
    pendingInjected.addAndGet(injected);
  }

  long pendingMatched() {
    return pendingMatched.get();
  }

  long pendingInjected() {
    return pendingInjected.get();
  }

  void removeMeters(MeterRegistry registry) {
    registry.remove(matchedMeter);
    registry.remove(injectedMeter);
  }
}

package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.storage.Database;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limiter keeps each token's buckets (its plan) while the limit service says the org's limits
 * it was made from are current: a change made on this node holds at the next request, one written
 * by another node once this node's read of the org is {@link LimitService#CACHE_TTL} old. On a real
 * (H2) limit store and the in-memory buckets.
 */
class RateLimiterPlanTest {
  private final MutableClock clock = new MutableClock();
  private Database db;
  private LimitStore store;
  private LimitService limits;
  private RateLimiter limiter;

  @BeforeEach
  void start() {
    db = Database.open(TestDatabases.h2());
    store = new LimitStore(db.jdbi());
    var defaults = new LinkedHashMap<String, Long>();
    for (LimitCatalog.Definition d : LimitCatalog.ALL) defaults.put(d.key(), 0L);
    defaults.put(LimitCatalog.TOKEN, 300L);
    var config = new RateLimitConfig(defaults, null, null, null, null);
    limits = new LimitService(store, config, clock);
    limiter = RateLimiter.create(limits, config, clock, new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    limiter.close();
    db.close();
  }

  @Test
  void aPlanFollowsAChangeHereAtOnceAndOneFromAnotherNodeWithinTheTtl() {
    var caller = principal("org-a", "token-1");
    var other = principal("org-b", "token-2");
    assertThat(allowed(caller)).isEqualTo(300);

    // Another org's change on this node leaves this org's limits as they were.
    change("org-b", 50);
    assertThat(allowed(other)).isEqualTo(50);
    assertThat(allowed(caller)).isEqualTo(300);

    // This org's change on this node: the very next request.
    clock.advance(Duration.ofMillis(500));
    change("org-a", 100);
    assertThat(allowed(caller)).isEqualTo(100);

    // Written by another node (straight to the store, this node not told): seen once this node's
    // read of the org is a TTL old, counted from the read.
    clock.advance(Duration.ofMillis(500));
    store.change("org-a", Map.of(LimitCatalog.TOKEN, 40L), clock.instant());
    clock.advance(LimitService.CACHE_TTL.minusMillis(501));
    assertThat(allowed(caller)).isEqualTo(100);
    clock.advance(Duration.ofMillis(1));
    assertThat(allowed(caller)).isEqualTo(40);
  }

  private void change(String orgId, long tokenLimit) {
    var change =
        limits.update(
            orgId,
            LimitCatalog.NAMESPACE,
            List.of(new Limit(LimitCatalog.TOKEN, LimitCatalog.NAMESPACE, tokenLimit)));
    limiter.limitsChanged(change);
  }

  /** The limit of the bucket a request of {@code p} drew from, as its plan has it. */
  private long allowed(Principal p) {
    Decision d = limiter.tryConsume(p, "scripts");
    assertThat(d.allowed()).isTrue();
    return d.tightest().orElseThrow().spec().limit();
  }

  private static Principal principal(String orgId, String tokenId) {
    return new Principal(
        orgId, "client-of-" + tokenId, Set.of(), tokenId, Instant.parse("2100-01-01T00:00:00Z"));
  }
}

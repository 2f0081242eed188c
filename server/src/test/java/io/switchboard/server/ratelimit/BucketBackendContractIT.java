package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.RedisClient;
import io.switchboard.server.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link BucketBackend} contract, run against every backend alike: in memory, and in Redis (one
 * Lua script per request). Time is a still clock the test moves (the Redis backend is given it
 * instead of Redis's own clock), so every count is exact. The Redis-only part at the end checks one
 * round trip per request and agreement between nodes with skewed clocks on Redis's time.
 */
class BucketBackendContractIT {
  static RedisServer redis;

  /** Bucket time in nanoseconds, moved by the tests. */
  static final AtomicLong now = new AtomicLong(1_700_000_000_000_000_000L);

  static final TimeMeter STILL =
      new TimeMeter() {
        @Override
        public long currentTimeNanos() {
          return now.get();
        }

        @Override
        public boolean isWallClockBased() {
          return true;
        }
      };

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  static Stream<String> backends() {
    return Stream.of("memory", "redis", "redis-leases");
  }

  static BucketBackend backend(String kind) {
    return switch (kind) {
      case "memory" -> new MemoryBackend(STILL);
      case "redis" -> redisBackend(STILL, false);
      // The default of limits.redis-lease-tokens: buckets of 1,000 or more are leased.
      case "redis-leases" -> leasing("sbtest:" + UUID.randomUUID() + ":");
      default -> throw new IllegalArgumentException(kind);
    };
  }

  static RedisBackend redisBackend(TimeMeter time, boolean serverTime) {
    return redisBackend(time, serverTime, "sbtest:" + UUID.randomUUID() + ":");
  }

  static RedisBackend redisBackend(TimeMeter time, boolean serverTime, String prefix) {
    return redisBackend(time, serverTime, prefix, Duration.ZERO);
  }

  static RedisBackend redisBackend(
      TimeMeter time, boolean serverTime, String prefix, Duration localPass) {
    return redisBackend(time, serverTime, prefix, localPass, 0);
  }

  /** A node on the test clock with the default leases (100 tokens at most). */
  static RedisBackend leasing(String prefix) {
    return redisBackend(STILL, false, prefix, Duration.ZERO, 100);
  }

  /** A node on the test clock that asks Redis about every request. */
  static RedisBackend asking(String prefix) {
    return redisBackend(STILL, false, prefix, Duration.ZERO, 0);
  }

  static RedisBackend redisBackend(
      TimeMeter time, boolean serverTime, String prefix, Duration localPass, int leaseTokens) {
    return new RedisBackend(
        new RateLimitConfig(
            Map.of(),
            redis.url(),
            prefix,
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            localPass,
            leaseTokens),
        time,
        serverTime);
  }

  static BucketSpec spec(String org, String kindKey, String subject, long limit, long version) {
    return BucketSpec.of(org, LimitCatalog.find(kindKey).orElseThrow(), subject, limit, version);
  }

  static String newOrg() {
    return UUID.randomUUID().toString();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void takesUpToTheLimitThenRefusesWithTheWaitForOneToken(String kind) {
    try (var b = backend(kind)) {
      var token = spec(newOrg(), LimitCatalog.TOKEN, "jti", 20, 0);
      for (int i = 1; i <= 20; i++) {
        Decision d = b.tryConsume(List.of(token));
        assertThat(d.allowed()).isTrue();
        BucketStatus s = d.buckets().get(0);
        assertThat(s.limit()).isEqualTo(20);
        assertThat(s.remaining()).isEqualTo(20 - i);
        // 20 per minute: one token every 3 s; full again after i tokens' worth.
        assertThat(s.nanosToNextToken()).isEqualTo(3_000_000_000L);
        assertThat(s.nanosToFull()).isEqualTo(i * 3_000_000_000L);
        assertThat(s.refused()).isFalse();
      }
      Decision refused = b.tryConsume(List.of(token));
      assertThat(refused.allowed()).isFalse();
      assertThat(refused.buckets().get(0).refused()).isTrue();
      assertThat(refused.buckets().get(0).remaining()).isZero();
      assertThat(refused.retryAfterSeconds()).isEqualTo(3);

      now.addAndGet(2_999_999_999L);
      assertThat(b.tryConsume(List.of(token)).allowed()).isFalse();
      now.addAndGet(1);
      assertThat(b.tryConsume(List.of(token)).allowed()).isTrue();
      assertThat(b.tryConsume(List.of(token)).allowed()).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aRefusedRequestConsumesNothingInAnyBucket(String kind) {
    try (var b = backend(kind)) {
      String org = newOrg();
      var token = spec(org, LimitCatalog.TOKEN, "jti", 100, 0);
      var orgBucket = spec(org, LimitCatalog.ORG, org, 2, 0);
      assertThat(b.tryConsume(List.of(token, orgBucket)).allowed()).isTrue();
      assertThat(b.tryConsume(List.of(token, orgBucket)).allowed()).isTrue();
      Decision d = b.tryConsume(List.of(token, orgBucket));
      assertThat(d.allowed()).isFalse();
      assertThat(d.buckets().get(0).refused()).isFalse();
      assertThat(d.buckets().get(0).remaining()).isEqualTo(98);
      assertThat(d.buckets().get(1).refused()).isTrue();
      assertThat(d.tightest().orElseThrow().spec().key()).isEqualTo(orgBucket.key());
      assertThat(d.retryAfterSeconds()).isEqualTo(30);
      assertThat(b.peek(List.of(token, orgBucket)))
          .extracting(BucketStatus::remaining)
          .containsExactly(98L, 0L);
      assertThat(b.refusalsLastMinute(org)).isEqualTo(Map.of(orgBucket.key(), 1L));
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void peekConsumesNothingAndAnUnknownBucketIsFull(String kind) {
    try (var b = backend(kind)) {
      var token = spec(newOrg(), LimitCatalog.TOKEN, "jti", 5, 0);
      BucketStatus fresh = b.peek(List.of(token)).get(0);
      assertThat(fresh.remaining()).isEqualTo(5);
      assertThat(fresh.limit()).isEqualTo(5);
      assertThat(fresh.nanosToFull()).isZero();
      b.tryConsume(List.of(token));
      for (int i = 0; i < 3; i++)
        assertThat(b.peek(List.of(token)).get(0).remaining()).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void allOrNothingAcrossFourBucketsUnderConcurrency(String kind) throws Exception {
    try (var b = backend(kind)) {
      String org = newOrg();
      var client = spec(org, LimitCatalog.CLIENT, "client", 1000, 0);
      var group = spec(org, LimitCatalog.groupKey("scripts"), "scripts", 1000, 0);
      var orgBucket = spec(org, LimitCatalog.ORG, org, 100, 0);
      var tokens = new ArrayList<BucketSpec>();
      for (int t = 0; t < 4; t++) tokens.add(spec(org, LimitCatalog.TOKEN, "jti" + t, 40, 0));
      // 8 threads, two per token, 60 requests each: 480 requests, 4 x 40 token-allowances, 100
      // for the org.
      var tasks = new ArrayList<Callable<Integer>>();
      for (int w = 0; w < 8; w++) {
        var mine = List.of(tokens.get(w % 4), client, group, orgBucket);
        tasks.add(() -> {
          int ok = 0;
          for (int i = 0; i < 60; i++) if (b.tryConsume(mine).allowed()) ok++;
          return ok;
        });
      }
      int[] perToken = new int[4];
      try (var pool = Executors.newFixedThreadPool(8)) {
        List<Future<Integer>> results = pool.invokeAll(tasks);
        for (int w = 0; w < 8; w++) perToken[w % 4] += results.get(w).get();
      }
      int allowed = perToken[0] + perToken[1] + perToken[2] + perToken[3];
      assertThat(allowed).isEqualTo(100);
      var after = new ArrayList<BucketSpec>(tokens);
      after.addAll(List.of(client, group, orgBucket));
      List<BucketStatus> state = b.peek(after);
      for (int t = 0; t < 4; t++) {
        assertThat(perToken[t]).isLessThanOrEqualTo(40);
        assertThat(state.get(t).remaining())
            .as("token %d spent exactly what it was allowed", t)
            .isEqualTo(40 - perToken[t]);
      }
      assertThat(state.get(4).remaining()).isEqualTo(900);
      assertThat(state.get(5).remaining()).isEqualTo(900);
      assertThat(state.get(6).remaining()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aLimitChangeKeepsWhatWasSpentAndAnOlderVersionCannotUndoIt(String kind) {
    try (var b = backend(kind)) {
      String org = newOrg();
      var at300 = spec(org, LimitCatalog.TOKEN, "jti", 300, 0);
      for (int i = 0; i < 15; i++) b.tryConsume(List.of(at300));
      b.activeKeys(org); // registration is asynchronous in Redis; the next call sees it
      var before = new OrgLimits(org, 0, Map.of(LimitCatalog.TOKEN, 300L));
      var after = new OrgLimits(org, 1, Map.of(LimitCatalog.TOKEN, 20L));
      b.limitsChanged(before, after);
      var at20 = spec(org, LimitCatalog.TOKEN, "jti", 20, 1);
      BucketStatus moved = b.peek(List.of(at20)).get(0);
      assertThat(moved.limit()).isEqualTo(20);
      assertThat(moved.remaining()).isEqualTo(5);
      if (kind.equals("redis")) {
        // A node that has not heard of the change yet still sees the new limit in Redis.
        Decision stale = b.tryConsume(List.of(at300));
        assertThat(stale.buckets().get(0).limit()).isEqualTo(20);
        assertThat(stale.buckets().get(0).remaining()).isEqualTo(4);
      }
    }
  }

  @Test
  void aRequestsBucketsCostOneRoundTrip() {
    try (var b = redisBackend(STILL, false);
        var client = RedisClient.create(redis.url());
        var connection = client.connect()) {
      String org = newOrg();
      // A limit this small is always asked of Redis (see the next test).
      long limit = RedisBackend.MIN_MARGIN;
      var four =
          List.of(
              spec(org, LimitCatalog.TOKEN, "jti", limit, 0),
              spec(org, LimitCatalog.CLIENT, "client", limit, 0),
              spec(org, LimitCatalog.groupKey("scripts"), "scripts", limit, 0),
              spec(org, LimitCatalog.ORG, org, limit, 0));
      b.tryConsume(four); // connects and loads the script
      var info = connection.sync();
      long evalsha = calls(info.info("commandstats"), "evalsha");
      long eval = calls(info.info("commandstats"), "eval");
      for (int i = 0; i < 40; i++) assertThat(b.tryConsume(four).allowed()).isTrue();
      String stats = info.info("commandstats");
      assertThat(calls(stats, "evalsha") - evalsha).isEqualTo(40);
      assertThat(calls(stats, "eval") - eval).isZero();

      // Redis lost its scripts (a restart, SCRIPT FLUSH): the script is sent again, nothing fails.
      info.scriptFlush();
      assertThat(b.tryConsume(four).buckets().get(0).remaining()).isEqualTo(limit - 42);
      assertThat(calls(info.info("commandstats"), "eval") - eval).isEqualTo(1);
    }
  }

  @Test
  void passesWithoutAskingOnlyWellAboveTheMarginAndRedisCountsEveryRequest() throws Exception {
    try (var b =
            redisBackend(STILL, false, "sbtest:" + UUID.randomUUID() + ":", Duration.ofSeconds(1));
        var client = RedisClient.create(redis.url());
        var connection = client.connect()) {
      String org = newOrg();
      long limit = 1000; // margin 50
      var token = spec(org, LimitCatalog.TOKEN, "jti", limit, 0);
      var orgBucket = spec(org, LimitCatalog.ORG, org, limit, 0);
      var both = List.of(token, orgBucket);
      assertThat(b.tryConsume(both).allowed()).isTrue(); // asks: nothing heard yet
      long before = calls(connection.sync().info("commandstats"), "evalsha");
      int allowed = 1;
      for (int i = 0; i < 1200; i++) if (b.tryConsume(both).allowed()) allowed++;
      // One node: what it admits without asking is counted against what it heard, so it never
      // admits more than the limit; every admitted request is charged in Redis.
      assertThat(allowed).isEqualTo(1000);
      assertThat(b.peek(both)).allSatisfy(s -> assertThat(s.remaining()).isZero());
      long calls = calls(connection.sync().info("commandstats"), "evalsha") - before;
      assertThat(calls).as("script calls for 1,200 checks").isLessThan(1200);
    }
  }

  @Test
  void concurrentRequestsShareScriptCallsAndStillGetExactlyTheLimit() throws Exception {
    try (var b = redisBackend(STILL, false);
        var client = RedisClient.create(redis.url());
        var connection = client.connect()) {
      String org = newOrg();
      var orgBucket = spec(org, LimitCatalog.ORG, org, 500, 0);
      var group = spec(org, LimitCatalog.groupKey("scripts"), "scripts", 10_000, 0);
      b.tryConsume(List.of(spec(org, LimitCatalog.TOKEN, "warm", 1, 0))); // connects
      long before = calls(connection.sync().info("commandstats"), "evalsha");
      // 64 callers at once, 20 requests each, 4 buckets per request (its own token bucket of 10):
      // 1,280 checks for 500 org tokens.
      var allowed = new java.util.concurrent.atomic.AtomicInteger();
      int[] perToken = new int[64];
      var done = new ArrayList<Future<?>>();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < 64; w++) {
          int worker = w;
          var mine =
              List.of(
                  spec(org, LimitCatalog.TOKEN, "jti" + w, 10, 0),
                  spec(org, LimitCatalog.CLIENT, "client" + (w % 8), 10_000, 0),
                  group,
                  orgBucket);
          done.add(
              pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                  if (b.tryConsume(mine).allowed()) {
                    allowed.incrementAndGet();
                    perToken[worker]++;
                  }
                }
              }));
        }
      }
      for (Future<?> f : done) f.get(); // a failed check fails the test
      long scriptCalls = calls(connection.sync().info("commandstats"), "evalsha") - before;
      // Each token allows 10: 640 < 1,280 requests, but the org has 500: exactly 500 pass.
      assertThat(allowed.get()).isEqualTo(500);
      for (int w = 0; w < 64; w++) assertThat(perToken[w]).isLessThanOrEqualTo(10);
      List<BucketStatus> state = b.peek(List.of(orgBucket, group));
      assertThat(state.get(0).remaining()).isZero();
      assertThat(state.get(1).remaining()).as("refused requests took nothing").isEqualTo(9_500);
      assertThat(scriptCalls).as("script calls for 1,280 checks").isLessThan(1_280);
    }
  }

  @Test
  void leasesSpareMostRoundTripsAndOneNodeStillGetsExactlyTheLimit() throws Exception {
    try (var b = leasing("sbtest:" + UUID.randomUUID() + ":");
        var client = RedisClient.create(redis.url());
        var connection = client.connect()) {
      String org = newOrg();
      // Leases of 10 (a hundredth of 1,000), never below the margin of 50.
      var token = spec(org, LimitCatalog.TOKEN, "jti", 1000, 0);
      var orgBucket = spec(org, LimitCatalog.ORG, org, 1000, 0);
      var both = List.of(token, orgBucket);
      b.tryConsume(List.of(spec(org, LimitCatalog.TOKEN, "warm", 1, 0))); // connects
      long before = calls(connection.sync().info("commandstats"), "evalsha");
      int allowed = 0;
      for (int i = 0; i < 1200; i++) {
        Decision d = b.tryConsume(both);
        if (d.allowed()) {
          allowed++;
          // What this node says is left counts its own unused leased tokens as left: exact.
          long left = 1000 - allowed;
          assertThat(d.buckets()).allSatisfy(s -> assertThat(s.remaining()).isEqualTo(left));
        }
      }
      assertThat(allowed).isEqualTo(1000);
      assertThat(b.peek(both)).allSatisfy(s -> assertThat(s.remaining()).isZero());
      long calls = calls(connection.sync().info("commandstats"), "evalsha") - before;
      // Well above the margin a call leases 10 tokens per bucket; near the end every request
      // asks, and the 200 refusals ask too.
      assertThat(calls).as("script calls for 1,200 checks").isLessThan(500);
    }
  }

  @Test
  void aRequestRefusedByAnotherBucketGivesItsLeasedTokenBack() {
    try (var b = leasing("sbtest:" + UUID.randomUUID() + ":")) {
      String org = newOrg();
      var token = spec(org, LimitCatalog.TOKEN, "jti", 10, 0); // too small to lease
      var orgBucket = spec(org, LimitCatalog.ORG, org, 1000, 0);
      int allowed = 0;
      for (int i = 0; i < 30; i++) if (b.tryConsume(List.of(token, orgBucket)).allowed()) allowed++;
      assertThat(allowed).isEqualTo(10);
      // The 20 refused requests held a leased org token each and gave it back.
      assertThat(b.peek(List.of(orgBucket)).get(0).remaining()).isEqualTo(990);
    }
  }

  @Test
  void nodesTogetherNeverAdmitMoreThanTheLimitAndHoldBackAtMostALeaseEach() throws Exception {
    String prefix = "sbtest:" + UUID.randomUUID() + ":";
    try (var one = leasing(prefix);
        var two = leasing(prefix);
        var observer = asking(prefix)) {
      String org = newOrg();
      var orgBucket = spec(org, LimitCatalog.ORG, org, 2000, 0); // leases of 20
      var allowed = new java.util.concurrent.atomic.AtomicInteger();
      var done = new ArrayList<Future<?>>();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < 32; w++) {
          var node = w % 2 == 0 ? one : two;
          var mine = List.of(spec(org, LimitCatalog.TOKEN, "jti" + w, 10_000, 0), orgBucket);
          done.add(
              pool.submit(() -> {
                for (int i = 0; i < 100; i++)
                  if (node.tryConsume(mine).allowed()) allowed.incrementAndGet();
              }));
        }
      }
      for (Future<?> f : done) f.get();
      // 3,200 checks for 2,000 tokens: never more; fewer only by what a node held unused when
      // its requests stopped (less than a lease and a half each: it tops up below half).
      assertThat(allowed.get()).isBetween(2000 - 2 * 30, 2000);
      long inRedis = observer.peek(List.of(orgBucket)).get(0).remaining();
      long held = one.leasedTokens(orgBucket) + two.leasedTokens(orgBucket);
      assertThat(allowed.get() + inRedis + held)
          .as("every token is spent, left or held")
          .isEqualTo(2000);
    }
  }

  @Test
  void anExpiredLeaseIsDroppedAndAFreshOneTaken() {
    String prefix = "sbtest:" + UUID.randomUUID() + ":";
    try (var holder = leasing(prefix);
        var other = asking(prefix);
        var client = RedisClient.create(redis.url());
        var connection = client.connect()) {
      String org = newOrg();
      var orgBucket = spec(org, LimitCatalog.ORG, org, 1000, 0); // leases of 10
      assertThat(holder.tryConsume(List.of(orgBucket)).allowed()).isTrue();
      // The holder counts its lease as left, and answers a peek (a conditional GET's) itself;
      // another node sees it taken.
      long before = calls(connection.sync().info("commandstats"), "evalsha");
      assertThat(holder.peek(List.of(orgBucket)).get(0).remaining()).isEqualTo(999);
      assertThat(calls(connection.sync().info("commandstats"), "evalsha") - before).isZero();
      assertThat(other.peek(List.of(orgBucket)).get(0).remaining()).isEqualTo(989);
      assertThat(holder.leasedTokens(orgBucket)).isEqualTo(10);

      // A second and a tenth later the bucket refilled (18 tokens at 1,000 a minute: more than
      // the lease) and the lease expired: dropped, not handed back on top of the refill.
      now.addAndGet(Leases.TTL_NANOS + 100_000_000L);
      assertThat(holder.leasedTokens(orgBucket)).isZero();
      assertThat(holder.tryConsume(List.of(orgBucket)).allowed()).isTrue();
      assertThat(other.peek(List.of(orgBucket)).get(0).remaining()).isEqualTo(1000 - 1 - 10);
      assertThat(holder.peek(List.of(orgBucket)).get(0).remaining()).isEqualTo(999);
    }
  }

  @Test
  void aLimitChangeTakesALeaseBackLessWhatTheRefillMadeUpFor() {
    String prefix = "sbtest:" + UUID.randomUUID() + ":";
    try (var holder = leasing(prefix);
        var observer = asking(prefix)) {
      String org = newOrg();
      var at1000 = spec(org, LimitCatalog.ORG, org, 1000, 0); // leases of 10
      assertThat(holder.tryConsume(List.of(at1000)).allowed()).isTrue();
      assertThat(observer.peek(List.of(at1000)).get(0).remaining()).isEqualTo(989);
      // 0.3 s at 1,000 a minute: Redis refilled 5 tokens, counting the lease as spent.
      now.addAndGet(300_000_000L);
      holder.activeKeys(org); // registration is asynchronous in Redis; the next call sees it
      holder.limitsChanged(
          new OrgLimits(org, 0, Map.of(LimitCatalog.ORG, 1000L)),
          new OrgLimits(org, 1, Map.of(LimitCatalog.ORG, 500L)));
      // 989 + 5 refilled + (10 leased - the 5 the refill made up for) = 999; moved to 500 keeping
      // what was spent: 499. Handing back all 10 would have given the org a token it never had.
      var at500 = spec(org, LimitCatalog.ORG, org, 500, 1);
      assertThat(observer.peek(List.of(at500)).get(0).remaining()).isEqualTo(499);
      assertThat(holder.leasedTokens(at1000)).isZero();
    }
  }

  @Test
  void aNodeThatHasNotHeardOfALimitChangeStopsLeasingUntilItHas() {
    String prefix = "sbtest:" + UUID.randomUUID() + ":";
    try (var stale = leasing(prefix);
        var changer = asking(prefix)) {
      String org = newOrg();
      var at1000 = spec(org, LimitCatalog.ORG, org, 1000, 0);
      var at2000 = spec(org, LimitCatalog.ORG, org, 2000, 1);
      assertThat(changer.tryConsume(List.of(at2000)).allowed()).isTrue(); // Redis: 2,000, v1
      // The stale node's first ask is granted a lease under Redis's limit, which it cannot use;
      // its next request hands it back and asks for no other.
      for (int i = 0; i < 21; i++) assertThat(stale.tryConsume(List.of(at1000)).allowed()).isTrue();
      assertThat(stale.leasedTokens(at1000)).isZero();
      // 22 requests, nothing held back in a lease the stale node could not use.
      assertThat(changer.peek(List.of(at2000)).get(0).remaining()).isEqualTo(2000 - 22);
      // Once it reads the new limit, it leases again.
      assertThat(stale.tryConsume(List.of(at2000)).allowed()).isTrue();
      assertThat(stale.tryConsume(List.of(at2000)).allowed()).isTrue();
      assertThat(stale.leasedTokens(at2000)).isPositive();
    }
  }

  @Test
  void nodesWithSkewedClocksAgreeOnRedisTime() {
    TimeMeter ahead =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return System.currentTimeMillis() * 1_000_000L + 45_000_000_000L;
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    // Both nodes refill from Redis's clock; the one 45 s ahead would otherwise see 45 s of refill.
    String prefix = "sbtest:" + UUID.randomUUID() + ":";
    try (var node1 = redisBackend(STILL, true, prefix)) {
      String org = newOrg();
      var token = spec(org, LimitCatalog.TOKEN, "jti", 10, 0);
      for (int i = 0; i < 10; i++) assertThat(node1.tryConsume(List.of(token)).allowed()).isTrue();
      try (var node2 = redisBackend(ahead, true, prefix)) {
        Decision d = node2.tryConsume(List.of(token));
        assertThat(d.allowed()).isFalse();
        assertThat(d.buckets().get(0).nanosToNextToken()).isBetween(1L, 6_000_000_000L);
      }
    }
  }

  static long calls(String commandstats, String command) {
    for (String line : commandstats.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        for (String part : line.substring(line.indexOf(':') + 1).split(","))
          if (part.startsWith("calls=")) return Long.parseLong(part.substring(6));
      }
    }
    return 0;
  }
}

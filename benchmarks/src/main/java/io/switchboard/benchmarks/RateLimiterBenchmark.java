package io.switchboard.benchmarks;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.ratelimit.Decision;
import io.switchboard.server.ratelimit.LimitCatalog;
import io.switchboard.server.ratelimit.LimitService;
import io.switchboard.server.ratelimit.LimitStore;
import io.switchboard.server.ratelimit.RateLimitConfig;
import io.switchboard.server.ratelimit.RateLimiter;
import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the in-memory rate limiter costs a request ({@code RateLimiter.tryConsume}, what the gate
 * runs on every /api/v2 request) with 1 and 4 buckets (token; token, client, endpoint group, org),
 * against the baseline of the same call when no limit applies, in one run. Calls rotate over 64
 * principals of 64 orgs, so that no bucket runs dry at the limits' maximum (100,000,000 a minute):
 * every measured call is an admitted one (the tear-down fails otherwise).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimiterBenchmark {
  static final long HIGH = LimitCatalog.MAX_VALUE;

  Database database;
  RateLimiter noLimits;
  RateLimiter oneBucket;
  RateLimiter fourBuckets;
  Principal[] principals = new Principal[64];
  int next;
  long refused;

  @Setup
  public void setUp() throws Exception {
    database =
        Database.open(
            new StorageConfig(Files.createTempDirectory("jmh"), null, null, null, 4, null));
    noLimits = limiter(Map.of());
    oneBucket = limiter(Map.of(LimitCatalog.TOKEN, HIGH));
    fourBuckets =
        limiter(
            Map.of(
                LimitCatalog.TOKEN,
                HIGH,
                LimitCatalog.CLIENT,
                HIGH,
                LimitCatalog.groupKey("scripts"),
                HIGH,
                LimitCatalog.ORG,
                HIGH));
    for (int i = 0; i < principals.length; i++)
      principals[i] =
          new Principal(
              UUID.randomUUID().toString(),
              UUID.randomUUID().toString(),
              Set.of("scripts"),
              UUID.randomUUID().toString(),
              Instant.now().plusSeconds(3600));
  }

  private Decision check(RateLimiter limiter) {
    Decision d = limiter.tryConsume(principals[next++ & 63], "scripts");
    if (!d.allowed()) refused++;
    return d;
  }

  private RateLimiter limiter(Map<String, Long> limits) {
    var defaults = new HashMap<String, Long>();
    for (LimitCatalog.Definition d : LimitCatalog.ALL)
      defaults.put(d.key(), limits.getOrDefault(d.key(), 0L));
    var config =
        new RateLimitConfig(defaults, null, "bench:", Duration.ofSeconds(1), Duration.ofSeconds(1));
    var service = new LimitService(new LimitStore(database.jdbi()), config, Clock.systemUTC());
    return RateLimiter.create(service, config, Clock.systemUTC(), new SimpleMeterRegistry());
  }

  @TearDown
  public void tearDown() {
    if (refused > 0) throw new IllegalStateException(refused + " calls were refused: not measured");
    noLimits.close();
    oneBucket.close();
    fourBuckets.close();
    database.close();
  }

  @Benchmark
  public Decision baselineNoLimits() {
    return check(noLimits);
  }

  @Benchmark
  public Decision oneBucket() {
    return check(oneBucket);
  }

  @Benchmark
  public Decision fourBuckets() {
    return check(fourBuckets);
  }
}

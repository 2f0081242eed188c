package io.switchboard.server.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis with a way out. The failure policy is <b>fail open to local buckets</b>: when a Redis
 * operation fails or times out, the request is decided by this node's in-memory buckets (same
 * limits), and the node stays on them for the retry interval; then one request at a time tries
 * Redis again, and the first that succeeds brings the node back. A Redis outage therefore never
 * turns into 500s or 503s: every node keeps enforcing every limit on its own, so the cluster as a
 * whole admits up to N times a limit while Redis is away. We chose that over failing closed because
 * the limits protect the service and are not a quota a customer pays for, and because refusing all
 * traffic when a cache is down would make Redis a single point of failure of the whole API.
 */
final class FailoverBackend implements BucketBackend {
  private static final Logger log = LoggerFactory.getLogger(FailoverBackend.class);

  private final RedisBackend redis;
  private final MemoryBackend local;
  private final long retryNanos;

  /** 0 while Redis is in use; otherwise the System.nanoTime() before which nobody tries Redis. */
  private final AtomicLong downUntil = new AtomicLong();

  private final AtomicBoolean probing = new AtomicBoolean();
  private final Counter fallbacks;

  FailoverBackend(RedisBackend redis, MemoryBackend local, Duration retry, MeterRegistry registry) {
    this.redis = redis;
    this.local = local;
    this.retryNanos = retry.toNanos();
    this.fallbacks =
        Counter.builder("switchboard.ratelimit.redis.fallbacks")
            .description("Times this node switched to its in-memory buckets because Redis failed")
            .register(registry);
    Gauge.builder("switchboard.ratelimit.redis.available", downUntil, d -> d.get() == 0 ? 1 : 0)
        .description(
            "1 while this node's rate-limit buckets are in Redis, 0 while it uses its in-memory"
                + " fallback")
        .register(registry);
  }

  @Override
  public Decision tryConsume(List<BucketSpec> buckets) {
    return route(b -> b.tryConsume(buckets));
  }

  @Override
  public List<BucketStatus> peek(List<BucketSpec> buckets) {
    return route(b -> b.peek(buckets));
  }

  @Override
  public Collection<String> activeKeys(String orgId) {
    return route(b -> b.activeKeys(orgId));
  }

  @Override
  public Map<String, Long> refusalsLastMinute(String orgId) {
    return route(b -> b.refusalsLastMinute(orgId));
  }

  @Override
  public void limitsChanged(OrgLimits before, OrgLimits after) {
    route(b -> {
      b.limitsChanged(before, after);
      return null;
    });
  }

  @Override
  public String name() {
    return downUntil.get() == 0 ? redis.name() : "memory-fallback";
  }

  @Override
  public void close() {
    redis.close();
    local.close();
  }

  private <T> T route(Function<BucketBackend, T> work) {
    long until = downUntil.get();
    if (until != 0 && (System.nanoTime() - until < 0 || !probing.compareAndSet(false, true)))
      return work.apply(local);
    boolean probe = until != 0;
    try {
      T result = work.apply(redis);
      if (probe && downUntil.getAndSet(0) != 0) log.info("rate limiting is back on Redis");
      return result;
    } catch (RuntimeException e) {
      if (downUntil.getAndSet(System.nanoTime() + retryNanos) == 0) {
        fallbacks.increment();
        log.warn(
            "Redis failed ({}); rate limiting on this node's in-memory buckets until it answers"
                + " again",
            e.toString());
      }
      return work.apply(local);
    } finally {
      if (probe) probing.set(false);
    }
  }
}

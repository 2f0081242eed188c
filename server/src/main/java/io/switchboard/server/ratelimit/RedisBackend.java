package io.switchboard.server.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Buckets in Redis through Bucket4j's Lettuce proxy manager, so every node enforces one limit
 * together.
 *
 * <p>Bucket4j makes each bucket operation atomic in Redis (compare-and-swap of the bucket's state)
 * but has no transaction over several buckets. A request therefore takes its tokens one bucket at a
 * time, the narrowest first (token, client, endpoint group, org), and when a bucket refuses, gives
 * back what it took from the ones before (also when Redis fails half-way through a request). A
 * refused request thus ends up having consumed nothing, and no request is ever admitted beyond a
 * limit; the price is that for the one round trip between the take and the give-back, another
 * request may see one token fewer in a wide bucket and be refused where it could have passed.
 * Narrowest first keeps that rare: most refusals happen at the token bucket, before anything shared
 * was touched.
 *
 * <p>Each bucket carries the version of its org's limits (Bucket4j's implicit configuration
 * replacement): a node with a newer version updates the bucket, a node that has not yet heard of a
 * change cannot undo it. The key prefix includes a fingerprint of the configured defaults, so nodes
 * configured differently never share a bucket, and a change of the defaults starts fresh buckets.
 */
final class RedisBackend implements BucketBackend {
  /** How often a node re-registers a bucket it uses in the org's list of active buckets. */
  private static final long REGISTER_EVERY_SECONDS = 10;

  /**
   * A bucket unused for a window is full again; a little slack covers the registration interval.
   */
  private static final long ACTIVE_SECONDS = LimitCatalog.WINDOW_SECONDS + REGISTER_EVERY_SECONDS;

  private final TimeMeter time;
  private final Duration timeout;
  private final String prefix;
  private final ClientResources resources;
  private final RedisClient client;
  private final ConcurrentHashMap<String, Long> registeredAt = new ConcurrentHashMap<>();

  /**
   * Bounded: the least used buckets' proxies make room (a proxy holds no state that Redis does
   * not).
   */
  private final Cache<String, Proxy> proxies =
      Caffeine.newBuilder().maximumSize(MAX_CACHED_PROXIES).build();

  private volatile Connections connections;

  private static final int MAX_CACHED_PROXIES = 100_000;

  private record Proxy(long limit, long version, BucketProxy proxy) {}

  private record Connections(
      StatefulRedisConnection<String, byte[]> buckets,
      StatefulRedisConnection<String, String> text,
      LettuceBasedProxyManager<String> proxies) {}

  RedisBackend(RateLimitConfig config, TimeMeter time) {
    this.time = time;
    this.timeout = config.redisTimeout();
    this.prefix = config.redisKeyPrefix() + fingerprint(config.defaults()) + ":";
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(Delay.constant(config.redisRetry()))
            .build();
    RedisURI uri = RedisURI.create(config.redisUrl());
    uri.setTimeout(timeout);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // While the connection is down, fail at once (and fall back) instead of queueing until
            // the timeout.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
  }

  /** Connects if not yet connected; throws when Redis cannot be reached. */
  Connections connections() {
    Connections c = connections;
    if (c != null) return c;
    synchronized (this) {
      if (connections == null) {
        StatefulRedisConnection<String, byte[]> buckets =
            client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        try {
          StatefulRedisConnection<String, String> text = client.connect();
          LettuceBasedProxyManager<String> proxies =
              Bucket4jLettuce.casBasedBuilder(buckets)
                  .expirationAfterWrite(
                      ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                          Duration.ofSeconds(REGISTER_EVERY_SECONDS)))
                  .clientClock(time)
                  .requestTimeout(timeout)
                  .build();
          connections = new Connections(buckets, text, proxies);
        } catch (RuntimeException e) {
          buckets.close();
          throw e;
        }
      }
      return connections;
    }
  }

  @Override
  public Decision tryConsume(List<BucketSpec> specs) {
    var statuses = new ArrayList<BucketStatus>(specs.size());
    int taken = 0;
    boolean refused = false;
    try {
      for (BucketSpec spec : specs) {
        VerboseResult<ConsumptionProbe> r = proxy(spec).asVerbose().tryConsumeAndReturnRemaining(1);
        statuses.add(BucketStatus.consumed(spec, r));
        if (!r.getValue().isConsumed()) {
          refused = true;
          break;
        }
        taken++;
      }
    } finally {
      // Not admitted, whether refused or because Redis failed half-way (the node then decides
      // locally): the
      // buckets already taken from must not stay debited for a request that did not pass here.
      if (taken < specs.size()) giveBack(specs, taken, statuses);
    }
    bestEffort(() -> register(specs));
    if (!refused) return new Decision(true, statuses);
    int refusedAt = taken;
    // The buckets after the refusing one were not asked; look at them so Retry-After covers them
    // too.
    for (int i = refusedAt + 1; i < specs.size(); i++)
      statuses.add(
          BucketStatus.estimated(
              specs.get(i), proxy(specs.get(i)).asVerbose().estimateAbilityToConsume(1)));
    bestEffort(() -> countRefusals(statuses));
    return new Decision(false, statuses);
  }

  /**
   * Returns the token taken from each of the first {@code taken} buckets. Best effort: when Redis
   * is gone, a give-back that fails leaves that bucket one token short until it refills (at most
   * one window).
   */
  private void giveBack(List<BucketSpec> specs, int taken, List<BucketStatus> statuses) {
    for (int i = 0; i < taken; i++) {
      try {
        proxy(specs.get(i)).addTokens(1);
        statuses.set(i, statuses.get(i).refunded());
      } catch (RuntimeException e) {
        // Keep giving back the others.
      }
    }
  }

  @Override
  public List<BucketStatus> peek(List<BucketSpec> specs) {
    var out = new ArrayList<BucketStatus>(specs.size());
    for (BucketSpec s : specs)
      out.add(BucketStatus.estimated(s, proxy(s).asVerbose().estimateAbilityToConsume(1)));
    return out;
  }

  @Override
  public Collection<String> activeKeys(String orgId) {
    String key = prefix + "active:" + orgId;
    var text = connections().text().async();
    long oldest = epochSecond() - ACTIVE_SECONDS;
    text.zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, (double) oldest - 1));
    return await(text.zrangebyscore(key, Range.create((double) oldest, Double.POSITIVE_INFINITY)));
  }

  @Override
  public Map<String, Long> refusalsLastMinute(String orgId) {
    var text = connections().text().async();
    long now = epochSecond();
    var futures = new ArrayList<RedisFuture<Map<String, String>>>();
    // One hash per second; the commands are pipelined on the connection, so this is one round
    // trip's wait.
    for (long s = now - LimitCatalog.WINDOW_SECONDS + 1; s <= now; s++)
      futures.add(text.hgetall(prefix + "refused:" + orgId + ":" + s));
    var out = new LinkedHashMap<String, Long>();
    for (var f : futures) await(f).forEach((k, v) -> out.merge(k, Long.parseLong(v), Long::sum));
    return out;
  }

  /**
   * Moves each active bucket of the org to its new limit, keeping what was spent (see {@link
   * MemoryBackend}): the left-over is read under the old version, then one atomic operation under
   * the new version replaces the configuration (ADDITIVE) and takes out the spent part that
   * ADDITIVE keeps when a limit falls. Only the node that made the change does this, once per
   * bucket. Should a node that already knows the new version touch the bucket first, the left-over
   * is no longer knowable and the bucket keeps what ADDITIVE gives (capped at the new limit).
   */
  @Override
  public void limitsChanged(OrgLimits before, OrgLimits after) {
    for (String key : activeKeys(before.orgId())) {
      BucketSpec old = BucketSpec.parse(key, before).orElse(null);
      if (old == null || old.limit() == 0) continue;
      long limit = after.value(old.definition().key());
      if (limit == 0 || limit == old.limit()) continue;
      var read = proxy(old).asVerbose().getAvailableTokens();
      long left = read.getValue();
      BucketSpec next =
          new BucketSpec(
              old.key(), old.orgId(), old.definition(), old.subject(), limit, after.version());
      BucketProxy updated = proxy(next);
      if (BucketStatus.capacity(read.getConfiguration()) == old.limit() && limit < old.limit()) {
        long excess = Math.min(left, limit) - Math.max(0, left - (old.limit() - limit));
        if (excess > 0) {
          updated.consumeIgnoringRateLimits(excess);
          continue;
        }
      }
      updated.getAvailableTokens();
    }
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public void close() {
    Connections c = connections;
    if (c != null) {
      c.text().close();
      c.buckets().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * The bucket's proxy, kept per key: concurrent requests to one bucket on this node then go
   * through one proxy, whose batching merges them into one compare-and-swap instead of racing each
   * other's (a hot token bucket under 16 concurrent requests otherwise spends most of its time
   * retrying).
   */
  private BucketProxy proxy(BucketSpec spec) {
    Proxy cached = proxies.getIfPresent(spec.key());
    if (cached != null && cached.limit() == spec.limit() && cached.version() == spec.version())
      return cached.proxy();
    BucketConfiguration config = Buckets.config(spec.limit());
    BucketProxy proxy =
        connections()
            .proxies()
            .builder()
            // Versions start at 1: an org that never changed its limits is version 0 in the
            // database.
            .withImplicitConfigurationReplacement(
                spec.version() + 1, TokensInheritanceStrategy.ADDITIVE)
            .withOptimization(Optimizations.batching())
            .build(prefix + spec.key(), () -> config);
    proxies.put(spec.key(), new Proxy(spec.limit(), spec.version(), proxy));
    return proxy;
  }

  private void countRefusals(List<BucketStatus> statuses) {
    long second = epochSecond();
    for (BucketStatus s : statuses) {
      if (!s.refused()) continue;
      String key = prefix + "refused:" + s.spec().orgId() + ":" + second;
      var text = connections().text().async();
      text.hincrby(key, s.spec().key(), 1);
      text.expire(key, LimitCatalog.WINDOW_SECONDS + 10);
    }
  }

  /** Bookkeeping for the usage report must never change a decision already made. */
  private static void bestEffort(Runnable bookkeeping) {
    try {
      bookkeeping.run();
    } catch (RuntimeException e) {
      // The next request registers again; a lost refusal count only makes the report a little low.
    }
  }

  /**
   * Keeps the org's list of active buckets, touching Redis at most once per bucket per interval per
   * node.
   */
  private void register(List<BucketSpec> specs) {
    long now = epochSecond();
    for (BucketSpec s : specs) {
      Long last = registeredAt.get(s.key());
      if (last != null && now - last < REGISTER_EVERY_SECONDS) continue;
      registeredAt.put(s.key(), now);
      String key = prefix + "active:" + s.orgId();
      var text = connections().text().async();
      text.zadd(key, (double) now, s.key());
      text.expire(key, ACTIVE_SECONDS + 60);
    }
    if (registeredAt.size() > 100_000)
      registeredAt.entrySet().removeIf(e -> now - e.getValue() >= REGISTER_EVERY_SECONDS);
  }

  private <T> T await(RedisFuture<T> future) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for Redis", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Redis did not answer: " + e.getMessage(), e);
    }
  }

  private long epochSecond() {
    return Buckets.epochSecond(time);
  }

  private static String fingerprint(Map<String, Long> defaults) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(defaults.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.switchboard.server.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Buckets in Redis, shared by every node: one Lua script ({@code ratelimit/buckets.lua}) checks and
 * consumes all of a request's buckets in one round trip, atomically (Redis runs a script alone), so
 * a request takes a token from every bucket or from none, exactly as in memory. Concurrent requests
 * of one node share script calls (see {@link #run}); each is still decided on its own.
 *
 * <p>The script refills each bucket from Redis's own clock ({@code TIME}), so nodes whose clocks
 * differ still agree. (A server started with a test clock passes that clock's time instead, so
 * tests can move time.) It is loaded once and called by its SHA ({@code EVALSHA}); a Redis that
 * does not know it (restarted, flushed) gets it again with {@code EVAL}.
 *
 * <p>Each bucket is a hash carrying the version of its org's limits: a node with a newer version
 * moves the bucket to the new limit keeping what was spent; a node that has not yet heard of a
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

  private static final String WINDOW = Long.toString(LimitCatalog.WINDOW_SECONDS * 1_000_000L);

  /** Checks per script call at most: bounds one call's size and its run time in Redis. */
  static final int MAX_BATCH = 128;

  /**
   * How old a bucket's last answer may be for a request to pass on it without asking ({@code
   * limits.redis-local-pass-millis}); 0: never. Off by default: while it is on, a limit lowered on
   * another node holds here only once what this node heard is older than this.
   */
  private final long freshNanos;

  /**
   * The least a bucket must keep for that (a bucket whose limit is no more than this is always
   * asked about).
   */
  static final long MIN_MARGIN = 50;

  static final int MAX_VIEWS = 50_000;

  static final String SCRIPT = loadScript();
  static final String SCRIPT_SHA = sha1(SCRIPT);

  private final TimeMeter time;
  private final boolean serverTime;
  private final Duration timeout;
  private final String prefix;
  private final ClientResources resources;
  private final RedisClient client;
  private final ConcurrentHashMap<String, Long> registeredAt = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();

  /** Tokens taken ahead of requests; off (size 0) while the local pass is on. */
  private final Leases leases;

  /**
   * Buckets this node heard of recently, for {@link #admitLocally}: at most {@link #MAX_VIEWS},
   * dropped by access order (a dropped bucket is simply asked about again).
   */
  private final java.util.LinkedHashMap<String, View> views =
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, View> eldest) {
          return size() > MAX_VIEWS;
        }
      };

  /** True while a script call is out. */
  private final AtomicBoolean calling = new AtomicBoolean();

  private volatile StatefulRedisConnection<String, String> connection;

  /**
   * @param serverTime true to refill buckets from Redis's clock; false to use {@code time} (a test
   *     clock)
   */
  RedisBackend(RateLimitConfig config, TimeMeter time, boolean serverTime) {
    this.time = time;
    this.serverTime = serverTime;
    this.freshNanos = config.redisLocalPass().toNanos();
    // The local pass already spares most round trips (at the cost of an overshoot); the two do
    // not mix.
    this.leases = new Leases(freshNanos > 0 ? 0 : config.redisLeaseTokens(), time);
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
  private StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) return c;
    synchronized (this) {
      if (connection == null) {
        StatefulRedisConnection<String, String> fresh = client.connect();
        try {
          fresh.sync().scriptLoad(SCRIPT);
        } catch (RuntimeException e) {
          fresh.close();
          throw e;
        }
        connection = fresh;
      }
      return connection;
    }
  }

  @Override
  public Decision tryConsume(List<BucketSpec> specs) {
    Decision d = leases.enabled() ? consumeWithLeases(specs) : consume(specs);
    bestEffort(() -> register(specs));
    if (!d.allowed()) bestEffort(() -> countRefusals(d.buckets()));
    return d;
  }

  private Decision consume(List<BucketSpec> specs) {
    Decision local = admitLocally(specs);
    return local != null ? local : run(Pending.of("consume", specs));
  }

  /**
   * Pays what it can from this node's leases; asks Redis for the rest (and for fresh leases) in the
   * same single round trip.
   */
  private Decision consumeWithLeases(List<BucketSpec> specs) {
    Leases.Plan plan = leases.plan(specs);
    for (Leases.Return r : plan.returns()) waiting.add(Pending.giveBack(r));
    if (plan.local() != null) {
      if (plan.asks()) {
        // Every bucket is held: Redis takes nothing for this request and only grants the leases.
        var topUp = Pending.consume(specs, plan);
        topUp.answer().thenAccept(d -> leases.settle(specs, plan, d, topUp.granted()));
        waiting.add(topUp);
      }
      if (plan.asks() || !plan.returns().isEmpty()) callIfIdle();
      return plan.local();
    }
    var pending = Pending.consume(specs, plan);
    try {
      Decision answer = run(pending);
      return leases.settle(specs, plan, answer, pending.granted());
    } catch (RuntimeException e) {
      // The tokens reserved for this request and any lease asked for are in doubt: start over.
      leases.clear();
      throw e;
    }
  }

  /** This node's unused leased tokens of a bucket (tests). */
  long leasedTokens(BucketSpec spec) {
    return leases.held(spec);
  }

  @Override
  public List<BucketStatus> peek(List<BucketSpec> specs) {
    // A conditional GET peeks before it is charged: with leases, without a round trip either.
    List<BucketStatus> here = leases.peek(specs);
    return here != null ? here : leases.seenHere(run(Pending.of("peek", specs)).buckets());
  }

  /**
   * One request's check, waiting for the next script call. Per bucket: {@code held} 1 when a lease
   * pays its token ('give': the tokens handed back), {@code want} the tokens to lease, {@code keep}
   * the least the bucket keeps after a lease (null: all 0); {@code granted} receives the leases.
   */
  private record Pending(
      String mode,
      List<BucketSpec> specs,
      long[] held,
      long[] want,
      long[] keep,
      long[] granted,
      CompletableFuture<Decision> answer) {
    static Pending of(String mode, List<BucketSpec> specs) {
      return new Pending(mode, specs, null, null, null, null, new CompletableFuture<>());
    }

    static Pending consume(List<BucketSpec> specs, Leases.Plan plan) {
      return new Pending(
          "consume",
          specs,
          plan.held(),
          plan.want(),
          plan.keep(),
          new long[specs.size()],
          new CompletableFuture<>());
    }

    /** 'give': {@code held} carries the tokens, {@code want} their age in microseconds. */
    static Pending giveBack(Leases.Return r) {
      return new Pending(
          "give",
          List.of(r.spec()),
          new long[] {r.tokens()},
          new long[] {r.ageMicros()},
          null,
          null,
          new CompletableFuture<>());
    }
  }

  /**
   * What this node last heard from Redis about a bucket, and how many requests it admitted since
   * without asking (their charges not yet answered). Guarded by {@link #views}' lock.
   */
  private static final class View {
    long limit;
    long version;
    long remaining;
    long nanosToNextToken;
    long nanosToFull;
    long heardAt;
    long unconfirmed;
  }

  /**
   * Admits a request without a round trip when every one of its buckets was seen, within {@link
   * #freshNanos}, with more than a margin of tokens left after what this node admitted since; the
   * charge follows to Redis at once (queued before any later check of this node, so Redis applies
   * it first). Answers null when any bucket is unknown, stale, changed or near empty: the request
   * is then decided by Redis as usual. See docs/rate-limits.md for the error bound.
   */
  private Decision admitLocally(List<BucketSpec> specs) {
    Decision d = admitOnViews(specs);
    if (d != null) callIfIdle();
    return d;
  }

  private Decision admitOnViews(List<BucketSpec> specs) {
    if (freshNanos == 0) return null;
    long now = System.nanoTime();
    synchronized (views) {
      var seen = new View[specs.size()];
      for (int i = 0; i < seen.length; i++) {
        BucketSpec s = specs.get(i);
        View v = views.get(s.key());
        if (v == null
            || now - v.heardAt > freshNanos
            || v.version != s.version()
            || v.limit != s.limit()
            || v.remaining - v.unconfirmed - 1 < margin(s.limit())) return null;
        seen[i] = v;
      }
      var statuses = new ArrayList<BucketStatus>(specs.size());
      for (int i = 0; i < seen.length; i++) {
        View v = seen[i];
        v.unconfirmed++;
        long perToken = Math.ceilDiv(LimitCatalog.WINDOW_SECONDS * 1_000_000_000L, v.limit);
        statuses.add(
            new BucketStatus(
                specs.get(i),
                v.limit,
                v.remaining - v.unconfirmed,
                Math.max(v.nanosToNextToken, 1),
                v.nanosToFull + v.unconfirmed * perToken,
                false));
      }
      // Inside the lock: a check this node sends later must find this charge applied in Redis.
      waiting.add(Pending.of("charge", specs));
      return new Decision(true, statuses);
    }
  }

  /** Tokens a bucket must keep, as this node last saw it, for a request to pass without asking. */
  static long margin(long limit) {
    return Math.max(MIN_MARGIN, limit / 20);
  }

  /** Learns from a script answer; a charge's answer also confirms what it admitted. */
  private void heard(Pending p, Decision d) {
    if (freshNanos == 0) return; // only the local pass reads what was heard
    long now = System.nanoTime();
    synchronized (views) {
      for (BucketStatus s : d.buckets()) {
        String key = s.spec().key();
        View v = views.get(key);
        if (v == null) {
          if (p.mode().equals("peek")) continue;
          v = new View();
          views.put(key, v);
        }
        v.limit = s.limit();
        v.version = Math.max(v.version, s.spec().version());
        v.remaining = s.remaining();
        v.nanosToNextToken = s.nanosToNextToken();
        v.nanosToFull = s.nanosToFull();
        v.heardAt = now;
        if (p.mode().equals("charge") && v.unconfirmed > 0) v.unconfirmed--;
      }
    }
  }

  /** A call failed: what was heard may be wrong now; every request asks Redis again. */
  private void forget() {
    synchronized (views) {
      views.clear();
    }
    leases.clear();
  }

  /**
   * Decides one request's buckets in Redis. The checks of concurrent requests on this node share
   * script calls (group commit): while a call is out, new checks queue; when it comes back, the
   * next call carries every check that queued meanwhile (up to {@link #MAX_BATCH}). The script
   * decides them one after another, each all or nothing, so the outcome is that of one call per
   * request in that order; a lone request still costs exactly one round trip. What this saves is
   * the per-command work on both sides (a wake-up, a write and a read on each end, a script run),
   * which on a busy node was most of the check's cost.
   */
  private Decision run(Pending pending) {
    waiting.add(pending);
    callIfIdle();
    // A check may wait for the call in flight, then for its own.
    return await(pending.answer(), timeout.multipliedBy(2).plusMillis(100));
  }

  /** Sends the queued checks unless a call is out; the call's completion sends the next. */
  private void callIfIdle() {
    while (!waiting.isEmpty() && calling.compareAndSet(false, true)) {
      var batch = new ArrayList<Pending>();
      for (Pending p; batch.size() < MAX_BATCH && (p = waiting.poll()) != null; ) batch.add(p);
      if (batch.isEmpty()) {
        calling.set(false);
        continue;
      }
      try {
        call(batch)
            .whenComplete((out, error) -> {
              calling.set(false);
              callIfIdle();
              answer(batch, out, error);
            });
      } catch (RuntimeException e) {
        calling.set(false);
        answer(batch, null, e);
        continue;
      }
      return;
    }
  }

  /** One script call for every check of {@code batch}: one round trip. */
  private CompletionStage<List<Long>> call(List<Pending> batch) {
    int keyCount = 0;
    for (Pending p : batch) keyCount += p.specs().size();
    String[] keys = new String[keyCount];
    String[] args = new String[3 + 2 * batch.size() + 5 * keyCount];
    args[0] = serverTime ? "" : Long.toString(Math.floorDiv(time.currentTimeNanos(), 1000L));
    args[1] = WINDOW;
    args[2] = Integer.toString(batch.size());
    int k = 0;
    int a = 3;
    for (Pending p : batch) {
      args[a++] = p.mode();
      args[a++] = Integer.toString(p.specs().size());
      for (int i = 0; i < p.specs().size(); i++) {
        BucketSpec s = p.specs().get(i);
        keys[k++] = prefix + s.key();
        args[a++] = Long.toString(s.limit());
        args[a++] = Long.toString(s.version());
        args[a++] = p.held() == null ? "0" : Long.toString(p.held()[i]);
        args[a++] = p.want() == null ? "0" : Long.toString(p.want()[i]);
        args[a++] = p.keep() == null ? "0" : Long.toString(p.keep()[i]);
      }
    }
    RedisAsyncCommands<String, String> redis = connection().async();
    return redis
        .<List<Long>>evalsha(SCRIPT_SHA, ScriptOutputType.MULTI, keys, args)
        .exceptionallyCompose(e ->
            cause(e) instanceof RedisNoScriptException
                ? redis.<List<Long>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args)
                : CompletableFuture.failedFuture(cause(e)));
  }

  /** Hands each check of {@code batch} its part of the script's answer (or the call's failure). */
  private void answer(List<Pending> batch, List<Long> out, Throwable error) {
    if (error == null) {
      try {
        split(batch, out);
        return;
      } catch (RuntimeException e) {
        error = new IllegalStateException("unexpected answer from the rate-limit script", e);
      }
    }
    Throwable cause = cause(error);
    forget();
    // No-ops for the checks already answered.
    for (Pending p : batch) p.answer().completeExceptionally(cause);
  }

  private void split(List<Pending> batch, List<Long> out) {
    int at = 0;
    for (Pending p : batch) {
      List<BucketSpec> specs = p.specs();
      boolean allowed = out.get(at++) == 1L;
      var statuses = new ArrayList<BucketStatus>(specs.size());
      for (int i = 0; i < specs.size(); i++) {
        statuses.add(
            new BucketStatus(
                specs.get(i),
                out.get(at),
                out.get(at + 1),
                out.get(at + 2) * 1000L,
                out.get(at + 3) * 1000L,
                out.get(at + 4) == 1L));
        if (p.granted() != null) p.granted()[i] = out.get(at + 5);
        at += 6;
      }
      var decision = new Decision(allowed, statuses);
      heard(p, decision);
      p.answer().complete(decision);
    }
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  @Override
  public Collection<String> activeKeys(String orgId) {
    String key = prefix + "active:" + orgId;
    var text = connection().async();
    long oldest = epochSecond() - ACTIVE_SECONDS;
    text.zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, (double) oldest - 1));
    return await(text.zrangebyscore(key, Range.create((double) oldest, Double.POSITIVE_INFINITY)));
  }

  @Override
  public Map<String, Long> refusalsLastMinute(String orgId) {
    var text = connection().async();
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
   * Moves each active bucket of the org to its new limit at once, keeping what was spent: the
   * script, given the newer version, applies left = clamp(left - (old - new), 0, new) to each
   * bucket that exists (and any node that touches a bucket with the newer version first does the
   * same, so the result does not depend on who is first).
   */
  @Override
  public void limitsChanged(OrgLimits before, OrgLimits after) {
    // Queued ahead of the touch on the one connection: Redis has the tokens back before it moves.
    for (Leases.Return r : leases.drain(before.orgId())) waiting.add(Pending.giveBack(r));
    callIfIdle();
    var specs = new ArrayList<BucketSpec>();
    for (String key : activeKeys(before.orgId())) {
      BucketSpec next = BucketSpec.parse(key, after).orElse(null);
      if (next != null && next.limit() > 0) specs.add(next);
    }
    if (!specs.isEmpty()) run(Pending.of("touch", specs));
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) c.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private void countRefusals(List<BucketStatus> statuses) {
    long second = epochSecond();
    for (BucketStatus s : statuses) {
      if (!s.refused()) continue;
      String key = prefix + "refused:" + s.spec().orgId() + ":" + second;
      var text = connection().async();
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
      var text = connection().async();
      text.zadd(key, (double) now, s.key());
      text.expire(key, ACTIVE_SECONDS + 60);
    }
    if (registeredAt.size() > 100_000)
      registeredAt.entrySet().removeIf(e -> now - e.getValue() >= REGISTER_EVERY_SECONDS);
  }

  private <T> T await(Future<T> future) {
    return await(future, timeout);
  }

  private static <T> T await(Future<T> future, Duration timeout) {
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

  private static String loadScript() {
    try (var in = RedisBackend.class.getResourceAsStream("/ratelimit/buckets.lua")) {
      if (in == null) throw new IllegalStateException("ratelimit/buckets.lua is missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

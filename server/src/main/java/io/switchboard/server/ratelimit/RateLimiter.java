package io.switchboard.server.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.server.identity.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a request may pass: it draws one token from each bucket that applies to it (its
 * access token, its OAuth client, its endpoint group in its org, its org) and that has a limit. A
 * bucket whose limit is 0 does not exist and costs nothing.
 */
public final class RateLimiter implements AutoCloseable {
  private final LimitService limits;
  private final BucketBackend backend;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();

  /**
   * A counter's identity; its parts are the specs' own strings, whose hash codes are computed once
   * (a joined string was a new one, hashed again, on every request).
   */
  private record CounterKey(String bucket, String orgId, String outcome) {}

  /**
   * The buckets of a token's requests to an endpoint group, made from {@code limits} and used while
   * the limit service says they are current (without asking it for the org's limits: {@link
   * LimitService#isCurrent}); after that, rebuilt only if the limits it answers differ. Made per
   * request, the four keys were new strings, concatenated and then hashed and compared in full by
   * the backend's maps (2% of a cached read's CPU, issue 14).
   */
  private record Plan(LimitService.Current limits, List<BucketSpec> specs) {}

  /** Everything {@link #specs(Principal, String, OrgLimits)} reads of the principal. */
  private record PlanKey(String orgId, String clientId, String tokenId, String group) {}

  private final Cache<PlanKey, Plan> plans =
      Caffeine.newBuilder()
          .maximumSize(LimitService.CACHE_LIMIT)
          .expireAfterAccess(Duration.ofMinutes(10))
          .build();

  RateLimiter(LimitService limits, BucketBackend backend, MeterRegistry registry) {
    this.limits = limits;
    this.backend = backend;
    this.registry = registry;
  }

  /** In memory, or in Redis (with the in-memory fallback) when the config names a Redis URL. */
  public static RateLimiter create(
      LimitService limits, RateLimitConfig config, Clock clock, MeterRegistry registry) {
    var time = Buckets.timeMeter(clock);
    BucketBackend backend =
        config.clustered()
            ? new FailoverBackend(
                new RedisBackend(config, time, clock.equals(Clock.systemUTC())),
                new MemoryBackend(time),
                config.redisRetry(),
                registry)
            : new MemoryBackend(time);
    return new RateLimiter(limits, backend, registry);
  }

  /**
   * One usage row: a bucket of the org, its limit, what is left and how often it refused in the
   * last minute.
   */
  public record Usage(
      String bucket,
      String key,
      String namespace,
      String id,
      long limit,
      int windowSeconds,
      long remaining,
      long refusedLastMinute) {}

  public record UsageReport(String store, List<Usage> entities) {}

  public Decision tryConsume(Principal principal, String group) {
    List<BucketSpec> specs = specs(principal, group);
    if (specs.isEmpty()) return Decision.UNLIMITED;
    Decision d = backend.tryConsume(specs);
    for (BucketStatus s : d.buckets()) {
      if (d.allowed()) count(s.spec(), "allowed");
      else if (s.refused()) count(s.spec(), "refused");
    }
    return d;
  }

  /**
   * The buckets' state for this request, consuming nothing (a conditional GET that may turn out
   * free).
   */
  public Decision peek(Principal principal, String group) {
    List<BucketSpec> specs = specs(principal, group);
    return specs.isEmpty() ? Decision.UNLIMITED : new Decision(true, backend.peek(specs));
  }

  /**
   * Every bucket of the org that exists: the org-wide ones with a limit, and the tokens and clients
   * in use.
   */
  public UsageReport usage(String orgId) {
    OrgLimits l = limits.effective(orgId);
    var keys = new LinkedHashSet<String>();
    for (LimitCatalog.Definition d : LimitCatalog.ALL) {
      if ((d.kind() == LimitCatalog.Kind.ORG || d.kind() == LimitCatalog.Kind.GROUP)
          && l.value(d.key()) > 0) keys.add(BucketSpec.keyOf(orgId, d, orgId));
    }
    keys.addAll(backend.activeKeys(orgId));
    var specs = new ArrayList<BucketSpec>();
    for (String key : keys)
      BucketSpec.parse(key, l).filter(s -> s.limit() > 0).ifPresent(specs::add);
    specs.sort(Comparator.comparingInt(RateLimiter::order).thenComparing(BucketSpec::key));
    Map<String, Long> refusals = backend.refusalsLastMinute(orgId);
    var rows = new ArrayList<Usage>();
    for (BucketStatus s : backend.peek(specs)) {
      BucketSpec spec = s.spec();
      rows.add(
          new Usage(
              spec.name(),
              spec.definition().key(),
              LimitCatalog.NAMESPACE,
              spec.subject(),
              s.limit(),
              LimitCatalog.WINDOW_SECONDS,
              s.remaining(),
              refusals.getOrDefault(spec.key(), 0L)));
    }
    return new UsageReport(backend.name(), rows);
  }

  /**
   * Applies a change of the org's limits to its buckets at once, keeping the tokens already spent.
   */
  public void limitsChanged(LimitService.Change change) {
    backend.limitsChanged(change.before(), change.after());
  }

  public String store() {
    return backend.name();
  }

  @Override
  public void close() {
    backend.close();
  }

  private static final LimitCatalog.Definition TOKEN =
      LimitCatalog.find(LimitCatalog.TOKEN).orElseThrow();
  private static final LimitCatalog.Definition CLIENT =
      LimitCatalog.find(LimitCatalog.CLIENT).orElseThrow();
  private static final LimitCatalog.Definition ORG =
      LimitCatalog.find(LimitCatalog.ORG).orElseThrow();

  /** Narrowest first: the order matters to the Redis backend (see there). */
  private List<BucketSpec> specs(Principal p, String group) {
    var key = new PlanKey(p.orgId(), p.clientId(), p.tokenId(), group);
    Plan plan = plans.getIfPresent(key);
    if (plan != null && limits.isCurrent(plan.limits())) return plan.specs();
    LimitService.Current l = limits.current(p.orgId());
    if (plan == null || plan.limits() != l) {
      // Reloaded limits are mostly the same limits: the specs (and the backend's keys) stay.
      boolean same = plan != null && plan.limits().limits().equals(l.limits());
      plan = new Plan(l, same ? plan.specs() : List.copyOf(specs(p, group, l.limits())));
      plans.put(key, plan);
    }
    return plan.specs();
  }

  private static List<BucketSpec> specs(Principal p, String group, OrgLimits l) {
    var specs = new ArrayList<BucketSpec>(4);
    add(specs, l, TOKEN, p.tokenId());
    add(specs, l, CLIENT, p.clientId());
    LimitCatalog.Definition groupLimit = LimitCatalog.ofGroup(group);
    if (groupLimit != null) add(specs, l, groupLimit, p.orgId());
    add(specs, l, ORG, p.orgId());
    return specs;
  }

  private static void add(
      List<BucketSpec> specs, OrgLimits l, LimitCatalog.Definition d, String subject) {
    long limit = l.value(d.key());
    if (limit > 0) specs.add(BucketSpec.of(l.orgId(), d, subject, limit, l.version()));
  }

  private static int order(BucketSpec s) {
    return switch (s.definition().kind()) {
      case ORG -> 0;
      case GROUP -> 1;
      case CLIENT -> 2;
      case TOKEN -> 3;
    };
  }

  private void count(BucketSpec spec, String outcome) {
    counters
        .computeIfAbsent(
            new CounterKey(spec.name(), spec.orgId(), outcome),
            k ->
                Counter.builder("switchboard.ratelimit.requests")
                    .description("Requests decided by the rate limiter, per bucket and org")
                    .tag("bucket", spec.name())
                    .tag("org", spec.orgId())
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
  }
}

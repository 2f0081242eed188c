package io.switchboard.server.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.server.errors.Problem;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The effective limits of each org: the configured defaults with the org's overrides applied. Every
 * request asks for them, so they are cached per org; a change made on this node is seen at once, a
 * change made on another node of a cluster within {@link #CACHE_TTL}.
 */
public final class LimitService {
  static final Duration CACHE_TTL = Duration.ofSeconds(2);

  private final LimitStore store;
  private final Map<String, Long> defaults;
  private final Clock clock;

  /**
   * Per org, for {@link #CACHE_TTL} on the service's clock. Every request asks: the org's
   * concurrent requests after an expiry wait for one load instead of each querying the database.
   */
  private final Cache<String, Current> cache;

  /**
   * Bumped by every change made on this node, before the cache has it: a {@link Current} read under
   * an older value is not trusted (see {@link #isCurrent}).
   */
  private final AtomicLong changesHere = new AtomicLong();

  /**
   * An org's limits as this node read them: until when (the service's clock, ms) they hold, and
   * under which count of this node's changes. A caller that keeps one (the rate limiter's plans)
   * asks {@link #isCurrent}, a counter and a clock read, instead of looking the org up again on
   * every request (2% of a cached read's CPU, issue 14).
   */
  public record Current(OrgLimits limits, long untilMillis, long changes) {}

  static final int CACHE_LIMIT = 100_000;

  /** What a change did: the limits before and after, for the buckets to follow. */
  public record Change(OrgLimits before, OrgLimits after) {}

  public LimitService(LimitStore store, RateLimitConfig config, Clock clock) {
    this.store = store;
    this.defaults = config.defaults();
    this.clock = clock;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(CACHE_LIMIT)
            .expireAfterWrite(CACHE_TTL)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
  }

  public OrgLimits effective(String orgId) {
    return current(orgId).limits();
  }

  public Current current(String orgId) {
    return cache.get(
        orgId,
        org -> {
          // Both read before the query: a change committed meanwhile leaves this answer stale.
          long seen = changesHere.get();
          long until = clock.millis() + CACHE_TTL.toMillis();
          return new Current(merge(org, store.load(org)), until, seen);
        });
  }

  /**
   * Whether {@code c} is still what {@link #current} would answer: no older than the cache's TTL,
   * and no change made on this node since. The count is the node's, not the org's: after a change
   * of one org, the others' callers ask the cache again on every request until their entry is
   * reloaded (at most the TTL), as they did before this check existed.
   */
  public boolean isCurrent(Current c) {
    return c.changes() == changesHere.get() && clock.millis() < c.untilMillis();
  }

  /** The org's effective limits in the Genesys {@code Limit} shape, in catalog order. */
  public List<Limit> namespace(String orgId, String namespace) {
    requireNamespace(namespace);
    return asLimits(effective(orgId).values());
  }

  public List<Limit> defaults(String namespace) {
    requireNamespace(namespace);
    return asLimits(defaults);
  }

  /**
   * Applies {@code changes} (key to value, or to null to return to the default) after checking
   * every one of them; nothing is written unless all are valid.
   */
  public Change update(String orgId, String namespace, List<Limit> changes) {
    requireNamespace(namespace);
    var byKey = new LinkedHashMap<String, Long>();
    for (int i = 0; i < changes.size(); i++) {
      Limit l = changes.get(i);
      String field = "limits[" + i + "]";
      if (l == null) throw Problem.invalid(field, "must be an object {key, value}");
      if (l.key() == null || l.key().isBlank())
        throw Problem.invalid(field + ".key", "is required");
      if (LimitCatalog.find(l.key()).isEmpty())
        throw Problem.invalid(
            field + ".key",
            "unknown limit '" + l.key() + "' in namespace " + LimitCatalog.NAMESPACE);
      if (l.namespace() != null && !l.namespace().equals(LimitCatalog.NAMESPACE)) {
        throw Problem.invalid(
            field + ".namespace", "must be " + LimitCatalog.NAMESPACE + " or absent");
      }
      if (l.value() != null && (l.value() < 0 || l.value() > LimitCatalog.MAX_VALUE)) {
        throw Problem.invalid(
            field + ".value",
            "must be between 0 (no limit) and "
                + LimitCatalog.MAX_VALUE
                + ", or null for the default");
      }
      if (byKey.containsKey(l.key()))
        throw Problem.invalid(field + ".key", "'" + l.key() + "' is given twice");
      byKey.put(l.key(), l.value());
    }
    // Before is read from the database, not the cache: the buckets must follow from what they
    // really had.
    OrgLimits before = merge(orgId, store.load(orgId));
    OrgLimits after = merge(orgId, store.change(orgId, byKey, clock.instant()));
    long count = changesHere.incrementAndGet();
    var current = new Current(after, clock.millis() + CACHE_TTL.toMillis(), count);
    // Two changes of one org on this node may get here in either order: the later version stays.
    cache
        .asMap()
        .merge(
            orgId,
            current,
            (held, mine) -> held.limits().version() > mine.limits().version() ? held : mine);
    return new Change(before, after);
  }

  private OrgLimits merge(String orgId, LimitStore.Overrides overrides) {
    var values = new LinkedHashMap<>(defaults);
    overrides
        .values()
        .forEach((k, v) -> {
          if (values.containsKey(k)) values.put(k, v);
        });
    return new OrgLimits(orgId, overrides.version(), Collections.unmodifiableMap(values));
  }

  private static List<Limit> asLimits(Map<String, Long> values) {
    var out = new ArrayList<Limit>();
    for (LimitCatalog.Definition d : LimitCatalog.ALL)
      out.add(new Limit(d.key(), LimitCatalog.NAMESPACE, values.getOrDefault(d.key(), 0L)));
    return out;
  }

  private static void requireNamespace(String namespace) {
    if (!LimitCatalog.NAMESPACE.equals(namespace))
      throw Problem.notFound("Limit namespace", namespace);
  }
}

package io.switchboard.server.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens this node took from Redis buckets ahead of its requests ({@code
 * limits.redis-lease-tokens}): a request whose every bucket has a leased token passes without a
 * round trip; one that must ask Redis anyway pays from the leases it can (its {@code held} buckets
 * are not taken from again) and tops up the leases running low. A token is taken in Redis before
 * any request uses it; while a node holds it, Redis refills the bucket as if it were spent, so over
 * any window the nodes together may admit a bucket's limit plus what they held (at most a lease and
 * a half each: a hundredth and a half of the limit), and what a node holds unused is missing to the
 * others until it is used or expires ({@link #TTL_NANOS}). Only buckets of at least {@link
 * #MIN_LIMIT} are leased, never below their margin. See docs/rate-limits.md, "Leases".
 *
 * <p>Thread-safe: every method runs under this object's lock, which is never held across a call to
 * Redis.
 */
final class Leases {
  /** How long a lease may be used after it was granted; then what is left is dropped. */
  static final long TTL_NANOS = 1_000_000_000L;

  /** A lease is at most this fraction (1/n) of its bucket's limit. */
  static final long PART_OF_LIMIT = 100;

  /**
   * Smaller buckets are not leased: at their rate a round trip per request is cheap, and their
   * exact count per request matters more.
   */
  static final long MIN_LIMIT = 1000;

  /** The time leases are aged on: the limiter's (a test's clock in tests). */
  private final TimeMeter time;

  /** Raised by {@link #clear}: an answer to a plan made before belongs to leases that are gone. */
  private long epoch;

  private final long maxTokens;

  private final Map<String, Lease> byKey =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Lease> eldest) {
          // A dropped lease's tokens are lost to every node until the bucket refills.
          return size() > RedisBackend.MAX_VIEWS;
        }
      };

  /** What this node holds of one bucket, and what Redis last said about it. */
  private static final class Lease {
    BucketSpec spec;
    long tokens;
    long grantedAt;
    long limit;
    long version;
    boolean asked;

    /** Until when not to ask again: Redis had nothing to spare (the bucket is near its margin). */
    long quietUntil;

    long redisRemaining;
    long nanosToNextToken;
    long nanosToFull;

    boolean usableFor(BucketSpec spec, long now) {
      return tokens > 0
          && now - grantedAt < TTL_NANOS
          && limit == spec.limit()
          && version == spec.version();
    }
  }

  /**
   * Unused leased tokens to hand back to one bucket, granted {@code ageMicros} ago: Redis refilled
   * the bucket meanwhile as if they were spent, so it takes back only what that refill did not
   * already make up for (never more than the bucket would have had without the lease).
   */
  record Return(BucketSpec spec, long tokens, long ageMicros) {}

  /**
   * What a request does about its buckets: {@code local} when leases pay for all of them; otherwise
   * per bucket whether a lease pays its token ({@code held}), how many tokens to lease on top
   * ({@code want}) and the least the bucket must keep ({@code keep}). {@code returns} are leases to
   * hand back in any case.
   */
  record Plan(
      Decision local,
      long[] held,
      long[] want,
      long[] keep,
      List<Return> returns,
      boolean asks,
      long epoch) {}

  Leases(long maxTokens, TimeMeter time) {
    this.maxTokens = maxTokens;
    this.time = time;
  }

  boolean enabled() {
    return maxTokens > 0;
  }

  /** Tokens leased at once for a bucket of this limit; 0 for none. */
  long size(long limit) {
    return limit < MIN_LIMIT ? 0 : Math.min(maxTokens, limit / PART_OF_LIMIT);
  }

  /**
   * Takes one token from the lease of every bucket that has a usable one. When all do, the request
   * is decided here; otherwise the tokens taken stay reserved for it until {@link #settle}.
   */
  synchronized Plan plan(List<BucketSpec> specs) {
    long now = time.currentTimeNanos();
    int n = specs.size();
    long[] held = new long[n];
    long[] want = new long[n];
    long[] keep = new long[n];
    List<Return> returns = List.of();
    boolean all = true;
    for (int i = 0; i < n; i++) {
      BucketSpec spec = specs.get(i);
      Lease lease = byKey.get(spec.key());
      if (lease != null && lease.usableFor(spec, now)) {
        lease.tokens--;
        held[i] = 1;
        continue;
      }
      all = false;
      if (lease != null && lease.tokens > 0) {
        // For another limit (a change): what is left goes back. Expired: dropped, since a second's
        // refill (a sixtieth of the limit) already made up for more than a lease (a hundredth).
        if (now - lease.grantedAt < TTL_NANOS) {
          if (returns.isEmpty()) returns = new ArrayList<>(2);
          returns.add(new Return(lease.spec, lease.tokens, (now - lease.grantedAt) / 1000));
        }
        lease.tokens = 0;
      }
    }
    boolean asks = false;
    for (int i = 0; i < n; i++) {
      BucketSpec spec = specs.get(i);
      long size = size(spec.limit());
      if (size == 0) continue;
      Lease lease = byKey.computeIfAbsent(spec.key(), k -> new Lease());
      // One ask per bucket at a time, once its lease runs low: before it is empty, so that
      // requests rarely wait for a round trip.
      if (lease.asked || (lease.tokens >= size / 2 && lease.usableFor(spec, now))) continue;
      if (now < lease.quietUntil) continue;
      // Redis has the bucket at another limit than this node knows (a change this node has not
      // read yet): a lease would be unusable here, handed back and asked for again on every
      // request. None until this node's limits catch up.
      if (lease.limit != 0 && lease.limit != spec.limit()) continue;
      lease.spec = spec;
      lease.asked = true;
      want[i] = size;
      keep[i] = RedisBackend.margin(spec.limit());
      asks = true;
    }
    return new Plan(all ? decided(specs) : null, held, want, keep, returns, asks, epoch);
  }

  /** The request's statuses as this node sees its buckets: what Redis has plus what it holds. */
  private Decision decided(List<BucketSpec> specs) {
    var statuses = new ArrayList<BucketStatus>(specs.size());
    for (BucketSpec spec : specs) {
      Lease lease = byKey.get(spec.key());
      statuses.add(
          seenHere(
              new BucketStatus(
                  spec,
                  lease.limit,
                  lease.redisRemaining,
                  lease.nanosToNextToken,
                  lease.nanosToFull,
                  false),
              lease.tokens));
    }
    return new Decision(true, statuses);
  }

  /**
   * Learns from Redis's answer to a planned request: grants join their leases, a refused request's
   * reserved tokens go back to its leases, and each status counts what this node holds.
   */
  synchronized Decision settle(List<BucketSpec> specs, Plan plan, Decision answer, long[] granted) {
    // Planned before a clear(): its reservations and asks belong to leases that are gone, and what
    // Redis granted it is lost (the safe way) rather than joined to leases that did not ask.
    if (plan.epoch() != epoch) return answer;
    long now = time.currentTimeNanos();
    var statuses = new ArrayList<BucketStatus>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      BucketSpec spec = specs.get(i);
      BucketStatus s = answer.buckets().get(i);
      Lease lease = byKey.get(spec.key());
      if (lease == null) {
        statuses.add(s);
        continue;
      }
      if (plan.want()[i] > 0) {
        lease.asked = false;
        lease.quietUntil = granted[i] == 0 ? now + TTL_NANOS / 10 : 0;
      }
      if (plan.held()[i] == 1 && !answer.allowed()) lease.tokens++;
      if (granted[i] > 0) {
        if (lease.limit != s.limit() || lease.version != spec.version()) lease.tokens = 0;
        lease.tokens += granted[i];
        lease.grantedAt = now;
        lease.limit = s.limit();
        lease.version = spec.version();
      }
      lease.redisRemaining = s.remaining();
      lease.nanosToNextToken = s.nanosToNextToken();
      lease.nanosToFull = s.nanosToFull();
      // A token a lease paid for this request is spent (allowed) or back in the lease (refused).
      boolean counts = lease.limit == s.limit() && lease.version == spec.version();
      statuses.add(seenHere(s, counts ? lease.tokens : 0));
    }
    return new Decision(answer.allowed(), statuses);
  }

  /**
   * A bucket as this node sees it: what Redis has plus the {@code held} leased tokens this node has
   * not spent (Redis counts them as spent: its bucket is that much emptier and later full).
   */
  private static BucketStatus seenHere(BucketStatus inRedis, long held) {
    if (held == 0) return inRedis;
    long limit = inRedis.limit();
    long remaining = Math.min(limit, inRedis.remaining() + held);
    long perToken = Math.ceilDiv(LimitCatalog.WINDOW_SECONDS * 1_000_000_000L, limit);
    return new BucketStatus(
        inRedis.spec(),
        limit,
        remaining,
        remaining >= limit ? 0 : Math.max(inRedis.nanosToNextToken(), 1),
        Math.max(0, inRedis.nanosToFull() - held * perToken),
        inRedis.refused());
  }

  /** Redis's answer to a peek, as this node sees it (with its own unspent leased tokens). */
  synchronized List<BucketStatus> seenHere(List<BucketStatus> inRedis) {
    if (byKey.isEmpty()) return inRedis;
    long now = time.currentTimeNanos();
    var out = new ArrayList<BucketStatus>(inRedis.size());
    for (BucketStatus s : inRedis) out.add(seenHere(s, usable(s.spec(), now)));
    return out;
  }

  /**
   * Takes back every lease this node holds of the org's buckets, to hand back before a change of
   * the org's limits moves them (else its tokens would count as spent under the new limit).
   */
  synchronized List<Return> drain(String orgId) {
    var out = new ArrayList<Return>();
    long now = time.currentTimeNanos();
    for (Lease lease : byKey.values()) {
      if (lease.tokens > 0 && lease.spec != null && lease.spec.orgId().equals(orgId)) {
        long age = now - lease.grantedAt;
        if (age < TTL_NANOS) out.add(new Return(lease.spec, lease.tokens, age / 1000));
        lease.tokens = 0;
      }
    }
    return out;
  }

  /**
   * A peek answered here when every bucket has a usable lease (what Redis said last, plus what this
   * node holds: as a request decided here would see it); null otherwise.
   */
  synchronized List<BucketStatus> peek(List<BucketSpec> specs) {
    long now = time.currentTimeNanos();
    for (BucketSpec spec : specs) {
      Lease lease = byKey.get(spec.key());
      if (lease == null || !lease.usableFor(spec, now)) return null;
    }
    return decided(specs).buckets();
  }

  /** This node's unspent leased tokens of a bucket. */
  synchronized long held(BucketSpec spec) {
    return usable(spec, time.currentTimeNanos());
  }

  private long usable(BucketSpec spec, long now) {
    Lease lease = byKey.get(spec.key());
    return lease != null && lease.usableFor(spec, now) ? lease.tokens : 0;
  }

  /** A call failed: leases (and their reserved tokens) are dropped, lost until buckets refill. */
  synchronized void clear() {
    byKey.clear();
    epoch++;
  }
}

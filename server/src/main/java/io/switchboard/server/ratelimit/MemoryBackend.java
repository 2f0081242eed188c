package io.switchboard.server.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Buckets in this process. A request that draws from several buckets locks them all (in key order,
 * so two requests never wait for each other in a cycle) and takes one token from each; when one
 * refuses, the tokens already taken are given back before the locks are released: a refused request
 * changes nothing, and no other request sees a half-taken state.
 *
 * <p>A limit that changed since a bucket was made is applied under the same lock, keeping what was
 * spent: a bucket that had spent 15 of 300 and is lowered to 20 has 5 left, raised to 500 it has
 * 485.
 *
 * <p>A bucket that is full again holds nothing worth remembering; a sweeper drops those, so tokens
 * that are no longer used do not pile up.
 */
final class MemoryBackend implements BucketBackend {
  private final TimeMeter time;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> byOrg =
      new ConcurrentHashMap<>();
  private final RefusalCounter refusals = new RefusalCounter();
  private final ScheduledExecutorService sweeper;

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    final Bucket bucket;
    long limit;

    /**
     * Set (under the lock) when the sweeper removed the entry; whoever finds it so looks the key up
     * again.
     */
    boolean removed;

    Entry(Bucket bucket, long limit) {
      this.bucket = bucket;
      this.limit = limit;
    }
  }

  MemoryBackend(TimeMeter time) {
    this.time = time;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "ratelimit-sweeper");
          t.setDaemon(true);
          return t;
        });
    sweeper.scheduleWithFixedDelay(this::sweep, 30, 30, TimeUnit.SECONDS);
  }

  @Override
  public Decision tryConsume(List<BucketSpec> specs) {
    List<Entry> entries = lockAll(specs, true);
    try {
      // Take from each bucket in turn; the first that refuses gives back what the others gave.
      // All are locked throughout, so no other request sees the tokens taken and returned: the
      // outcome is all or nothing, with one pass over the buckets when they all have room (the
      // common case; checking them all first was a second pass on every request).
      var consumed = new ArrayList<BucketStatus>(specs.size());
      for (int i = 0; i < specs.size(); i++) {
        var result = entries.get(i).bucket.asVerbose().tryConsumeAndReturnRemaining(1);
        if (!result.getValue().isConsumed()) {
          for (int j = 0; j < i; j++) entries.get(j).bucket.addTokens(1);
          return refused(specs, entries, i, BucketStatus.consumed(specs.get(i), result));
        }
        consumed.add(BucketStatus.consumed(specs.get(i), result));
      }
      return new Decision(true, consumed);
    } finally {
      unlockAll(entries);
    }
  }

  /**
   * Every bucket as it stands after a refusal, the refusing ones counted; under the locks. The
   * bucket that refused ({@code refusing} at {@code at}) is reported as its take saw it: looked at
   * again, a moment later, it may have refilled its next token, and the refusal would then name no
   * bucket.
   */
  private Decision refused(
      List<BucketSpec> specs, List<Entry> entries, int at, BucketStatus refusing) {
    var estimates = new ArrayList<BucketStatus>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      BucketStatus s =
          i == at
              ? refusing
              : BucketStatus.estimated(
                  specs.get(i), entries.get(i).bucket.asVerbose().estimateAbilityToConsume(1));
      estimates.add(s);
      if (s.refused()) refusals.add(s.spec().orgId(), s.spec().key(), epochSecond());
    }
    return new Decision(false, estimates);
  }

  @Override
  public List<BucketStatus> peek(List<BucketSpec> specs) {
    List<Entry> entries = lockAll(specs, false);
    try {
      var out = new ArrayList<BucketStatus>(specs.size());
      for (int i = 0; i < specs.size(); i++) {
        Entry e = entries.get(i);
        out.add(
            e == null
                ? BucketStatus.full(specs.get(i))
                : BucketStatus.estimated(
                    specs.get(i), e.bucket.asVerbose().estimateAbilityToConsume(1)));
      }
      return out;
    } finally {
      unlockAll(entries);
    }
  }

  @Override
  public Collection<String> activeKeys(String orgId) {
    var org = byOrg.get(orgId);
    return org == null ? List.of() : List.copyOf(org.keySet());
  }

  @Override
  public Map<String, Long> refusalsLastMinute(String orgId) {
    return refusals.lastMinute(orgId, epochSecond());
  }

  /**
   * Applies the new limits at once: left to the next request, a bucket would go on refilling at its
   * old rate until then. (A request that meets a bucket with another limit applies it too; that
   * covers a bucket made in between.)
   */
  @Override
  public void limitsChanged(OrgLimits before, OrgLimits after) {
    var org = byOrg.get(after.orgId());
    if (org == null) return;
    for (String key : List.copyOf(org.keySet())) {
      BucketSpec spec = BucketSpec.parse(key, after).orElse(null);
      if (spec == null || spec.limit() == 0) continue;
      Entry e = lock(spec, false);
      if (e == null) continue;
      try {
        if (e.limit != spec.limit()) applyLimit(e, spec.limit());
      } finally {
        e.lock.unlock();
      }
    }
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  /**
   * Locks the entries of {@code specs} in key order and brings each to its spec's limit. With
   * {@code create} false, a bucket that does not exist stays absent (null in the result).
   */
  private List<Entry> lockAll(List<BucketSpec> specs, boolean create) {
    int n = specs.size();
    // Key order, sorted in place: a request has one to four buckets.
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      int j = i;
      while (j > 0 && specs.get(order[j - 1]).key().compareTo(specs.get(i).key()) > 0) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    var entries = new ArrayList<Entry>(n);
    for (int i = 0; i < n; i++) entries.add(null);
    try {
      for (int i : order) {
        BucketSpec spec = specs.get(i);
        Entry e = lock(spec, create);
        entries.set(i, e);
        if (e != null && e.limit != spec.limit()) applyLimit(e, spec.limit());
      }
    } catch (RuntimeException ex) {
      unlockAll(entries);
      throw ex;
    }
    return entries;
  }

  private Entry lock(BucketSpec spec, boolean create) {
    var org = byOrg.computeIfAbsent(spec.orgId(), o -> new ConcurrentHashMap<>());
    while (true) {
      Entry e =
          create
              ? org.computeIfAbsent(spec.key(), k -> newEntry(spec.limit()))
              : org.get(spec.key());
      if (e == null) return null;
      e.lock.lock();
      if (!e.removed) return e;
      e.lock.unlock();
    }
  }

  private static void unlockAll(List<Entry> entries) {
    for (Entry e : entries) {
      if (e != null && e.lock.isHeldByCurrentThread()) e.lock.unlock();
    }
  }

  private Entry newEntry(long limit) {
    return new Entry(
        Bucket.builder()
            .addLimit(Buckets.config(limit).getBandwidths()[0])
            .withCustomTimePrecision(time)
            // Every use of the bucket is under the entry's lock, so Bucket4j's own lock-free
            // updates (a copy of the state per take, then a compare-and-set) would be paid twice.
            .withSynchronizationStrategy(SynchronizationStrategy.NONE)
            .build(),
        limit);
  }

  /**
   * The new limit, keeping what was spent: left = clamp(left - (old - new), 0, new). Bucket4j's
   * ADDITIVE inheritance does exactly this when the limit rises; when it falls it only caps what is
   * left at the new limit, so the spent part is taken out afterwards, under the same lock.
   */
  private static void applyLimit(Entry e, long limit) {
    long left = e.bucket.getAvailableTokens();
    long old = e.limit;
    e.bucket.replaceConfiguration(Buckets.config(limit), TokensInheritanceStrategy.ADDITIVE);
    if (limit < old) {
      long target = Math.max(0, left - (old - limit));
      long now = e.bucket.getAvailableTokens();
      if (now > target) e.bucket.consumeIgnoringRateLimits(now - target);
    }
    e.limit = limit;
  }

  private long epochSecond() {
    return Buckets.epochSecond(time);
  }

  void sweep() {
    for (var org : byOrg.values()) {
      for (var entry : org.entrySet()) {
        Entry e = entry.getValue();
        if (!e.lock.tryLock()) continue;
        try {
          if (e.bucket.getAvailableTokens() >= e.limit) {
            e.removed = true;
            org.remove(entry.getKey(), e);
          }
        } finally {
          e.lock.unlock();
        }
      }
    }
    refusals.prune(epochSecond());
  }
}

package io.switchboard.server.notifications;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Rows that are read on every request of a hot path and rarely change (which version a script or a
 * flow serves, an external API's definition), kept in memory on each node and dropped on every node
 * when one of them changes the row ({@link ClusterSignals}). Concurrent first reads of a key share
 * one load. Signals are at most once, so an entry is also read again in the background once it is
 * {@code refresh} old (the old value is answered meanwhile) and forgotten when unused for twelve
 * times that: the bound on how stale a node can be when a signal was lost.
 */
public final class SignalledCache<V> {
  private final String topic;
  private final ClusterSignals signals;
  private final LoadingCache<String, V> cache;

  /**
   * {@code load} reads the row of a key (a value standing for "none" is cached too, so a flood of
   * reads of a missing id costs no queries); {@code dropped} hears every key dropped by a signal,
   * from this node or another (null: nothing else to do).
   */
  public SignalledCache(
      String topic,
      ClusterSignals signals,
      Duration refresh,
      long maximumSize,
      Function<String, V> load,
      Consumer<String> dropped) {
    this.topic = topic;
    this.signals = signals;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .refreshAfterWrite(refresh)
            .expireAfterWrite(refresh.multipliedBy(12))
            // Loads read the database: on virtual threads, not the common pool's few.
            .executor(task -> Thread.ofVirtual().name(topic + "-refresh").start(task))
            // A load racing with a signal is discarded by the signal's invalidation (Caffeine drops
            // a value loaded or refreshed while the key was invalidated).
            .build(load::apply);
    signals.listen(
        topic,
        ClusterSignals.dropping(
            key -> {
              cache.invalidate(key);
              if (dropped != null) dropped.accept(key);
            },
            cache::invalidateAll));
  }

  /** The key of an org's row: {@code orgId/id} (ids hold no slash). */
  public static String key(String orgId, String id) {
    return orgId + "/" + id;
  }

  /** The id part of a {@link #key(String, String)}. */
  public static String idOf(String key) {
    return key.substring(key.indexOf('/') + 1);
  }

  /** A load by org and id, for keys made by {@link #key(String, String)}. */
  public static <V> Function<String, V> byOrgAndId(BiFunction<String, String, V> load) {
    return key -> {
      int slash = key.indexOf('/');
      return load.apply(key.substring(0, slash), key.substring(slash + 1));
    };
  }

  /** The value of {@code key}, from memory when it is there. */
  public V get(String key) {
    return cache.get(key);
  }

  /**
   * {@code key}'s row changed: every node drops it, this one at once (after the calling thread's
   * transaction commits, when it has one).
   */
  public void changed(String key) {
    signals.changed(topic, key);
  }
}

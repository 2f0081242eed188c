package io.switchboard.server.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Readers of the same key share the read in flight instead of each taking a connection: a burst of
 * 2,000 flow executions otherwise reads the same flow and the same external API 2,000 times at
 * once, and on PostgreSQL's pool of 16 hundreds of them time out waiting for a connection. Nothing
 * is kept once the read is done, so nothing goes stale: a caller gets a row read no earlier than
 * the start of the read in flight when it asked. A writer calls {@link #forget} after its change,
 * so later readers on this node read again rather than join a read that began before the change.
 */
public final class SharedReads<V> {
  private final ConcurrentHashMap<String, CompletableFuture<V>> inFlight =
      new ConcurrentHashMap<>();

  /** {@code read}'s answer, or that of the read of {@code key} already in flight. */
  public V get(String key, Supplier<V> read) {
    var mine = new CompletableFuture<V>();
    CompletableFuture<V> shared = inFlight.putIfAbsent(key, mine);
    if (shared == null) {
      try {
        mine.complete(read.get());
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      } finally {
        inFlight.remove(key, mine);
      }
      shared = mine;
    }
    try {
      return shared.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  /** Later readers of {@code key} read again (after a change was saved). */
  public void forget(String key) {
    inFlight.remove(key);
  }
}

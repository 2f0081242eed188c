package io.switchboard.client;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Concurrent calls for the same key share one execution: the first caller runs it, the others wait
 * for its result, each no longer than its own deadline.
 *
 * <p>The server's answer ({@link ApiException}) is everyone's answer. Any other failure of the
 * leader (its own, possibly shorter, deadline; a dropped connection) does not fail the followers:
 * those with time left start over, and one of them leads the next execution.
 */
final class SingleFlight<K, V> {
  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
  private final Clock clock;
  private final LongAdder coalesced;

  SingleFlight(Clock clock, LongAdder coalesced) {
    this.clock = clock;
    this.coalesced = coalesced;
  }

  V run(K key, Instant deadline, Supplier<V> work) {
    while (true) {
      var mine = new CompletableFuture<V>();
      CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
      if (running == null) return lead(key, mine, work);
      coalesced.increment();
      try {
        return Waits.await(running, deadline, clock, "the shared request for " + key);
      } catch (ExecutionException e) {
        // A fresh exception per caller: each gets a stack trace of its own call, with the server's
        // answer.
        if (e.getCause() instanceof ApiException api)
          throw ApiException.of(api.status(), api.error(), api.attempts());
        // Not the server's word: try again (leading or following) while this caller has time.
      }
    }
  }

  private V lead(K key, CompletableFuture<V> mine, Supplier<V> work) {
    try {
      V value = work.get();
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }
}

package io.switchboard.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bodies of conditional GETs (published scripts), kept with their {@code ETag}.
 *
 * <ul>
 *   <li>Within {@code freshness} of the last validation a read is answered from memory, with no
 *       request.
 *   <li>After it, the read sends {@code If-None-Match}; a 304 (free of rate-limit quota on
 *       Switchboard) refreshes the entry, a 200 replaces it.
 *   <li>Concurrent reads of the same path share one request ({@link SingleFlight}), so 500 agents
 *       asking for the same script at once cost one request.
 * </ul>
 *
 * At most {@code maxEntries} paths are kept; beyond that an arbitrary entry makes room.
 */
final class ConditionalCache {
  private record Entry(String etag, byte[] body, Instant validatedAt, ApiResponse response) {}

  /**
   * A read's body, the answer that filled or last revalidated it, and whether this read shared it
   * (from memory, or another caller's request) rather than sending its own.
   */
  record Read(byte[] body, ApiResponse response, boolean shared) {}

  private final ClientCore core;
  private final Duration freshness;
  private final int maxEntries;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final SingleFlight<String, Entry> flights;

  ConditionalCache(ClientCore core, Duration freshness, int maxEntries) {
    this.core = core;
    this.freshness = freshness;
    this.maxEntries = maxEntries;
    this.flights = new SingleFlight<>(core.clock, core.counters.coalesced);
  }

  /**
   * The body at {@code path}, from memory when fresh, else from one shared (conditional) request.
   */
  Read get(String path, Instant deadline) {
    Entry cached = entries.get(path);
    if (cached != null && core.clock.instant().isBefore(cached.validatedAt().plus(freshness))) {
      core.counters.cacheHits.increment();
      core.listener().cacheRead(core.orgTag(), ClientCore.operation("GET", path), true);
      return new Read(cached.body(), cached.response(), true);
    }
    core.listener().cacheRead(core.orgTag(), ClientCore.operation("GET", path), false);
    Thread me = Thread.currentThread();
    var fetchedBy = new Thread[1];
    Entry e =
        flights.run(
            path,
            deadline,
            () -> {
              fetchedBy[0] = Thread.currentThread();
              return fetch(path, deadline);
            });
    return new Read(e.body(), e.response(), fetchedBy[0] != me);
  }

  private Entry fetch(String path, Instant deadline) {
    Entry known = entries.get(path);
    ApiRequest request = ApiRequest.get(path);
    if (known != null) request = request.header("If-None-Match", known.etag());
    ApiResponse response = core.send(request, deadline);
    Instant now = core.clock.instant();
    if (response.status() == 304 && known != null) {
      Entry revalidated = new Entry(known.etag(), known.body(), now, response);
      entries.put(path, revalidated);
      return revalidated;
    }
    Entry fresh = new Entry(response.header("ETag").orElse(null), response.body(), now, response);
    if (fresh.etag() != null) {
      makeRoom();
      entries.put(path, fresh);
    }
    return fresh;
  }

  private void makeRoom() {
    Iterator<String> keys = entries.keySet().iterator();
    while (entries.size() >= maxEntries && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }

  /** Forgets everything (for example after publishing, to see the new version at once). */
  void clear() {
    entries.clear();
  }
}

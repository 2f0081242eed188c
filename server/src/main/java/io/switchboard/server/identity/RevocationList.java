package io.switchboard.server.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revoked token ids, held in memory and persisted. A node sees its own revocations at once and
 * other nodes' within {@link #POLL} (it polls the table), which is the price of not reading the
 * database on every request.
 */
public final class RevocationList implements AutoCloseable {
  static final Duration POLL = Duration.ofSeconds(2);

  /**
   * Rows of tokens that have expired anyway are deleted this often, so the table stays the size of
   * the live ones.
   */
  static final Duration PURGE = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(RevocationList.class);

  private final IdentityStore store;
  private final Clock clock;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private volatile Instant polledUpTo;
  private volatile Instant purgedAt = Instant.EPOCH;

  public RevocationList(IdentityStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.polledUpTo = Instant.EPOCH;
    refresh();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("revocation-poll").factory());
    poller.scheduleWithFixedDelay(
        this::refreshQuietly, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isRevoked(String jti) {
    return revoked.containsKey(jti);
  }

  public void revoke(String jti, Instant expiresAt) {
    store.revoke(jti, expiresAt, clock.instant());
    revoked.put(jti, expiresAt);
  }

  void refresh() {
    Instant now = clock.instant();
    // Overlap the window so a row committed late by another node is not missed.
    Instant since = polledUpTo.minus(POLL.multipliedBy(5));
    for (var r : store.revokedSince(since.isBefore(Instant.EPOCH) ? Instant.EPOCH : since, now))
      revoked.put(r.jti(), r.expiresAt());
    revoked.values().removeIf(exp -> !exp.isAfter(now));
    polledUpTo = now;
    if (purgedAt.plus(PURGE).isBefore(now)) {
      store.purgeExpiredRevocations(now);
      purgedAt = now;
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn("could not refresh revoked tokens: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}

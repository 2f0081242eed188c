package io.switchboard.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds the current access token and replaces it before it expires. One caller fetches while the
 * others wait for its result (single flight), so 100 concurrent calls cost one token request.
 *
 * <p>In the refresh margin (the token is still valid but due for replacement) the other callers do
 * not wait: they keep using the valid token while one of them fetches the next. A failed early
 * refresh is not an error; the old token still works and the next caller tries again.
 */
final class TokenManager {
  /** Fetches a fresh token, bounded by {@code deadline}. */
  interface Fetcher {
    Token fetch(Instant deadline);
  }

  private final Fetcher fetcher;
  private final Clock clock;
  private final ReentrantLock refreshing = new ReentrantLock();
  private final AtomicReference<Token> current = new AtomicReference<>();

  TokenManager(Fetcher fetcher, Clock clock) {
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /**
   * A token usable now, fetching one if needed; waiting for another caller's fetch ends at {@code
   * deadline}.
   */
  String token(Instant deadline) {
    Token t = current.get();
    Instant now = clock.instant();
    if (t != null && now.isBefore(t.refreshAt())) return t.value();
    if (t != null && now.isBefore(t.expiresAt())) return refreshEarly(t, deadline);
    acquire(deadline);
    try {
      t = current.get();
      if (t != null && clock.instant().isBefore(t.refreshAt())) return t.value();
      Token fresh = fetcher.fetch(deadline);
      current.set(fresh);
      return fresh.value();
    } finally {
      refreshing.unlock();
    }
  }

  private String refreshEarly(Token old, Instant deadline) {
    if (!refreshing.tryLock()) return old.value();
    try {
      Token now = current.get();
      if (now != old) return now != null ? now.value() : old.value();
      try {
        Token fresh = fetcher.fetch(deadline);
        current.set(fresh);
        return fresh.value();
      } catch (SwitchboardException stillValid) {
        return old.value();
      }
    } finally {
      refreshing.unlock();
    }
  }

  private void acquire(Instant deadline) {
    long waitNanos = Duration.between(clock.instant(), deadline).toNanos();
    try {
      if (waitNanos > 0 && refreshing.tryLock(waitNanos, TimeUnit.NANOSECONDS)) return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while waiting for an access token", e);
    }
    throw new DeadlineExceededException(
        "no access token within the deadline (another caller's token request is still running)",
        List.of(),
        null);
  }

  /**
   * Drops {@code rejected} after the server refused it (expired or revoked), unless another caller
   * has already replaced it.
   */
  void invalidate(String rejected) {
    current.updateAndGet(t -> t != null && t.value().equals(rejected) ? null : t);
  }

  /** Refresh at 90% of the lifetime, and at least 30 s before expiry when the lifetime allows. */
  static Token token(String value, Instant issuedAt, long expiresInSeconds) {
    long margin = Math.max(expiresInSeconds / 10, Math.min(30, expiresInSeconds / 2));
    return new Token(
        value,
        issuedAt.plusSeconds(expiresInSeconds - margin),
        issuedAt.plusSeconds(expiresInSeconds));
  }
}

package io.switchboard.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Holds the current access token and refreshes it before it expires. One caller fetches while the others
 * wait for its result (single flight), so 100 concurrent calls cost one token request.
 */
final class TokenManager {
  private final Function<Instant, Token> fetcher;
  private final Clock clock;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile Token current;

  TokenManager(Function<Instant, Token> fetcher, Clock clock) {
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /** A token usable now, fetching one if needed; {@code deadline} bounds the fetch. */
  String token(Instant deadline) {
    Token t = current;
    if (t != null && clock.instant().isBefore(t.refreshAt())) return t.value();
    refreshing.lock();
    try {
      t = current;
      if (t != null && clock.instant().isBefore(t.refreshAt())) return t.value();
      current = fetcher.apply(deadline);
      return current.value();
    } finally {
      refreshing.unlock();
    }
  }

  /**
   * Drops {@code rejected} after the server refused it (expired or revoked), unless another caller has
   * already replaced it.
   */
  void invalidate(String rejected) {
    refreshing.lock();
    try {
      if (current != null && current.value().equals(rejected)) current = null;
    } finally {
      refreshing.unlock();
    }
  }

  /** Refresh at 90% of the lifetime, and at least 30 s before expiry when the lifetime allows. */
  static Instant refreshAt(Instant issuedAt, long expiresInSeconds) {
    long margin = Math.max(expiresInSeconds / 10, Math.min(30, expiresInSeconds / 2));
    return issuedAt.plus(Duration.ofSeconds(expiresInSeconds - margin));
  }
}

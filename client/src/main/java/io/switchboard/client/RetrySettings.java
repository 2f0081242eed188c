package io.switchboard.client;

import java.time.Duration;

/**
 * How the client retries: at most {@code maxAttempts} tries in all; waits are the server's
 * {@code Retry-After} when it gives one, else full-jitter exponential backoff (a random wait between zero
 * and {@code min(maxBackoff, baseBackoff * 2^n)}). No wait is started that would end past the deadline.
 */
public record RetrySettings(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {
  public static final RetrySettings DEFAULT = new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(5));

  public RetrySettings {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    if (baseBackoff.isNegative() || maxBackoff.compareTo(baseBackoff) < 0) throw new IllegalArgumentException("backoff bounds are inconsistent");
  }

  /** Never retry: every failure reaches the caller at once. */
  public static RetrySettings none() {
    return new RetrySettings(1, Duration.ZERO, Duration.ZERO);
  }
}

package io.switchboard.client;

import java.time.Duration;

/**
 * How the client retries: at most {@code maxAttempts} tries in all; waits are the server's {@code
 * Retry-After} when it gives one, else full-jitter exponential backoff (a random wait between zero
 * and {@code min(maxBackoff, baseBackoff * 2^n)} before retry n+1). No wait is started that would
 * end past the call's deadline, whatever these settings say.
 *
 * @param maxAttempts tries in all, the first included (at least 1)
 * @param baseBackoff the backoff cap before the first retry
 * @param maxBackoff the largest backoff cap
 */
public record RetrySettings(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {
  /** 5 tries; backoff caps 100 ms, 200 ms, 400 ms, ... up to 5 s. */
  public static final RetrySettings DEFAULT =
      new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(5));

  /** Checks the bounds. */
  public RetrySettings {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    if (baseBackoff.isNegative() || maxBackoff.compareTo(baseBackoff) < 0)
      throw new IllegalArgumentException("backoff bounds are inconsistent");
  }

  /**
   * Never retry: every failure reaches the caller at once.
   *
   * @return the settings
   */
  public static RetrySettings none() {
    return new RetrySettings(1, Duration.ZERO, Duration.ZERO);
  }
}

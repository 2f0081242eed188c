package io.switchboard.client;

import java.time.Duration;

/**
 * When the client stops calling a failing server. A <em>failure</em> is an attempt that ended in a
 * connection failure or a 5xx answer; anything else (2xx, 3xx, 4xx, and 429, which is a server that
 * answers and says "later") counts as a success.
 *
 * <p>Closed: the breaker opens when {@code failureThreshold} of the last {@code failureWindow}
 * attempts failed. Open: every call fails at once with {@link CircuitOpenException}, without a
 * request, for {@code openDelay}. Half-open: the next {@code successThreshold} attempts go through
 * as trials; if all succeed the breaker closes, a single failure opens it again.
 *
 * <p>Defaults ({@link #DEFAULT}): 10 failures of the last 20 attempts, open for 5 s, 3 trial
 * attempts.
 *
 * @param failureThreshold failures within the window that open the breaker
 * @param failureWindow how many of the most recent attempts are counted
 * @param openDelay how long the breaker stays open before letting trials through
 * @param successThreshold trial attempts that must all succeed to close it again
 */
public record CircuitBreakerSettings(
    int failureThreshold, int failureWindow, Duration openDelay, int successThreshold) {
  /** 10 failures of the last 20 attempts open it for 5 s; 3 successful trials close it. */
  public static final CircuitBreakerSettings DEFAULT =
      new CircuitBreakerSettings(10, 20, Duration.ofSeconds(5), 3);

  /** Checks the bounds. */
  public CircuitBreakerSettings {
    if (failureThreshold < 1 || failureWindow < failureThreshold)
      throw new IllegalArgumentException("need 1 <= failureThreshold <= failureWindow");
    if (openDelay.isNegative() || openDelay.isZero())
      throw new IllegalArgumentException("openDelay must be positive");
    if (successThreshold < 1)
      throw new IllegalArgumentException("successThreshold must be at least 1");
  }

  /**
   * A breaker that never opens.
   *
   * @return the settings
   */
  public static CircuitBreakerSettings disabled() {
    return new CircuitBreakerSettings(
        Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(1), 1);
  }

  boolean isDisabled() {
    return failureThreshold == Integer.MAX_VALUE;
  }
}

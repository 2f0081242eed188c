package io.switchboard.client;

import java.time.Duration;

/**
 * The client's circuit breaker is open after repeated server failures, so the call was not sent.
 * See {@link CircuitBreakerSettings} for when it opens and closes.
 */
public final class CircuitOpenException extends SwitchboardException {
  /** How long the breaker stays open. */
  private final Duration remainingDelay;

  CircuitOpenException(String message, Duration remainingDelay) {
    super(
        message
            + " (circuit breaker open; trial calls allowed again in "
            + remainingDelay.toMillis()
            + " ms)");
    this.remainingDelay = remainingDelay;
  }

  /**
   * How long until the breaker lets trial calls through again.
   *
   * @return the time left while open
   */
  public Duration remainingDelay() {
    return remainingDelay;
  }
}

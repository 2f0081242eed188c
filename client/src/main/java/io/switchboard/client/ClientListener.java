package io.switchboard.client;

import java.time.Duration;

/**
 * Events of a client, for metrics ({@link MicrometerClientMetrics} is one) or tracing. Every method
 * has an empty default; they run on the calling thread and must be quick and must not throw. {@code
 * org} is the client's {@code orgId} ("none" when it was not set); {@code operation} is the method
 * and path template, such as {@code GET /api/v2/users/{id}} (segments that look like ids replaced).
 */
public interface ClientListener {
  /** One HTTP exchange ended: {@code status} 0 when no answer came (dropped, cut off). */
  default void requestCompleted(String org, String operation, int status, Duration took) {}

  /** A try failed and another follows after {@code wait}. */
  default void retryScheduled(String org, String operation, int status, Duration wait) {}

  /** A request waited {@code wait} for its turn under the announced rate limit. */
  default void pacerWaited(String org, String operation, Duration wait) {}

  /** The circuit breaker changed state: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
  default void breakerStateChanged(String org, String state) {}

  /** A published-script read was answered from memory ({@code hit}) or needed a request. */
  default void cacheRead(String org, String operation, boolean hit) {}
}

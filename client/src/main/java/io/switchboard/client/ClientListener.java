package io.switchboard.client;

import java.time.Duration;

/**
 * Events of a client, for metrics ({@link MicrometerClientMetrics} is one) or tracing. Every method
 * has an empty default; they run on the calling thread and must be quick and must not throw. {@code
 * org} is the client's {@code orgId} ("none" when it was not set); {@code operation} is the method
 * and path template, such as {@code GET /api/v2/users/{id}} (segments that look like ids replaced).
 */
public interface ClientListener {
  /**
   * One HTTP exchange ended: {@code status} 0 when no answer came (dropped, cut off).
   *
   * @param org the org tag (the builder's {@code orgId}, or {@code none})
   * @param operation the method and path template
   * @param status the answer's status (0 for none)
   * @param took how long it took
   */
  default void requestCompleted(String org, String operation, int status, Duration took) {}

  /**
   * A try failed and another follows after {@code wait}.
   *
   * @param org the org tag (the builder's {@code orgId}, or {@code none})
   * @param operation the method and path template
   * @param status the answer's status (0 for none)
   * @param wait the wait
   */
  default void retryScheduled(String org, String operation, int status, Duration wait) {}

  /**
   * A request waited {@code wait} for its turn under the announced rate limit.
   *
   * @param org the org tag (the builder's {@code orgId}, or {@code none})
   * @param operation the method and path template
   * @param wait the wait
   */
  default void pacerWaited(String org, String operation, Duration wait) {}

  /**
   * The circuit breaker changed state: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}.
   *
   * @param org the org tag (the builder's {@code orgId}, or {@code none})
   * @param state the new state, or null
   */
  default void breakerStateChanged(String org, String state) {}

  /**
   * A published-script read was answered from memory ({@code hit}) or needed a request.
   *
   * @param org the org tag (the builder's {@code orgId}, or {@code none})
   * @param operation the method and path template
   * @param hit whether the read was served from memory
   */
  default void cacheRead(String org, String operation, boolean hit) {}
}

package io.switchboard.client;

import java.time.Duration;

/**
 * How {@link SessionsApi#create} batches: creations that arrive within {@code window} of the first
 * one of a batch (or until {@code maxBatch} have joined) go out as one {@code POST /sessions/bulk};
 * each caller still gets its own session or its own error. The price is up to {@code window} of
 * added latency per creation.
 *
 * @param enabled whether to batch at all
 * @param window how long the first creation of a batch waits for others
 * @param maxBatch the most creations in one request (1..100)
 */
public record SessionBatching(boolean enabled, Duration window, int maxBatch) {
  /** On, a 5 ms window, up to 100 per request. */
  public static final SessionBatching DEFAULT =
      new SessionBatching(true, Duration.ofMillis(5), SessionBatcher.MAX_BULK);

  /** Checks the bounds. */
  public SessionBatching {
    if (window == null || window.isNegative())
      throw new IllegalArgumentException("window must be zero or positive");
    if (maxBatch < 1 || maxBatch > SessionBatcher.MAX_BULK)
      throw new IllegalArgumentException("maxBatch must be 1.." + SessionBatcher.MAX_BULK);
  }

  /**
   * Every creation is its own request.
   *
   * @return the settings
   */
  public static SessionBatching disabled() {
    return new SessionBatching(false, Duration.ZERO, 1);
  }

  /**
   * On, with this window and batch size.
   *
   * @param window how long the first creation waits for others
   * @param maxBatch the most creations in one request
   * @return the settings
   */
  public static SessionBatching of(Duration window, int maxBatch) {
    return new SessionBatching(true, window, maxBatch);
  }
}

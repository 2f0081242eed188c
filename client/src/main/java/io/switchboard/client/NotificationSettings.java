package io.switchboard.client;

import java.time.Duration;

/**
 * How a {@link NotificationsClient} keeps its channel alive.
 *
 * @param ping how often the client pings the server ({@code {"message":"ping"}}); every message the
 *     server sends (a heartbeat every 30 s, a pong, an event) proves the socket alive
 * @param silence a socket that has carried nothing for this long is considered dead: the client
 *     reconnects (to a new channel if the old one is gone)
 * @param renewBefore how long before the channel expires (24 h at Genesys) the client creates the
 *     next channel, subscribes it and connects; also done at once on {@code
 *     v2.system.socket_closing}
 * @param overlap how long the old socket stays open after the new one is connected; events that
 *     arrive on both are handed over once
 * @param buffer events waiting for {@link NotificationsClient#next}; when full the oldest is
 *     dropped and counted
 */
public record NotificationSettings(
    Duration ping, Duration silence, Duration renewBefore, Duration overlap, int buffer) {
  /**
   * Checks the settings: {@code ping} positive, {@code silence} longer, {@code buffer} at least 1.
   */
  public NotificationSettings {
    if (ping.isNegative() || ping.isZero()) throw new IllegalArgumentException("ping must be > 0");
    if (silence.compareTo(ping) <= 0)
      throw new IllegalArgumentException("silence must be longer than the ping interval");
    if (buffer < 1) throw new IllegalArgumentException("buffer must be at least 1");
  }

  /**
   * Ping every 20 s, dead after 75 s of silence, renew 10 minutes early, overlap 5 s.
   *
   * @return the settings
   */
  public static NotificationSettings defaults() {
    return new NotificationSettings(
        Duration.ofSeconds(20),
        Duration.ofSeconds(75),
        Duration.ofMinutes(10),
        Duration.ofSeconds(5),
        10_000);
  }
}

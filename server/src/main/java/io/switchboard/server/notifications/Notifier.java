package io.switchboard.server.notifications;

/**
 * How a feature publishes a notification: one call, after (or inside) the transaction that made the
 * change. Delivery waits for the commit of the calling thread's transaction (JDBI's {@code
 * Handle.afterCommit}); a caller outside any transaction publishes at once, so call it only once
 * the change is committed. A rolled-back transaction publishes nothing.
 *
 * <pre>{@code
 * notifier.publish(orgId, Topics.routingStatus(userId), new RoutingStatusEvent(...));
 * }</pre>
 */
public interface Notifier {
  /** Publishes nothing: for tests and tools that run features without notifications. */
  Notifier NONE =
      new Notifier() {
        @Override
        public void publish(Notification n) {}

        @Override
        public String correlationId() {
          return null;
        }
      };

  /**
   * {@code body} (a record, serialised as the event's {@code eventBody}) on {@code topic} to the
   * org's subscribers, with the current request's correlation id.
   */
  default void publish(String orgId, String topic, Object body) {
    publish(new Notification(orgId, topic, body, correlationId(), null, 0));
  }

  /** A notification with an explicit correlation id or ordering (see {@link Notification}). */
  void publish(Notification n);

  /**
   * The {@code ININ-Correlation-Id} of the request the calling thread serves, or null: capture it
   * where a change is requested when another thread commits it (group commit).
   */
  String correlationId();
}

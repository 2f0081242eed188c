package io.switchboard.server.notifications;

import java.util.function.Consumer;

/**
 * Carries envelopes to the other nodes of a cluster. The sending node has already handled the
 * envelope itself; every other node hands it to the receiver given to {@link #start}. At most once:
 * a node that is disconnected from the transport when an envelope is sent never sees it.
 */
interface Fanout extends AutoCloseable {
  /**
   * Starts receiving. {@code resubscribed} runs each time this node is listening again after its
   * connection to the transport was replaced (and may run when it first listens): what was sent
   * meanwhile is lost.
   */
  void start(Consumer<Envelope> receiver, Runnable resubscribed);

  void send(Envelope envelope);

  /** A name for the logs and docs: memory, redis. */
  String name();

  @Override
  void close();

  /** One node: nothing to carry. */
  static Fanout none() {
    return new Fanout() {
      @Override
      public void start(Consumer<Envelope> receiver, Runnable resubscribed) {}

      @Override
      public void send(Envelope envelope) {}

      @Override
      public String name() {
        return "memory";
      }

      @Override
      public void close() {}
    };
  }
}

package io.switchboard.server.notifications;

import java.util.function.Consumer;

/**
 * Carries envelopes to the other nodes of a cluster. The sending node has already handled the
 * envelope itself; every other node hands it to the receiver given to {@link #start}. At most once:
 * a node that is disconnected from the transport when an envelope is sent never sees it.
 */
interface Fanout extends AutoCloseable {
  void start(Consumer<Envelope> receiver);

  void send(Envelope envelope);

  /** A name for the logs and docs: memory, redis. */
  String name();

  @Override
  void close();

  /** One node: nothing to carry. */
  static Fanout none() {
    return new Fanout() {
      @Override
      public void start(Consumer<Envelope> receiver) {}

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

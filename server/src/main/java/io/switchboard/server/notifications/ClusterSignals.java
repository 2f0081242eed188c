package io.switchboard.server.notifications;

import java.util.function.Consumer;

/**
 * "Something changed" between the nodes of a cluster, for caches of data that lives in the
 * database: a node that changes a cached entity {@linkplain #changed signals} its key, and every
 * node (itself included) drops what it holds for that key. Carried by the notifications' {@code
 * Fanout} (Redis pub/sub or PostgreSQL LISTEN/NOTIFY), so at most once: a node whose connection to
 * the transport was replaced is told to {@linkplain Listener#missedSome drop everything}, and a
 * cache keeps a bound on how old an entry may get for what even that cannot see (a sender that lost
 * its connection mid-send).
 */
public interface ClusterSignals {
  /** What a cache does when told. Both run on the transport's thread: keep them short. */
  interface Listener {
    void changed(String key);

    void missedSome();
  }

  /** Registers the listener of one kind of signal ({@code topic}), once, at start-up. */
  void listen(String topic, Listener listener);

  /**
   * Tells this node's listener at once, and the other nodes', that {@code key} changed: after the
   * commit of the calling thread's open transaction, if it has one (before it, another node could
   * reload the old state).
   */
  void changed(String topic, String key);

  /** One node, no transport: only this node's listeners are told. */
  static ClusterSignals local() {
    var listeners = new java.util.concurrent.ConcurrentHashMap<String, Listener>();
    return new ClusterSignals() {
      @Override
      public void listen(String topic, Listener listener) {
        listeners.put(topic, listener);
      }

      @Override
      public void changed(String topic, String key) {
        Listener l = listeners.get(topic);
        if (l != null) l.changed(key);
      }
    };
  }

  /** A listener for a cache that only drops entries. */
  static Listener dropping(Consumer<String> drop, Runnable dropAll) {
    return new Listener() {
      @Override
      public void changed(String key) {
        drop.accept(key);
      }

      @Override
      public void missedSome() {
        dropAll.run();
      }
    };
  }
}

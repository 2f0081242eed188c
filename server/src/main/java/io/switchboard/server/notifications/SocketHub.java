package io.switchboard.server.notifications;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets this node holds, by channel, and the (org, topic) index that finds them. Dispatch
 * runs on the publishing thread and only puts the message in each socket's bounded queue; each
 * socket's own virtual thread writes to the wire. A socket whose queue is full is closed (1013),
 * never waited for: a slow reader cannot slow a writer or grow the heap.
 */
final class SocketHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketHub.class);

  static final int CLOSE_TAKEN_OVER = 4000;
  static final int CLOSE_EVICTED = 4001;
  static final int CLOSE_EXPIRED = 4002;
  static final int CLOSE_UNKNOWN_CHANNEL = 4004;
  static final int CLOSE_SLOW = 1013;
  static final int CLOSE_GOING_AWAY = 1001;

  static final String TAKEN_OVER = "Another connection took over this channel";
  static final String SLOW = "Outbound queue full: the client did not keep up";
  static final String EXPIRED = "Channel expired";

  static final String HEARTBEAT =
      "{\"topicName\":\"channel.metadata\",\"eventBody\":{\"message\":\"WebSocket Heartbeat\"}}";
  static final String PONG =
      "{\"topicName\":\"channel.metadata\",\"eventBody\":{\"message\":\"pong\"}}";
  static final String SOCKET_CLOSING =
      "{\"topicName\":\"v2.system.socket_closing\",\"eventBody\":{\"message\":\"The channel"
          + " expires soon; create a new channel and subscribe again\"}}";

  /** How long an event waits for a predecessor that is still on its way from another node. */
  static final long GAP_WAIT_MILLIS = 1000;

  /** Events held per entity while waiting; beyond, they go out and the gap is given up. */
  static final int MAX_HELD = 256;

  /** Entities a socket remembers the last delivered sequence of (least recently used go first). */
  static final int ORDER_MEMORY = 4096;

  private final NotificationsConfig config;
  private final Clock clock;
  private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
  private final Map<String, Set<Socket>> index = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("notifications-timer").factory());
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong slowClosed = new AtomicLong();

  SocketHub(NotificationsConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    long every = config.heartbeat().toMillis();
    timer.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  /** A connected socket; {@link #connection} tells takeovers apart across nodes. */
  final class Socket {
    final Channel channel;
    final String connection = UUID.randomUUID().toString();
    final long connectedAt = clock.millis();
    private final Outlet outlet;
    private final ArrayBlockingQueue<String> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, Long> lastSequence =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > ORDER_MEMORY;
          }
        };
    private final Map<String, java.util.TreeMap<Long, String>> held = new java.util.HashMap<>();
    private volatile Set<String> topics = Set.of();
    private volatile Thread sender;
    private volatile ScheduledFuture<?> closing;
    private volatile ScheduledFuture<?> expiry;

    private Socket(Channel channel, Outlet outlet) {
      this.channel = channel;
      this.outlet = outlet;
      this.queue = new ArrayBlockingQueue<>(config.socketQueue());
    }

    /** Queues {@code text}; a full queue closes the socket. */
    void offer(String text) {
      if (closed.get()) return;
      if (!queue.offer(text)) {
        slowClosed.incrementAndGet();
        log.warn("closing notification channel {}: {}", channel.id(), SLOW);
        close(CLOSE_SLOW, SLOW);
      }
    }

    /**
     * Per entity in sequence order. An event past a gap (its predecessor is still on its way from
     * another node) is held until the gap fills or {@link #GAP_WAIT_MILLIS} pass; then what is held
     * goes out in order and the missing ones are skipped if they come later. Older than delivered
     * is dropped: at most once, never backwards.
     */
    private void deliver(String text, String entity, long sequence) {
      if (entity == null || sequence <= 0) {
        offer(text);
        return;
      }
      synchronized (lastSequence) {
        Long last = lastSequence.get(entity);
        if (last != null && sequence <= last) return;
        java.util.TreeMap<Long, String> waiting = held.get(entity);
        if (last == null || sequence == last + 1) {
          offer(text);
          long current = sequence;
          while (waiting != null && waiting.containsKey(current + 1)) {
            offer(waiting.remove(current + 1));
            current++;
          }
          if (waiting != null) {
            waiting.headMap(current, true).clear();
            if (waiting.isEmpty()) held.remove(entity);
          }
          lastSequence.put(entity, current);
          return;
        }
        if (waiting == null) {
          waiting = new java.util.TreeMap<>();
          held.put(entity, waiting);
          timer.schedule(() -> release(entity), GAP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        waiting.put(sequence, text);
        if (waiting.size() > MAX_HELD) releaseLocked(entity);
      }
    }

    private void release(String entity) {
      synchronized (lastSequence) {
        releaseLocked(entity);
      }
    }

    private void releaseLocked(String entity) {
      java.util.TreeMap<Long, String> waiting = held.remove(entity);
      if (waiting == null) return;
      Long last = lastSequence.get(entity);
      for (var e : waiting.entrySet()) {
        if (last != null && e.getKey() <= last) continue;
        offer(e.getValue());
        last = e.getKey();
      }
      if (last != null) lastSequence.put(entity, last);
    }

    private void run() {
      try {
        while (!closed.get()) {
          String text = queue.take();
          outlet.send(text);
          delivered.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        if (!closed.get())
          log.debug("notification socket {} failed: {}", channel.id(), e.toString());
        close(1011, "write failed");
      }
    }

    /** Closes the socket and forgets it; idempotent. */
    void close(int code, String reason) {
      if (!closed.compareAndSet(false, true)) return;
      sockets.remove(channel.id(), this);
      unindex(this, topics);
      if (closing != null) closing.cancel(false);
      if (expiry != null) expiry.cancel(false);
      Thread t = sender;
      if (t != null && t != Thread.currentThread()) t.interrupt();
      queue.clear();
      try {
        outlet.close(code, reason);
      } catch (RuntimeException e) {
        log.debug("closing notification socket {}: {}", channel.id(), e.toString());
      }
    }

    boolean isClosed() {
      return closed.get();
    }
  }

  /**
   * Holds {@code channel}'s new socket; one it had before is closed as taken over. The new socket
   * is subscribed before the old one hears that it was taken over, so a client that reacts to that
   * close misses nothing on the new socket (an event in between may reach both).
   */
  Socket connect(Channel channel, Collection<String> topics, Outlet outlet) {
    var socket = new Socket(channel, outlet);
    retopic(socket, topics);
    socket.sender = Thread.ofVirtual().name("notifications-" + channel.id()).start(socket::run);
    Socket previous = sockets.put(channel.id(), socket);
    if (previous != null) previous.close(CLOSE_TAKEN_OVER, TAKEN_OVER);
    // Closed already (its first write failed): its close found nothing to remove.
    if (socket.isClosed()) sockets.remove(channel.id(), socket);
    Instant now = clock.instant();
    long untilExpiry = Duration.between(now, channel.expiresAt()).toMillis();
    long untilNotice = untilExpiry - config.closingNotice().toMillis();
    socket.closing =
        timer.schedule(
            () -> socket.offer(SOCKET_CLOSING), Math.max(0, untilNotice), TimeUnit.MILLISECONDS);
    socket.expiry =
        timer.schedule(
            () -> socket.close(CLOSE_EXPIRED, EXPIRED),
            Math.max(0, untilExpiry),
            TimeUnit.MILLISECONDS);
    return socket;
  }

  /** The socket now holding {@code channelId} on this node, if any. */
  Socket socket(String channelId) {
    return sockets.get(channelId);
  }

  void close(String channelId, int code, String reason) {
    Socket s = sockets.get(channelId);
    if (s != null) s.close(code, reason);
  }

  /**
   * Another node's connection to {@code channelId}, made at {@code connectedAt}: ours (if any) goes
   * if it is the older one. An announcement that arrives late (after a newer connection came here)
   * does not close the newer one. Nodes' clocks decide; ties go to the larger connection id.
   */
  void takenOver(String channelId, String connection, long connectedAt) {
    Socket s = sockets.get(channelId);
    if (s == null || s.connection.equals(connection)) return;
    boolean ourIsOlder =
        s.connectedAt < connectedAt
            || (s.connectedAt == connectedAt && s.connection.compareTo(connection) < 0);
    if (ourIsOlder) s.close(CLOSE_TAKEN_OVER, TAKEN_OVER);
  }

  /** The channel's topics are now {@code topics}. */
  void retopic(String channelId, Collection<String> topics) {
    Socket s = sockets.get(channelId);
    if (s != null) retopic(s, topics);
  }

  private void retopic(Socket s, Collection<String> topics) {
    synchronized (s) {
      Set<String> next = Set.copyOf(topics);
      Set<String> previous = s.topics;
      for (String t : next) {
        // Added inside compute: a set that another socket's unindex empties is dropped from the
        // index in its compute, so an add outside one could land in a set no longer indexed.
        if (!previous.contains(t))
          index.compute(
              key(s.channel.orgId(), t),
              (k, set) -> {
                Set<Socket> sockets = set == null ? ConcurrentHashMap.newKeySet() : set;
                sockets.add(s);
                return sockets;
              });
      }
      var gone = new java.util.HashSet<>(previous);
      gone.removeAll(next);
      unindex(s, gone);
      s.topics = next;
      if (s.isClosed()) unindex(s, next);
    }
  }

  private void unindex(Socket s, Collection<String> topics) {
    for (String t : topics) {
      index.computeIfPresent(
          key(s.channel.orgId(), t),
          (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
          });
    }
  }

  /**
   * Queues the event for this node's sockets subscribed to its topic in its org. The message is
   * built once for all of them.
   */
  void dispatch(Envelope e) {
    Set<Socket> targets = index.get(key(e.orgId(), e.topic()));
    if (targets == null || targets.isEmpty()) return;
    String text = message(e);
    for (Socket s : targets) {
      if (s.channel.orgId().equals(e.orgId())) s.deliver(text, e.entity(), e.sequence());
    }
  }

  static String message(Envelope e) {
    var sb = new StringBuilder(e.bodyJson().length() + 160);
    sb.append("{\"topicName\":");
    quote(sb, e.topic());
    sb.append(",\"version\":\"2\",\"eventBody\":").append(e.bodyJson()).append(",\"metadata\":{");
    if (e.correlationId() != null) {
      sb.append("\"CorrelationId\":");
      quote(sb, e.correlationId());
    }
    return sb.append("}}").toString();
  }

  /** Topics and correlation ids are plain tokens; escaped anyway. */
  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    sb.append('"');
  }

  private static String key(String orgId, String topic) {
    return orgId + '\u0000' + topic;
  }

  private void heartbeat() {
    for (Socket s : sockets.values()) s.offer(HEARTBEAT);
  }

  int size() {
    return sockets.size();
  }

  long delivered() {
    return delivered.get();
  }

  long slowClosed() {
    return slowClosed.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Socket s : sockets.values()) s.close(CLOSE_GOING_AWAY, "Server stopping");
  }
}

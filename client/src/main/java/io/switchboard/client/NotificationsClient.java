package io.switchboard.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * A notification channel that stays up: what integrators otherwise write by hand around Genesys's
 * WebSocket channels. It creates the channel, subscribes the topics, pings and watches the socket
 * (a socket silent for {@link NotificationSettings#silence} is replaced), and before the channel
 * expires creates the next one, subscribes it, connects it and keeps the old socket for an overlap,
 * handing each event over once. Events come out of {@link #next} or {@link #events()}.
 *
 * <p>What it cannot do: replay events that happened while no socket was connected (after a network
 * failure). Re-read the state you depend on after {@link Stats#reconnects} rises.
 *
 * <pre>{@code
 * try (var notifications =
 *     NotificationsClient.open(client, List.of("v2.agent-scripting.sessions." + id))) {
 *   NotificationEvent e = notifications.next(Duration.ofSeconds(30));
 *   SessionsApi.Session s = e.bodyAs(SessionsApi.Session.class);
 * }
 * }</pre>
 */
public final class NotificationsClient implements AutoCloseable {
  private static final String CHANNELS = "/api/v2/notifications/channels";
  private static final String PING = "{\"message\":\"ping\"}";
  private static final int DEDUP_MEMORY = 8192;

  /**
   * Counters: channels created, reconnections, duplicates dropped, events dropped (buffer full).
   *
   * @param channels channels created
   * @param reconnects sockets replaced
   * @param duplicates duplicate events dropped
   * @param dropped events dropped because the buffer was full
   */
  public record Stats(long channels, long reconnects, long duplicates, long dropped) {}

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  private record ChannelInfo(String id, String connectUri, Instant expires) {}

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  private record TopicState(String id, String state, String rejectionReason) {}

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  private record TopicListing(List<TopicState> entities) {}

  private final SwitchboardClient api;
  private final NotificationSettings settings;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("switchboard-notifications").factory());
  private final LinkedBlockingDeque<NotificationEvent> buffer = new LinkedBlockingDeque<>();
  private final Map<String, Boolean> recent =
      new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > DEDUP_MEMORY;
        }
      };
  private final AtomicLong channels = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final List<String> topics;
  private volatile Connection current;
  private volatile boolean closed;
  private int failures;

  private NotificationsClient(
      SwitchboardClient api, List<String> topics, NotificationSettings settings) {
    this.api = api;
    this.topics = List.copyOf(topics);
    this.settings = settings;
  }

  /**
   * Opens a channel subscribed to {@code topics} with {@link NotificationSettings#defaults()}.
   *
   * @param api the client whose token and base URL the channel uses
   * @param topics the topics to subscribe to
   * @return the client, subscribed and connected
   */
  public static NotificationsClient open(SwitchboardClient api, List<String> topics) {
    return open(api, topics, NotificationSettings.defaults());
  }

  /**
   * Opens a channel subscribed to {@code topics}. A topic the server rejects (another org's id, a
   * scope the client lacks) is an {@link IllegalArgumentException} naming the server's reason.
   *
   * @param api the client whose token and base URL the channel uses
   * @param topics the topics to subscribe to
   * @param settings pings, reconnects, renewal and buffer
   * @return the client, subscribed and connected
   */
  public static NotificationsClient open(
      SwitchboardClient api, List<String> topics, NotificationSettings settings) {
    var client = new NotificationsClient(api, topics, settings);
    try {
      client.current = client.connect(client.newChannel());
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    long every = settings.ping().toMillis();
    client.timer.scheduleWithFixedDelay(client::watch, every, every, TimeUnit.MILLISECONDS);
    return client;
  }

  /**
   * The next event, waiting at most {@code timeout}; null when none came.
   *
   * @param timeout how long to wait at most
   * @return the event, or null when none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public NotificationEvent next(Duration timeout) throws InterruptedException {
    return buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Events as they come (blocking), until {@link #close}.
   *
   * @return the items, fetched lazily
   */
  public Stream<NotificationEvent> events() {
    var it =
        new Spliterators.AbstractSpliterator<NotificationEvent>(
            Long.MAX_VALUE, Spliterator.ORDERED) {
          @Override
          public boolean tryAdvance(Consumer<? super NotificationEvent> action) {
            try {
              while (!closed) {
                NotificationEvent e = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (e != null) {
                  action.accept(e);
                  return true;
                }
              }
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          }
        };
    return StreamSupport.stream(it, false);
  }

  /**
   * The events of one topic, their bodies bound to {@code type}.
   *
   * @param <T> the body type
   * @param topicName the topic
   * @param type the type to bind each event body to
   * @return the items, fetched lazily
   */
  public <T> Stream<T> events(String topicName, Class<T> type) {
    return events().filter(e -> e.topicName().equals(topicName)).map(e -> e.bodyAs(type));
  }

  /**
   * The channel the events come from now.
   *
   * @return the channel id, or null between channels
   */
  public String channelId() {
    Connection c = current;
    return c == null ? null : c.channel.id();
  }

  /**
   * Counters since the client was opened.
   *
   * @return the counters so far
   */
  public Stats stats() {
    return new Stats(channels.get(), reconnects.get(), duplicates.get(), dropped.get());
  }

  // ---- channels and sockets

  private ChannelInfo newChannel() {
    ChannelInfo channel = api.call(ApiRequest.post(CHANNELS, null), ChannelInfo.class);
    channels.incrementAndGet();
    var body = new ArrayList<Map<String, String>>();
    for (String t : topics) body.add(Map.of("id", t));
    TopicListing answer =
        api.call(
            // Each topic's state, so that a refusal is reported with the server's reason per topic.
            ApiRequest.put(
                CHANNELS + "/" + channel.id() + "/subscriptions?ignoreErrors=true", body),
            TopicListing.class);
    var rejected = new ArrayList<String>();
    for (TopicState s : answer.entities())
      if (!"Permitted".equals(s.state())) rejected.add(s.id() + ": " + s.rejectionReason());
    if (!rejected.isEmpty())
      throw new IllegalArgumentException("topics rejected by the server: " + rejected);
    return channel;
  }

  private boolean exists(ChannelInfo channel) {
    try {
      api.send(
          new ApiRequest("HEAD", CHANNELS + "/" + channel.id(), Map.of(), null, null, null, false));
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  private Connection connect(ChannelInfo channel) {
    var c = new Connection(channel);
    c.socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(URI.create(channel.connectUri()), c)
            .orTimeout(15, TimeUnit.SECONDS)
            .join();
    // The handshake completing here does not mean the server holds the socket: it registers it
    // and its topics just after the upgrade, and an event published in between reaches no one. It
    // answers a ping only once it holds the socket, so the channel counts as connected (for open,
    // a renewal's overlap and a replacement) only when the pong is back.
    try {
      c.socket.sendText(PING, true).orTimeout(15, TimeUnit.SECONDS).join();
      CompletableFuture.anyOf(c.held, c.done).orTimeout(15, TimeUnit.SECONDS).join();
    } catch (RuntimeException e) {
      c.close("not held");
      throw new TransportException("channel " + channel.id() + ": no answer to the first ping", e);
    }
    if (!c.held.isDone()) {
      c.close("not held");
      throw new TransportException(
          "channel "
              + channel.id()
              + ": the socket closed ("
              + c.closeCode
              + ") before it was held",
          null);
    }
    return c;
  }

  /** Every ping interval: is the socket alive, is it time to renew the channel. */
  private void watch() {
    if (closed) return;
    Connection c = current;
    try {
      if (c == null || c.isDead()) {
        replace(c, c != null && c.closeCode >= 4000);
        return;
      }
      if (Instant.now().isAfter(c.channel.expires().minus(settings.renewBefore()))) {
        renew(c);
        return;
      }
      c.socket.sendText(PING, true);
      failures = 0;
    } catch (RuntimeException e) {
      failures++;
    }
  }

  /** The next channel before this one expires; the old socket stays for the overlap. */
  private void renew(Connection old) {
    if (closed || current != old || old.renewing) return;
    old.renewing = true;
    try {
      current = connect(newChannel());
    } catch (RuntimeException e) {
      old.renewing = false;
      throw e;
    }
    timer.schedule(
        () -> old.close("renewed"), settings.overlap().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A dead or closed socket: its channel again if it still exists, else a new one. */
  private void replace(Connection dead, boolean channelGone) {
    if (closed) return;
    if (failures > 0) {
      long backoff = Math.min(30_000, 500L << Math.min(6, failures));
      if (dead != null
          && dead.lastHeard.get() + TimeUnit.MILLISECONDS.toNanos(backoff) > System.nanoTime())
        return;
    }
    if (dead != null) dead.close("silent");
    ChannelInfo channel =
        dead != null && !channelGone && exists(dead.channel) ? dead.channel : newChannel();
    current = connect(channel);
    reconnects.incrementAndGet();
  }

  private void received(Connection from, String text) {
    JsonNode m = api.json().readTree(text);
    String topic = m.path("topicName").asString("");
    if (topic.equals("channel.metadata")) {
      if ("pong".equals(m.path("eventBody").path("message").asString(null)))
        from.held.complete(null);
      return;
    }
    if (topic.equals("v2.system.socket_closing")) {
      Connection c = current;
      timer.execute(() -> {
        try {
          renew(c);
        } catch (RuntimeException e) {
          failures++;
        }
      });
      return;
    }
    // The same event on the old and the new socket during an overlap is the same text.
    String key = digest(text);
    synchronized (recent) {
      if (recent.put(key, Boolean.TRUE) != null) {
        duplicates.incrementAndGet();
        return;
      }
    }
    var event =
        new NotificationEvent(
            topic,
            m.path("eventBody"),
            m.path("metadata").path("CorrelationId").asString(null),
            api.json());
    while (buffer.size() >= settings.buffer()) {
      if (buffer.pollFirst() != null) dropped.incrementAndGet();
    }
    buffer.add(event);
  }

  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One socket on one channel. */
  private final class Connection implements WebSocket.Listener {
    final ChannelInfo channel;
    final AtomicLong lastHeard = new AtomicLong(System.nanoTime());
    final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Completed by the first pong: the server holds this socket and delivers its topics. */
    final CompletableFuture<Void> held = new CompletableFuture<>();

    volatile WebSocket socket;
    volatile int closeCode;
    volatile boolean renewing;

    Connection(ChannelInfo channel) {
      this.channel = channel;
    }

    boolean isDead() {
      return done.isDone() || System.nanoTime() - lastHeard.get() > settings.silence().toNanos();
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      lastHeard.set(System.nanoTime());
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          received(this, text);
        } catch (RuntimeException e) {
          // A message we cannot read is skipped; the socket stays.
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closeCode = code;
      done.complete(null);
      if (!closed && current == this) timer.execute(NotificationsClient.this::watch);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      done.complete(null);
      if (!closed && current == this) timer.execute(NotificationsClient.this::watch);
    }

    void close(String why) {
      done.complete(null);
      WebSocket s = socket;
      if (s == null) return;
      try {
        s.sendClose(WebSocket.NORMAL_CLOSURE, why).orTimeout(2, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
        // Already closed.
      }
      s.abort();
    }
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    Connection c = current;
    if (c != null) c.close("client closed");
    http.close();
  }
}

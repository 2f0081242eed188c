package io.switchboard.server.notifications;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.Correlation;
import io.switchboard.server.http.Requests;
import io.switchboard.server.identity.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Channels, their subscriptions and the publishing of events to them (the {@link Notifier} every
 * feature uses). Channels and topics are in the database, so any node can serve any channel; the
 * socket is held by the node it connected to, and nodes tell each other about events, takeovers,
 * subscription changes and closed channels through the {@link Fanout}.
 */
public final class NotificationService implements Notifier, ClusterSignals, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationService.class);

  /** A subscription's outcome as Genesys's ChannelTopic: {@code Permitted} or {@code Rejected}. */
  public record TopicState(String id, String state, String rejectionReason) {}

  private final ChannelStore store;
  private final Topics topics;
  private final NotificationsConfig config;
  private final JsonMapper mapper;
  private final Jdbi jdbi;
  private final Clock clock;
  private final Fanout fanout;
  private final SocketHub hub;
  private final String node = UUID.randomUUID().toString();
  private final java.util.concurrent.ConcurrentHashMap<String, ClusterSignals.Listener> signals =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ExecutorService reloads =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("notifications-reload").factory());
  private final ScheduledExecutorService purger =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("notifications-purge").factory());

  public NotificationService(
      ChannelStore store,
      Topics topics,
      NotificationsConfig config,
      JsonMapper mapper,
      Jdbi jdbi,
      Clock clock,
      boolean postgres) {
    this.store = store;
    this.topics = topics;
    this.config = config;
    this.mapper = mapper;
    this.jdbi = jdbi;
    this.clock = clock;
    this.hub = new SocketHub(config, clock);
    // Redis when configured; else PostgreSQL's LISTEN/NOTIFY when the nodes share a PostgreSQL;
    // else this node alone (the embedded H2 is one node's).
    this.fanout =
        config.redisUrl() != null
            ? new RedisFanout(config, mapper)
            : postgres ? new PostgresFanout(jdbi, mapper, clock) : Fanout.none();
    fanout.start(this::received, this::resubscribed);
    long every = Math.max(1, Math.min(60, config.channelLife().toSeconds() / 2));
    purger.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.SECONDS);
    log.info("notifications: channels in the database, fan-out between nodes: {}", fanout.name());
  }

  public Topics topics() {
    return topics;
  }

  public NotificationsConfig config() {
    return config;
  }

  // ---- channels

  /**
   * Who owns a channel: the OAuth client, or for a signed-in user's token the user (as at Genesys,
   * whose limit is per user and app), so that the agents of one sign-in client (the pages) do not
   * evict each other's channels. Both are ids of 36 characters, the column's width.
   */
  private static String owner(Principal p) {
    return p.isUser() ? p.userId() : p.clientId();
  }

  /** A new channel of the caller; beyond 20, the caller's oldest channel is closed and deleted. */
  public Channel create(Principal p) {
    Instant now = clock.instant();
    var channel =
        new Channel(
            UUID.randomUUID().toString(),
            p.orgId(),
            owner(p),
            p.tokenId(),
            now,
            now.plus(config.channelLife()));
    List<String> evicted = store.insertKeepingNewest(channel, config.maxChannels());
    for (String id : evicted) {
      String reason =
          "Channel closed: its client opened more than " + config.maxChannels() + " channels";
      hub.close(id, SocketHub.CLOSE_EVICTED, reason);
      fanout.send(Envelope.control(Envelope.CLOSED, node, id, null, reason));
    }
    return channel;
  }

  /**
   * The caller's live channels: with {@code allTokens} every one its owner made (Genesys's {@code
   * includechannels=oauthclient}), else those this access token made ({@code token}, the default).
   */
  public List<Channel> list(Principal p, boolean allTokens) {
    return store.list(p.orgId(), owner(p), allTokens ? null : p.tokenId(), clock.instant());
  }

  /** The caller's live channel; 404 for another client's, another org's or an expired one. */
  public Channel owned(Principal p, String id) {
    return store
        .find(id)
        .filter(c -> c.orgId().equals(p.orgId()) && c.clientId().equals(owner(p)))
        .filter(c -> c.expiresAt().isAfter(clock.instant()))
        .orElseThrow(() -> Problem.notFound("Channel", id));
  }

  // ---- subscriptions

  public List<TopicState> subscriptions(Principal p, String channelId) {
    owned(p, channelId);
    return store.topics(channelId).stream().map(t -> new TopicState(t, "Permitted", null)).toList();
  }

  /**
   * PUT ({@code replace}) or POST. With {@code ignoreErrors} the permitted topics are stored and
   * the rejected ones answered with their reason; without it (Genesys's default) one rejected topic
   * is a 400 naming it and nothing changes. More than 1,000 topics on the channel is 400 and
   * nothing changes.
   */
  public List<TopicState> subscribe(
      Principal p,
      String channelId,
      List<String> requested,
      boolean replace,
      boolean ignoreErrors) {
    owned(p, channelId);
    var answer = new ArrayList<TopicState>();
    var permitted = new LinkedHashSet<String>();
    var refused = new ArrayList<TopicState>();
    for (String t : requested) {
      Topics.Verdict v = topics.check(p, t);
      if (v.permitted()) {
        if (permitted.add(t)) answer.add(new TopicState(t, "Permitted", null));
      } else {
        var state = new TopicState(t, "Rejected", v.reason());
        answer.add(state);
        refused.add(state);
      }
    }
    if (!ignoreErrors && !refused.isEmpty()) throw rejected(refused);
    List<String> after =
        store
            .changeTopics(
                channelId,
                clock.instant(),
                current -> {
                  var next = new LinkedHashSet<String>(replace ? List.of() : current);
                  next.addAll(permitted);
                  if (next.size() > config.maxTopics()) throw tooManyTopics(next.size());
                  return List.copyOf(next);
                })
            .orElseThrow(() -> Problem.notFound("Channel", channelId));
    topicsChanged(channelId, after);
    return answer;
  }

  /** DELETE: the channel keeps no topic. */
  public void unsubscribeAll(Principal p, String channelId) {
    owned(p, channelId);
    List<String> after =
        store
            .changeTopics(channelId, clock.instant(), current -> List.of())
            .orElseThrow(() -> Problem.notFound("Channel", channelId));
    topicsChanged(channelId, after);
  }

  /** The request's refused topics (the first three named), when it did not ask to ignore them. */
  private static Problem rejected(List<TopicState> refused) {
    var named = new ArrayList<String>();
    for (TopicState s : refused.subList(0, Math.min(3, refused.size())))
      named.add(Requests.quoted(s.id()) + " (" + s.rejectionReason() + ")");
    return new Problem(
        Problem.Kind.INVALID,
        "notifications.topic.rejected",
        refused.size()
            + (refused.size() == 1 ? " topic was" : " topics were")
            + " refused, so none was subscribed: "
            + String.join("; ", named)
            + (refused.size() > 3 ? "; ..." : "")
            + ". With ignoreErrors=true the permitted ones are subscribed and each topic's state"
            + " answered.",
        Map.of("rejected", refused.size()));
  }

  private Problem tooManyTopics(int wanted) {
    return new Problem(
        Problem.Kind.INVALID,
        "notifications.topic.limit",
        "A channel holds at most "
            + config.maxTopics()
            + " topics; this change would make it "
            + wanted,
        Map.of("limit", config.maxTopics(), "requested", wanted));
  }

  private void topicsChanged(String channelId, List<String> after) {
    hub.retopic(channelId, after);
    fanout.send(Envelope.control(Envelope.TOPICS, node, channelId, null, null));
  }

  // ---- sockets

  /**
   * A socket for {@code channelId} arrived on this node: it takes the channel over from any other
   * connection, here or on another node. Null when the channel is unknown or expired.
   */
  SocketHub.Socket connect(String channelId, Outlet outlet) {
    Channel c =
        store.find(channelId).filter(x -> x.expiresAt().isAfter(clock.instant())).orElse(null);
    if (c == null) return null;
    SocketHub.Socket socket = hub.connect(c, store.topics(channelId), outlet);
    // A subscription committed while this socket was being registered: read the topics again.
    hub.retopic(channelId, store.topics(channelId));
    // The connection time travels in the sequence field: the older connection of two goes.
    fanout.send(
        new Envelope(
            Envelope.CONNECTED,
            node,
            null,
            null,
            null,
            null,
            null,
            socket.connectedAt,
            channelId,
            socket.connection,
            null));
    return socket;
  }

  SocketHub hub() {
    return hub;
  }

  // ---- publishing

  @Override
  public String correlationId() {
    return Correlation.current();
  }

  @Override
  public void publish(Notification n) {
    String body = mapper.writeValueAsString(n.body());
    var e =
        Envelope.event(
            node, n.orgId(), n.topic(), body, n.correlationId(), n.entity(), n.sequence());
    afterCommit(() -> {
      hub.dispatch(e);
      fanout.send(e);
    });
  }

  /**
   * Runs {@code send} after the commit of the thread's open transaction, if it has one (the handle
   * JDBI would hand a nested call); without one the change is committed already. No connection is
   * taken here.
   */
  private void afterCommit(Runnable send) {
    org.jdbi.v3.core.extension.HandleSupplier open = jdbi.getHandleScope().get();
    org.jdbi.v3.core.Handle h = open == null ? null : open.getHandle();
    if (h != null && h.isInTransaction()) h.afterCommit(send);
    else send.run();
  }

  // ---- cluster signals (caches of other features)

  @Override
  public void listen(String topic, ClusterSignals.Listener listener) {
    signals.put(topic, listener);
  }

  @Override
  public void changed(String topic, String key) {
    var e = Envelope.signal(node, topic, key);
    afterCommit(() -> {
      ClusterSignals.Listener l = signals.get(topic);
      if (l != null) l.changed(key);
      fanout.send(e);
    });
  }

  private void resubscribed() {
    for (ClusterSignals.Listener l : signals.values()) {
      try {
        l.missedSome();
      } catch (RuntimeException ex) {
        log.warn("a cluster-signal listener failed: {}", ex.toString());
      }
    }
  }

  private void received(Envelope e) {
    if (node.equals(e.node())) return;
    switch (e.kind()) {
      case Envelope.EVENT -> hub.dispatch(e);
      case Envelope.CONNECTED -> hub.takenOver(e.channelId(), e.connection(), e.sequence());
      case Envelope.CLOSED -> hub.close(e.channelId(), SocketHub.CLOSE_EVICTED, e.reason());
      case Envelope.SIGNAL -> {
        ClusterSignals.Listener l = signals.get(e.topic());
        if (l != null) l.changed(e.entity());
      }
      case Envelope.TOPICS -> {
        if (hub.socket(e.channelId()) != null)
          // One at a time, each reading what is committed: the last reload is the latest state.
          reloads.execute(() -> hub.retopic(e.channelId(), store.topics(e.channelId())));
      }
      default -> log.debug("ignoring notification envelope of kind {}", e.kind());
    }
  }

  private void purge() {
    try {
      for (String id : store.deleteExpired(clock.instant()))
        hub.close(id, SocketHub.CLOSE_EXPIRED, SocketHub.EXPIRED);
    } catch (RuntimeException e) {
      log.warn("purging expired notification channels failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    purger.shutdownNow();
    reloads.shutdownNow();
    hub.close();
    fanout.close();
  }
}

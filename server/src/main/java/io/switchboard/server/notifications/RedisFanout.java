package io.switchboard.server.notifications;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis pub/sub between the nodes: every node publishes its envelopes on one channel and subscribes
 * to it. Redis pub/sub is at most once (a node disconnected while an envelope is published never
 * sees it; Lettuce reconnects and resubscribes) and keeps the order of one publisher's messages,
 * which is one node's commit order per entity.
 */
final class RedisFanout implements Fanout {
  private static final Logger log = LoggerFactory.getLogger(RedisFanout.class);

  private final RedisClient client;
  private final String channel;
  private final JsonMapper mapper;
  private volatile StatefulRedisConnection<String, String> publisher;
  private volatile StatefulRedisPubSubConnection<String, String> subscriber;
  private static final Duration RECONNECT_EVERY = Duration.ofSeconds(1);
  private final ScheduledExecutorService reconnector =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("notifications-redis-connect").factory());
  private volatile CompletableFuture<Void> reconnecting;

  RedisFanout(NotificationsConfig config, JsonMapper mapper) {
    this.channel = config.redisChannel();
    this.mapper = mapper;
    RedisURI uri = RedisURI.create(config.redisUrl());
    uri.setTimeout(Duration.ofSeconds(2));
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // While Redis is away events for other nodes are dropped, not queued without bound.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
  }

  /**
   * Connects the subscriber and the publisher. A node that cannot reach Redis now starts anyway
   * (its events stay on it) and keeps trying every second in the background: Lettuce reconnects
   * only connections it once made, so without this a node started during a Redis outage (or whose
   * first connect timed out on a busy machine) would stay out of the fan-out until restarted.
   */
  @Override
  public void start(Consumer<Envelope> receiver, Runnable resubscribed) {
    try {
      connect(receiver, resubscribed);
    } catch (RuntimeException e) {
      log.warn(
          "notifications: cannot reach Redis now ({}); events stay on this node, trying again every"
              + " second",
          e.toString());
      var again =
          RetryPolicy.<Void>builder()
              .handle(RuntimeException.class)
              .withDelay(RECONNECT_EVERY)
              .withMaxRetries(-1)
              .build();
      reconnecting =
          Failsafe.with(again)
              .with(reconnector)
              .runAsync(() -> {
                connect(receiver, resubscribed);
                log.info("notifications: connected to Redis; events reach the other nodes");
              });
    }
  }

  private void connect(Consumer<Envelope> receiver, Runnable resubscribed) {
    StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
    try {
      sub.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
              try {
                receiver.accept(mapper.readValue(message, Envelope.class));
              } catch (RuntimeException e) {
                log.warn("dropping a notification envelope that failed: {}", e.toString());
              }
            }

            @Override
            public void subscribed(String ch, long count) {
              // Also after Lettuce reconnected and resubscribed: what was published meanwhile is
              // lost.
              resubscribed.run();
            }
          });
      sub.sync().subscribe(channel);
      publisher = client.connect();
      subscriber = sub;
    } catch (RuntimeException e) {
      sub.close();
      throw e;
    }
  }

  @Override
  public void send(Envelope envelope) {
    StatefulRedisConnection<String, String> p = publisher;
    if (p == null) return;
    try {
      p.async()
          .publish(channel, mapper.writeValueAsString(envelope))
          .exceptionally(e -> {
            log.debug("notification envelope not published: {}", e.toString());
            return 0L;
          });
    } catch (RuntimeException e) {
      log.debug("notification envelope not published: {}", e.toString());
    }
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public void close() {
    var pending = reconnecting;
    if (pending != null) pending.cancel(true);
    reconnector.shutdownNow();
    try {
      if (subscriber != null) subscriber.close();
      if (publisher != null) publisher.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}

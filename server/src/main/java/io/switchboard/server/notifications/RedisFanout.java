package io.switchboard.server.notifications;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
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

  @Override
  public void start(Consumer<Envelope> receiver, Runnable resubscribed) {
    try {
      subscriber = client.connectPubSub();
      subscriber.addListener(
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
      subscriber.sync().subscribe(channel);
      publisher = client.connect();
    } catch (RuntimeException e) {
      // Start without the cluster rather than not at all; Lettuce reconnects connections it made.
      log.warn(
          "notifications: cannot reach Redis now ({}); events stay on this node", e.toString());
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
    try {
      if (subscriber != null) subscriber.close();
      if (publisher != null) publisher.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}

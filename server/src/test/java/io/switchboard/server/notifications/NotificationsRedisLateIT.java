package io.switchboard.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TestSocket;
import java.time.Clock;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes started while Redis is down (as after a Redis outage, or a first connect that timed out
 * on a busy machine): once Redis is up, events cross between them without a restart.
 */
class NotificationsRedisLateIT {
  @Test
  void nodesStartedWithoutRedisJoinTheFanOutWhenItComes() throws Exception {
    StorageConfig storage = TestDatabases.postgres();
    try (var redis = RedisServer.start()) {
      redis.kill(); // its port stays reserved for the restart below
      var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
      settings.put("limits.redis-url", redis.url());
      settings.put("limits.redis-key-prefix", "sbtest:" + UUID.randomUUID() + ":");
      settings.put("notifications.redis-channel", "sbtest:notifications:" + UUID.randomUUID());
      try (var node1 = TestServer.start(settings, storage, Clock.systemUTC());
          var node2 = TestServer.start(settings, storage, Clock.systemUTC())) {
        Api api1 = node1.api();
        Api api2 = node2.api();
        String token = api1.token(node1.newOrg());
        var fx = new Fixtures(api1, token);
        String script = fx.publishedScriptWithKeys(1);
        String conversation = fx.call(fx.user("Agent")).get("id").asString();
        String session = fx.session(script, conversation, null).get("id").asString();
        JsonNode channel = NotificationsIT.channelOn(api1, token);
        NotificationsIT.subscribeOn(
            api1, token, channel, "PUT", "v2.agent-scripting.sessions." + session);
        try (var socket = TestSocket.connect(channel.get("connectUri").asString())) {
          socket.awaitHeld();
          redis.restart();
          // Writes through node 2 reach node 1's socket only through Redis. Within 30 s of Redis
          // coming up one of them must arrive (the nodes try every second).
          JsonNode event = null;
          for (int n = 0; n < 30 && event == null; n++) {
            var r =
                api2.patch(
                    "/api/v2/agent-scripting/sessions/" + session,
                    token,
                    "{\"data\":{\"k0\":\"" + n + "\"}}",
                    "Content-Type",
                    "application/merge-patch+json");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            try {
              event = socket.next(1);
            } catch (AssertionError none) {
              // not yet: the nodes have not reconnected
            }
          }
          assertThat(event).as("an event written on node 2 on node 1's socket").isNotNull();
          assertThat(event.get("topicName").asString())
              .isEqualTo("v2.agent-scripting.sessions." + session);
        }
      }
    } finally {
      TestDatabases.drop(storage);
    }
  }
}

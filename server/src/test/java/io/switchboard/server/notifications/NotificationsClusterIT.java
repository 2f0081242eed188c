package io.switchboard.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TestSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one PostgreSQL and one Redis (the test's own): a channel made through one node is
 * connected on the other, and writes through either node reach it; takeovers and evictions cross
 * nodes too.
 */
class NotificationsClusterIT {
  static RedisServer redis;
  static StorageConfig storage;
  static TestServer node1;
  static TestServer node2;
  static Api api1;
  static Api api2;
  static String token;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    storage = TestDatabases.postgres();
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put("limits.redis-url", redis.url());
    settings.put("limits.redis-key-prefix", "sbtest:" + UUID.randomUUID() + ":");
    settings.put("limits.redis-timeout-millis", "5000");
    settings.put("notifications.redis-channel", "sbtest:notifications:" + UUID.randomUUID());
    settings.put("notifications.socket-queue", "100000");
    startNodes(settings);
  }

  static void startNodes(Map<String, String> settings) {
    node1 = TestServer.start(settings, storage, Clock.systemUTC());
    node2 = TestServer.start(settings, storage, Clock.systemUTC());
    api1 = node1.api();
    api2 = node2.api();
    token = api1.token(node1.newOrg());
    fx = new Fixtures(api1, token);
  }

  @AfterAll
  static void stop() {
    if (node2 != null) node2.close();
    if (node1 != null) node1.close();
    TestDatabases.drop(storage);
    if (redis != null) redis.close();
  }

  @Test
  void writesOnEitherNodeReachASocketOnTheOtherInVersionOrder() throws Exception {
    String script = fx.publishedScriptWithKeys(32);
    String conversation = fx.call(fx.user("Agent")).get("id").asString();
    String session = fx.session(script, conversation, null).get("id").asString();
    JsonNode channel = NotificationsIT.channelOn(api1, token);
    NotificationsIT.subscribeOn(
        api1, token, channel, "PUT", "v2.agent-scripting.sessions." + session);
    // The channel was made on node 1; its socket goes to node 2.
    String uri =
        channel
            .get("connectUri")
            .asString()
            .replace(":" + node1.port() + "/", ":" + node2.port() + "/");
    try (var socket = TestSocket.connect(uri)) {
      socket.awaitHeld();
      int writers = 32;
      int each = 5;
      Concurrently.run(
          writers,
          w -> {
            Api api = w % 2 == 0 ? api1 : api2;
            for (int n = 0; n < each; n++) {
              var r =
                  api.patch(
                      "/api/v2/agent-scripting/sessions/" + session,
                      token,
                      "{\"data\":{\"k" + w + "\":\"" + n + "\"}}",
                      "Content-Type",
                      "application/merge-patch+json");
              if (r.status() != 200) throw new AssertionError(r.toString());
            }
            return null;
          });
      long finalVersion = 1 + writers * each;
      var versions = new ArrayList<Long>();
      while (versions.isEmpty() || versions.getLast() < finalVersion)
        versions.add(socket.next(30).get("eventBody").get("version").asLong());
      assertThat(versions)
          .as("strictly increasing, never twice")
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(new HashSet<>(versions)).hasSameSizeAs(versions);
      // Node 1's events travel through Redis, node 2's do not: an event overtaken by a newer one
      // of the same session is skipped (documented); most arrive.
      assertThat(versions.size()).isGreaterThan(writers * each / 2);
      System.out.printf(
          getClass().getSimpleName() + ": %d of %d session events delivered, in order%n",
          versions.size(),
          writers * each);
    }
  }

  @Test
  void aSubscriptionMadeOnOneNodeReachesTheSocketOnTheOther() throws Exception {
    String agent = fx.user("Agent S");
    JsonNode channel = NotificationsIT.channelOn(api1, token);
    String uri =
        channel
            .get("connectUri")
            .asString()
            .replace(":" + node1.port() + "/", ":" + node2.port() + "/");
    try (var socket = TestSocket.connect(uri)) {
      socket.awaitHeld();
      NotificationsIT.subscribeOn(
          api1, token, channel, "POST", "v2.users." + agent + ".conversations");
      // The socket's node learns of the subscription through Redis: within moments, not at once.
      JsonNode event = null;
      for (int i = 0; i < 50 && event == null; i++) {
        new Fixtures(api1, token).call(agent);
        var got = socket.drain(200);
        if (!got.isEmpty()) event = got.getFirst();
      }
      assertThat(event).isNotNull();
      assertThat(event.get("topicName").asString())
          .isEqualTo("v2.users." + agent + ".conversations");
    }
  }

  @Test
  void takeoverAndEvictionCrossNodes() throws Exception {
    var client =
        api1.post("/api/v2/oauth/clients", token, "{\"name\":\"c\",\"scope\":[\"notifications\"]}");
    String tok =
        api1.token(client.json().get("id").asString(), client.json().get("secret").asString());
    JsonNode channel = NotificationsIT.channelOn(api1, tok);
    String on1 = channel.get("connectUri").asString();
    String on2 = on1.replace(":" + node1.port() + "/", ":" + node2.port() + "/");
    try (var first = TestSocket.connect(on1)) {
      // Node 1 answers a ping once it holds the socket: only then is the second connection the
      // newer one (the nodes order connections by when they took them, not by the handshakes).
      first.awaitHeld();
      try (var second = TestSocket.connect(on2)) {
        assertThat(first.awaitClose(10).code()).isEqualTo(4000);
        for (int i = 0; i < 20; i++) NotificationsIT.channelOn(api1, tok);
        var closed = second.awaitClose(10);
        assertThat(closed.code()).isEqualTo(4001);
      }
    }
  }
}

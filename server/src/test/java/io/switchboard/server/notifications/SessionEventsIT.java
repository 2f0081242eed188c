package io.switchboard.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TestSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Session events under 64 concurrent writers (group commit): every committed write is announced
 * once, in version order per session, with the correlation id of the request that made it.
 */
class SessionEventsIT {
  static final int WRITERS = 64;
  static final int WRITES_EACH = 8;
  static final int SESSIONS = 4;
  static TestServer server;
  static Api api;
  static String token;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put("notifications.socket-queue", "100000");
    server = TestServer.start(settings);
    api = server.api();
    token = api.token(server.newOrg());
    fx = new Fixtures(api, token);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void sixtyFourWritersEventsArriveOnceInVersionOrderWithTheirCorrelationIds() throws Exception {
    String script = fx.publishedScriptWithKeys(WRITERS);
    String conversation = fx.call(fx.user("Agent")).get("id").asString();
    var sessions = new ArrayList<String>();
    for (int s = 0; s < SESSIONS; s++)
      sessions.add(fx.session(script, conversation, null).get("id").asString());
    JsonNode channel = NotificationsIT.channelOn(api, token);
    var topics =
        sessions.stream().map(id -> "v2.agent-scripting.sessions." + id).toArray(String[]::new);
    JsonNode answer = NotificationsIT.subscribeOn(api, token, channel, "PUT", topics);
    answer.forEach(t -> assertThat(t.get("state").asString()).isEqualTo("Permitted"));

    try (var socket = TestSocket.connect(channel.get("connectUri").asString())) {
      socket.awaitHeld();
      // Each writer patches every session in turn; each request has its own correlation id.
      List<Map<String, Long>> written =
          Concurrently.run(
              WRITERS,
              w -> {
                var mine = new HashMap<String, Long>();
                for (int n = 0; n < WRITES_EACH; n++) {
                  String session = sessions.get((w + n) % SESSIONS);
                  String correlation = "w" + w + "-n" + n;
                  var r =
                      api.patch(
                          "/api/v2/agent-scripting/sessions/" + session,
                          token,
                          "{\"data\":{\"k" + w + "\":\"" + n + "\"}}",
                          "Content-Type",
                          "application/merge-patch+json",
                          "ININ-Correlation-Id",
                          correlation);
                  if (r.status() != 200) throw new AssertionError(r.toString());
                  mine.put(correlation, r.json().get("version").asLong());
                }
                return mine;
              });
      var expected = new HashMap<String, Long>();
      written.forEach(expected::putAll);
      int total = WRITERS * WRITES_EACH;

      var received = new ArrayList<JsonNode>();
      while (received.size() < total) received.add(socket.next(30));
      assertThat(socket.drain(500)).as("nothing twice, nothing more").isEmpty();

      var lastVersion = new HashMap<String, Long>();
      var seen = new HashMap<String, Long>();
      for (JsonNode e : received) {
        String session = e.get("eventBody").get("id").asString();
        long version = e.get("eventBody").get("version").asLong();
        assertThat(e.get("topicName").asString())
            .isEqualTo("v2.agent-scripting.sessions." + session);
        Long last = lastVersion.put(session, version);
        if (last != null) assertThat(version).as("versions of " + session).isEqualTo(last + 1);
        seen.put(e.get("metadata").get("CorrelationId").asString(), version);
      }
      // Every write's event carries its own request's correlation id and the version it answered.
      assertThat(seen).isEqualTo(expected);
      for (String s : sessions)
        assertThat(lastVersion.get(s)).isEqualTo(1L + (long) total / SESSIONS);
    }
  }

  @Test
  void aWrapUpThatCompletesTheSessionAnnouncesIt() throws Exception {
    String script = fx.publishedScriptWithKeys(1);
    String agent = fx.user("Agent W");
    JsonNode call = fx.call(agent);
    String conversation = call.get("id").asString();
    String session = fx.session(script, conversation, null).get("id").asString();
    JsonNode channel = NotificationsIT.channelOn(api, token);
    NotificationsIT.subscribeOn(
        api, token, channel, "PUT", "v2.agent-scripting.sessions." + session);
    try (var socket = TestSocket.connect(channel.get("connectUri").asString())) {
      socket.awaitHeld();
      String participant = Fixtures.agentOf(call).get("id").asString();
      var r =
          api.patch(
              "/api/v2/conversations/" + conversation + "/participants/" + participant,
              token,
              "{\"state\":\"disconnected\",\"wrapup\":{\"code\":\""
                  + fx.wrapupCode("Done")
                  + "\"}}",
              "ININ-Correlation-Id",
              "corr-wrapup-session");
      assertThat(r.status()).as(r.toString()).isBetween(200, 204);
      JsonNode e = socket.next(10);
      assertThat(e.get("eventBody").get("state").asString()).isEqualTo("completed");
      assertThat(e.get("eventBody").get("version").asLong()).isEqualTo(2);
      assertThat(e.get("metadata").get("CorrelationId").asString())
          .isEqualTo("corr-wrapup-session");
    }
  }
}

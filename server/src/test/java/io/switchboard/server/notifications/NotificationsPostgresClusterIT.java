package io.switchboard.server.notifications;

import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.util.HashMap;
import org.junit.jupiter.api.BeforeAll;

/** The same cases without Redis: the two nodes talk through PostgreSQL's LISTEN/NOTIFY. */
class NotificationsPostgresClusterIT extends NotificationsClusterIT {
  @BeforeAll
  static void start() {
    storage = TestDatabases.postgres();
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put("notifications.socket-queue", "100000");
    startNodes(settings);
  }

  @org.junit.jupiter.api.Test
  void anEventTooLargeForANotifyPayloadCrossesNodesWhole() throws Exception {
    String script = fx.publishedScriptWithKeys(2);
    String conversation = fx.call(fx.user("Agent L")).get("id").asString();
    String session = fx.session(script, conversation, null).get("id").asString();
    var channel = NotificationsIT.channelOn(api1, token);
    NotificationsIT.subscribeOn(
        api1, token, channel, "PUT", "v2.agent-scripting.sessions." + session);
    String uri =
        channel
            .get("connectUri")
            .asString()
            .replace(":" + node1.port() + "/", ":" + node2.port() + "/");
    try (var socket = io.switchboard.server.testing.TestSocket.connect(uri)) {
      // The server holds the socket before the patch: a handshake done on our side is not yet
      // a registered socket, and an event published in between is not its (seen once).
      socket.awaitHeld();
      String big = "x".repeat(20_000);
      var r =
          api1.patch(
              "/api/v2/agent-scripting/sessions/" + session,
              token,
              "{\"data\":{\"k0\":\"" + big + "\"}}",
              "Content-Type",
              "application/merge-patch+json");
      org.assertj.core.api.Assertions.assertThat(r.status()).isEqualTo(200);
      // The session's creation may still be on its way (its event has no data): wait for the
      // patch's.
      var e = socket.next(15, m -> m.path("eventBody").path("data").has("k0"));
      org.assertj.core.api.Assertions.assertThat(
              e.get("eventBody").get("data").get("k0").asString())
          .isEqualTo(big);
    }
  }
}

package io.switchboard.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TestSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A channel's life, shortened by the test setting: the closing notice, then the close. */
class ChannelExpiryIT {
  @Test
  void aChannelWarnsThenClosesAtExpiryAndIsGone() throws Exception {
    try (var server =
        TestServer.start(
            Map.of(
                "notifications.channel-life-seconds", "3",
                "notifications.closing-notice-seconds", "1"))) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      JsonNode channel = NotificationsIT.channelOn(api, token);
      try (var socket = TestSocket.connect(channel.get("connectUri").asString())) {
        long start = System.nanoTime();
        JsonNode closing = socket.next(10);
        assertThat(closing.get("topicName").asString()).isEqualTo("v2.system.socket_closing");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(1000);
        var closed = socket.awaitClose(10);
        assertThat(closed.code()).isEqualTo(4002);
        assertThat(closed.reason()).isEqualTo("Channel expired");
      }
      String id = channel.get("id").asString();
      assertThat(api.raw("HEAD", "/api/v2/notifications/channels/" + id, token, null).status())
          .isEqualTo(404);
      // An expired channel cannot be connected again.
      try (var again = TestSocket.connect(channel.get("connectUri").asString())) {
        assertThat(again.awaitClose(10).code()).isEqualTo(4004);
      }
    }
  }
}

package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notifications client against a real server whose channels live 6 s: typed events, renewal
 * before expiry with an overlap and no duplicate, replacement after a takeover.
 */
class NotificationsClientIT {
  static TestServer server;
  static Scenario scenario;
  static String scriptId;
  static final NotificationSettings FAST =
      new NotificationSettings(
          Duration.ofMillis(300),
          Duration.ofSeconds(3),
          Duration.ofSeconds(3),
          Duration.ofSeconds(1),
          10_000);

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "notifications.channel-life-seconds", "6",
                "notifications.closing-notice-seconds", "2",
                "notifications.heartbeat-millis", "500",
                "limits.client.credentials.token.rate.per.minute", "0"));
    scenario = Scenario.in(server);
    scriptId = scenario.publishedScript();
  }

  @AfterAll
  static void stop() {
    scenario.close();
    server.close();
  }

  static Session newSession() {
    return scenario
        .admin()
        .sessions()
        .create(new NewSession(scriptId, scenario.call(null).id(), null, Map.of("name", "Ada")));
  }

  @Test
  void eventsArriveTypedWithTheirCorrelationIds() throws Exception {
    Session s = newSession();
    String topic = "v2.agent-scripting.sessions." + s.id();
    try (var notifications = NotificationsClient.open(scenario.admin(), List.of(topic), FAST)) {
      scenario.admin().sessions().patch(s.id(), Map.of("note", "hello"));
      NotificationEvent e = notifications.next(Duration.ofSeconds(10));
      assertThat(e).isNotNull();
      assertThat(e.topicName()).isEqualTo(topic);
      assertThat(e.correlationId()).isNotBlank();
      Session body = e.bodyAs(Session.class);
      assertThat(body.version()).isEqualTo(2);
      assertThat(body.data()).containsEntry("note", "hello");
    }
  }

  @Test
  void aWriteRightAfterOpenReturnsIsDelivered() throws Exception {
    // open promises a subscribed and connected channel: the server must already hold the socket,
    // else the event of a write made at once is published to no one. Many tries widen the window.
    for (int i = 0; i < 25; i++) {
      Session s = newSession();
      String topic = "v2.agent-scripting.sessions." + s.id();
      try (var notifications = NotificationsClient.open(scenario.admin(), List.of(topic), FAST)) {
        long version =
            scenario.admin().sessions().patch(s.id(), Map.of("note", "at once")).version();
        NotificationEvent e = notifications.next(Duration.ofSeconds(5));
        assertThat(e).as("the event of the write made right after open (try %d)", i).isNotNull();
        assertThat(e.bodyAs(Session.class).version()).isEqualTo(version);
      }
    }
  }

  @Test
  void aRejectedTopicFailsTheOpenWithTheServersReason() {
    assertThatThrownBy(() ->
            NotificationsClient.open(
                scenario.admin(),
                List.of("v2.agent-scripting.sessions." + UUID.randomUUID()),
                FAST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no such entity");
  }

  @Test
  void theChannelIsRenewedBeforeExpiryWithoutLosingOrRepeatingAnEvent() throws Exception {
    Session s = newSession();
    String topic = "v2.agent-scripting.sessions." + s.id();
    try (var notifications = NotificationsClient.open(scenario.admin(), List.of(topic), FAST)) {
      String first = notifications.channelId();
      var writing = new AtomicBoolean(true);
      var writes = new ArrayList<Long>();
      Thread writer =
          Thread.ofVirtual()
              .start(() -> {
                int i = 0;
                while (writing.get()) {
                  writes.add(
                      scenario
                          .admin()
                          .sessions()
                          .patch(s.id(), Map.of("note", "n" + i++))
                          .version());
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      // Through at least one renewal (the channel lives 6 s, renewal starts 3 s before).
      Thread.sleep(9_000);
      writing.set(false);
      writer.join();
      var versions = new ArrayList<Long>();
      NotificationEvent e;
      while ((e = notifications.next(Duration.ofSeconds(2))) != null)
        versions.add(e.bodyAs(Session.class).version());
      assertThat(notifications.channelId()).isNotEqualTo(first);
      assertThat(notifications.stats().channels()).isGreaterThanOrEqualTo(2);
      assertThat(new HashSet<>(versions)).as("never twice").hasSameSizeAs(versions);
      assertThat(versions).as("none lost").containsExactlyInAnyOrderElementsOf(writes);
    }
  }

  @Test
  void aSocketTakenOverIsReplacedByANewChannel() throws Exception {
    Session s = newSession();
    String topic = "v2.agent-scripting.sessions." + s.id();
    try (var notifications = NotificationsClient.open(scenario.admin(), List.of(topic), FAST)) {
      String first = notifications.channelId();
      // Someone else connects to the client's channel: the server closes the client's socket.
      var intruderClosed = new CompletableFuture<Integer>();
      WebSocket intruder =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + server.port() + "/channels/" + first),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                      intruderClosed.complete(code);
                      return null;
                    }
                  })
              .join();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (notifications.channelId().equals(first) && System.nanoTime() < deadline)
        Thread.sleep(50);
      assertThat(notifications.channelId()).isNotEqualTo(first);
      assertThat(notifications.stats().reconnects()).isPositive();
      scenario.admin().sessions().patch(s.id(), Map.of("note", "after"));
      NotificationEvent e = notifications.next(Duration.ofSeconds(10));
      assertThat(e).isNotNull();
      assertThat(e.bodyAs(Session.class).data()).containsEntry("note", "after");
      intruder.abort();
    }
  }
}

package io.switchboard.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SocketHubTest {
  static final NotificationsConfig CONFIG =
      new NotificationsConfig(
          Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofHours(1), 3, 20, 1000, null, "x");

  @Test
  void aReaderThatCannotKeepUpIsClosedAndTheWriterNeverWaits() throws Exception {
    var blocked = new CountDownLatch(1);
    var closedWith = new AtomicReference<String>();
    Outlet stuck =
        new Outlet() {
          @Override
          public void send(String text) throws Exception {
            blocked.await();
          }

          @Override
          public void close(int code, String reason) {
            closedWith.set(code + " " + reason);
          }
        };
    try (var hub = new SocketHub(CONFIG, Clock.systemUTC())) {
      var channel =
          new Channel(
              "c1", "org", "client", "token", Instant.now(), Instant.now().plusSeconds(3600));
      var socket = hub.connect(channel, List.of("t"), stuck);
      long start = System.nanoTime();
      for (int i = 0; i < 100; i++)
        hub.dispatch(Envelope.event("n", "org", "t", "{\"i\":" + i + "}", null, null, 0));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(socket.isClosed()).isTrue();
      assertThat(closedWith.get()).isEqualTo("1013 " + SocketHub.SLOW);
      assertThat(hub.slowClosed()).isEqualTo(1);
      assertThat(hub.size()).isZero();
      blocked.countDown();
    }
  }

  @Test
  void anEventPastAGapWaitsForItsPredecessorThenGivesUp() throws Exception {
    var got = new java.util.concurrent.LinkedBlockingQueue<String>();
    Outlet outlet =
        new Outlet() {
          @Override
          public void send(String text) {
            got.add(text);
          }

          @Override
          public void close(int code, String reason) {}
        };
    try (var hub = new SocketHub(CONFIG, Clock.systemUTC())) {
      Instant later = Instant.now().plusSeconds(3600);
      hub.connect(
          new Channel("a", "org", "c", "token", Instant.now(), later), List.of("t"), outlet);
      hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":1}", null, "e", 1));
      hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":3}", null, "e", 3));
      hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":2}", null, "e", 2));
      for (int v = 1; v <= 3; v++)
        assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS))
            .contains("{\"v\":" + v + "}");
      // 5 never comes: 6 goes out after the wait, and a late 5 is dropped.
      hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":4}", null, "e", 4));
      hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":6}", null, "e", 6));
      assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS)).contains("{\"v\":4}");
      assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS)).contains("{\"v\":6}");
      hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":5}", null, "e", 5));
      assertThat(got.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void anEventReachesOnlyItsOrgsSubscribersAndASupersededOneIsSkipped() throws Exception {
    var got = new java.util.concurrent.LinkedBlockingQueue<String>();
    var count = new AtomicInteger();
    Outlet outlet =
        new Outlet() {
          @Override
          public void send(String text) {
            count.incrementAndGet();
            got.add(text);
          }

          @Override
          public void close(int code, String reason) {}
        };
    try (var hub = new SocketHub(CONFIG, Clock.systemUTC())) {
      Instant later = Instant.now().plusSeconds(3600);
      hub.connect(
          new Channel("a", "orgA", "c", "token", Instant.now(), later), List.of("t"), outlet);
      hub.dispatch(Envelope.event("n", "orgB", "t", "{\"org\":\"B\"}", null, null, 0));
      hub.dispatch(Envelope.event("n", "orgA", "t", "{\"v\":2}", "cid", "e", 2));
      hub.dispatch(Envelope.event("n", "orgA", "t", "{\"v\":1}", "cid", "e", 1));
      hub.dispatch(Envelope.event("n", "orgA", "t", "{\"v\":3}", "cid", "e", 3));
      String first = got.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      String second = got.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first)
          .isEqualTo(
              "{\"topicName\":\"t\",\"version\":\"2\",\"eventBody\":{\"v\":2},\"metadata\":{\"CorrelationId\":\"cid\"}}");
      assertThat(second).contains("{\"v\":3}");
      assertThat(got.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aTakenOverSocketHearsItOnlyOnceTheNewOneIsSubscribed() throws Exception {
    var got = new java.util.concurrent.LinkedBlockingQueue<String>();
    Instant later = Instant.now().plusSeconds(3600);
    var channel = new Channel("a", "org", "c", "token", Instant.now(), later);
    try (var hub = new SocketHub(CONFIG, Clock.systemUTC())) {
      // The old socket's client reacts to the takeover at once: an event published the moment the
      // close goes out must reach the new socket.
      Outlet old =
          new Outlet() {
            @Override
            public void send(String text) {}

            @Override
            public void close(int code, String reason) {
              if (code == SocketHub.CLOSE_TAKEN_OVER)
                hub.dispatch(Envelope.event("n", "org", "t", "{\"v\":1}", null, null, 0));
            }
          };
      Outlet fresh =
          new Outlet() {
            @Override
            public void send(String text) {
              got.add(text);
            }

            @Override
            public void close(int code, String reason) {}
          };
      var first = hub.connect(channel, List.of("t"), old);
      var second = hub.connect(channel, List.of("t"), fresh);
      assertThat(first.isClosed()).isTrue();
      assertThat(hub.socket("a")).isSameAs(second);
      assertThat(got.poll(5, java.util.concurrent.TimeUnit.SECONDS)).contains("{\"v\":1}");
    }
  }
}

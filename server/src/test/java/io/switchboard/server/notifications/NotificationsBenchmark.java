package io.switchboard.server.notifications;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TestSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12's benchmark, run on purpose ({@code -Dtest=NotificationsBenchmark}): 1,000 sockets, each
 * subscribed to its own session's topic, and 64 writers patching those sessions for 20 s. Prints
 * events delivered per second against writes committed per second (the baseline of the same run),
 * the latency from a write's {@code modifiedDate} (set inside its transaction) to the event's
 * arrival at its socket, and the heap per idle socket (server and client ends, one JVM).
 */
class NotificationsBenchmark {
  static final int SOCKETS = Integer.getInteger("bench.sockets", 1000);
  static final int WRITERS = 64;
  static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));

  @Test
  void thousandSocketsSixtyFourWriters() throws Exception {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put("notifications.socket-queue", "10000");
    try (var server = TestServer.start(settings)) {
      Api api = server.api();
      TestServer.OrgAccess org = server.newOrg();
      String admin = api.token(org);
      var fx = new Fixtures(api, admin);
      String script = fx.publishedScriptWithKeys(WRITERS);
      String conversation = fx.call(fx.user("Agent")).get("id").asString();
      var sessions = new ArrayList<String>();
      for (int i = 0; i < SOCKETS; i++)
        sessions.add(fx.session(script, conversation, null).get("id").asString());

      // 20 channels per client: 50 clients for 1,000 sockets.
      var channels = new ArrayList<JsonNode>();
      String clientToken = null;
      for (int i = 0; i < SOCKETS; i++) {
        if (i % 20 == 0) {
          var c =
              api.post(
                  "/api/v2/oauth/clients",
                  admin,
                  "{\"name\":\"bench"
                      + i
                      + "\",\"scope\":[\"notifications\",\"agent-scripting\"]}");
          clientToken = api.token(c.json().get("id").asString(), c.json().get("secret").asString());
        }
        JsonNode channel = NotificationsIT.channelOn(api, clientToken);
        NotificationsIT.subscribeOn(
            api, clientToken, channel, "PUT", "v2.agent-scripting.sessions." + sessions.get(i));
        channels.add(channel);
      }

      // Baseline of the same run: the same writers with no socket open, after an unmeasured
      // warm-up.
      write(api, admin, sessions, Duration.ofSeconds(10));
      long baselineWrites = write(api, admin, sessions, RUN.dividedBy(2));
      double baselinePerSecond = baselineWrites / (RUN.toNanos() / 2 / 1e9);

      long heapBefore = usedHeap();
      var sockets = new ArrayList<TestSocket>();
      for (JsonNode c : channels) sockets.add(TestSocket.connect(c.get("connectUri").asString()));
      Thread.sleep(1000);
      long heapAfter = usedHeap();

      var latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
      var received = new AtomicLong();
      var stop = new AtomicBoolean();
      var readers = new ArrayList<Thread>();
      for (TestSocket s : sockets) {
        readers.add(
            Thread.ofVirtual()
                .start(() -> {
                  while (!stop.get() || !s.messages.isEmpty()) {
                    try {
                      JsonNode m = s.messages.poll(200, TimeUnit.MILLISECONDS);
                      if (m == null || TestSocket.isHeartbeat(m)) continue;
                      Instant at = Instant.parse(m.get("eventBody").get("modifiedDate").asString());
                      long micros = Duration.between(at, Instant.now()).toNanos() / 1000;
                      latency.recordValue(Math.max(0, micros));
                      received.incrementAndGet();
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }));
      }
      long start = System.nanoTime();
      var written = new AtomicLong(write(api, admin, sessions, RUN));
      double seconds = (System.nanoTime() - start) / 1e9;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (received.get() < written.get() && System.nanoTime() < deadline) Thread.sleep(50);
      stop.set(true);
      for (Thread t : readers) t.join();
      List<String> lines =
          List.of(
              String.format("sockets %d, writers %d, %.1f s", SOCKETS, WRITERS, seconds),
              String.format(
                  "baseline without sockets: %.0f writes/s; with sockets: %.0f writes/s, ratio"
                      + " %.2f",
                  baselinePerSecond,
                  written.get() / seconds,
                  (written.get() / seconds) / baselinePerSecond),
              String.format(
                  "writes committed %d (%.0f/s), events delivered %d (%.0f/s), ratio %.3f",
                  written.get(),
                  written.get() / seconds,
                  received.get(),
                  received.get() / seconds,
                  (double) received.get() / written.get()),
              String.format(
                  "modifiedDate -> socket: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                  latency.getValueAtPercentile(50) / 1000.0,
                  latency.getValueAtPercentile(99) / 1000.0,
                  latency.getMaxValue() / 1000.0),
              String.format(
                  "heap per idle socket (server and client ends): %.1f KiB",
                  (heapAfter - heapBefore) / 1024.0 / SOCKETS),
              String.format(
                  "sockets closed as slow: %d",
                  sockets.stream().filter(s -> s.closed.isDone()).count()));
      lines.forEach(l -> System.out.println("BENCH " + l));
      for (TestSocket s : sockets) s.close();
    }
  }

  /** 64 writers merge-patching random sessions for {@code run}; answers the writes committed. */
  private static long write(Api api, String token, List<String> sessions, Duration run)
      throws InterruptedException {
    var written = new AtomicLong();
    var writers = new ArrayList<Thread>();
    long end = System.nanoTime() + run.toNanos();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(
          Thread.ofVirtual()
              .start(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                  String s = sessions.get(ThreadLocalRandom.current().nextInt(sessions.size()));
                  var r =
                      api.patch(
                          "/api/v2/agent-scripting/sessions/" + s,
                          token,
                          "{\"data\":{\"k" + writer + "\":\"" + n++ + "\"}}",
                          "Content-Type",
                          "application/merge-patch+json");
                  if (r.status() == 200) written.incrementAndGet();
                }
              }));
    }
    for (Thread t : writers) t.join();
    return written.get();
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}

package io.switchboard.client;

import io.switchboard.client.LimitsApi.Limit;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The adaptive pacer measured (issue 17, BENCHMARKS.md): 20 writers (merge patches of their own
 * session) and 100 readers (script reads, uncached) share one client whose token may make 60
 * requests a minute (a full bucket of 60, then one a second); all 120 call at once, each call with
 * a 10 s deadline (retries and waits included), as an app's burst after a restart. Once with the
 * pacer, once without, in one run, against the real server on the real clock. Run on purpose:
 * {@code mvn -B -q -o -pl server,client package -Dtest=RateLimitPacingBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RateLimitPacingBenchmark {
  static final int WRITERS = 20;
  static final int READERS = 100;
  static final Duration DEADLINE = Duration.ofSeconds(10);

  record Result(
      long ok, long deadlineMisses, long throttledOut, long otherErrors, ClientStats stats) {}

  @Test
  void pacedVersusUnpaced() throws Exception {
    try (TestServer server = TestServer.start()) {
      Result unpaced = run(server, false);
      Result paced = run(server, true);
      System.out.printf(
          "%nRateLimitPacingBenchmark: %d writers + %d readers at once, 60/min per token, %d s"
              + " deadline%n",
          WRITERS, READERS, DEADLINE.toSeconds());
      System.out.printf(
          "| pacer | calls ok | failed: deadline | failed: 429 after 5 tries | other errors |"
              + " requests sent | 429s | paced waits | refused unsent |%n");
      print("off", unpaced);
      print("on", paced);
      System.out.printf(
          "ratios on/off: requests sent %.2f, 429s %.2f, ok %.2f%n",
          (double) paced.stats().requests() / unpaced.stats().requests(),
          unpaced.stats().throttled() == 0
              ? 0.0
              : (double) paced.stats().throttled() / unpaced.stats().throttled(),
          (double) paced.ok() / Math.max(1, unpaced.ok()));
    }
  }

  static void print(String mode, Result r) {
    System.out.printf(
        "| %s | %d | %d | %d | %d | %d | %d | %d | %d |%n",
        mode,
        r.ok(),
        r.deadlineMisses(),
        r.throttledOut(),
        r.otherErrors(),
        r.stats().requests(),
        r.stats().throttled(),
        r.stats().paced(),
        r.stats().pacerRefusals());
  }

  static Result run(TestServer server, boolean pacing) throws Exception {
    try (Scenario s = Scenario.in(server)) {
      String scriptId = s.publishedScript();
      var sessions = new ArrayList<String>();
      for (int i = 0; i < WRITERS; i++)
        sessions.add(
            s.admin()
                .sessions()
                .create(new NewSession(scriptId, s.call(null).id(), null, Map.of("name", "w")))
                .id());
      s.admin().limits().set(List.of(Limit.of(LimitsApi.TOKEN_RATE, 60L)));
      var ok = new LongAdder();
      var misses = new LongAdder();
      var throttledOut = new LongAdder();
      var other = new LongAdder();
      try (var client = s.clientBuilder(server).deadline(DEADLINE).rateLimitPacing(pacing).build();
          var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        var go = new CountDownLatch(1);
        var futures = new ArrayList<Future<?>>();
        for (int i = 0; i < WRITERS + READERS; i++) {
          int n = i;
          futures.add(
              pool.submit(() -> {
                go.await();
                try {
                  if (n < WRITERS) client.sessions().patch(sessions.get(n), Map.of("note", "w"));
                  else client.scripts().get(scriptId);
                  ok.increment();
                } catch (DeadlineExceededException e) {
                  misses.increment();
                } catch (ApiException.RateLimitedException e) {
                  throttledOut.increment();
                } catch (SwitchboardException e) {
                  other.increment();
                }
                return null;
              }));
        }
        go.countDown();
        for (var f : futures) f.get();
        return new Result(ok.sum(), misses.sum(), throttledOut.sum(), other.sum(), client.stats());
      }
    }
  }
}

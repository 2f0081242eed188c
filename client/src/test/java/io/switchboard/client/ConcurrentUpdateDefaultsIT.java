package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * 20 writers updating one session at once all succeed with the default update attempts (issue 17,
 * correctness 4: the old default of 10 failed 3 to 5 of 20).
 */
class ConcurrentUpdateDefaultsIT {
  static TestServer server;
  static Scenario scenario;
  static String scriptId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
    scriptId = scenario.publishedScript();
  }

  @AfterAll
  static void stop() {
    scenario.close();
    server.close();
  }

  @RepeatedTest(3)
  void twentyConcurrentWritersAllSucceedWithDefaults() throws Exception {
    // The default attempts are what is tested; the deadline only bounds the run. With the suite in
    // two
    // JVMs on two cores, the last of 20 writers (16 rounds of a read and a write) once needed more
    // than the default 10 s.
    try (var client =
        scenario.clientBuilder(server).deadline(java.time.Duration.ofSeconds(30)).build()) {
      Session s =
          client
              .sessions()
              .create(new NewSession(scriptId, scenario.call(null).id(), null, Map.of()));
      var rounds = new AtomicInteger();
      var mostRounds = new AtomicInteger();
      var outcomes =
          SessionsIT.together(
              20,
              () -> {
                var mine = new AtomicInteger();
                try {
                  client
                      .sessions()
                      .update(
                          s.id(),
                          data -> {
                            rounds.incrementAndGet();
                            mine.incrementAndGet();
                            data.put(
                                "counter",
                                ((Number) data.getOrDefault("counter", 0)).intValue() + 1);
                            return data;
                          });
                  return "returned";
                } catch (SwitchboardException e) {
                  return "threw " + e.getClass().getSimpleName();
                } finally {
                  mostRounds.accumulateAndGet(mine.get(), Math::max);
                }
              });
      System.out.printf(
          "20 writers: %d rounds in all, at most %d for one writer%n",
          rounds.get(), mostRounds.get());
      assertThat(outcomes).containsOnly("returned");
      assertThat(client.sessions().get(s.id()).data()).containsEntry("counter", 20);
    }
  }
}

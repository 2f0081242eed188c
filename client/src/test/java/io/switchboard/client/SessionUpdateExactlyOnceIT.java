package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code sessions().update} lands exactly once or fails: a retried write is never taken as landed
 * because the data happens to look like it (issue 17, correctness 1).
 */
class SessionUpdateExactlyOnceIT {
  static final String SESSIONS = "/api/v2/agent-scripting/sessions/";
  static TestServer server;
  static Scenario scenario;
  static FaultProxy proxy;
  static String scriptId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
    scriptId = scenario.publishedScript();
    proxy = FaultProxy.before(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    scenario.close();
    server.close();
  }

  @Test
  void incrementsUnder503sCountExactlyTheCallsThatReturned() throws Exception {
    try (var client = scenario.clientBuilder(server).baseUrl(proxy.baseUrl()).build()) {
      Session s =
          client
              .sessions()
              .create(new NewSession(scriptId, scenario.call(null).id(), null, Map.of()));
      var random = new Random(17);
      // 30 % of the session writes are answered 503 by the proxy (never reaching the server).
      proxy.inject(
          seen ->
              (seen.method().equals("PUT") || seen.method().equals("PATCH"))
                  && seen.path().startsWith(SESSIONS)
                  && nextBelow(random, 0.3),
          Fault.status(503),
          Integer.MAX_VALUE);
      try {
        var outcomes =
            SessionsIT.together(
                20,
                () -> {
                  try {
                    client
                        .sessions()
                        .update(
                            s.id(),
                            data -> {
                              data.put(
                                  "counter",
                                  ((Number) data.getOrDefault("counter", 0)).intValue() + 1);
                              return data;
                            });
                    return "returned";
                  } catch (SwitchboardException e) {
                    return "threw";
                  }
                });
        proxy.clearFaults();
        long returned = outcomes.stream().filter("returned"::equals).count();
        long threw = outcomes.stream().filter("threw"::equals).count();
        assertThat(returned + threw).isEqualTo(20);
        Object counter = client.sessions().get(s.id()).data().getOrDefault("counter", 0);
        System.out.printf(
            "20 increments under 503s: %d returned, %d threw, counter %s%n",
            returned, threw, counter);
        assertThat(((Number) counter).longValue())
            .as("the counter counts exactly the updates that returned (%d threw)", threw)
            .isEqualTo(returned);
      } finally {
        proxy.clearFaults();
      }
    }
  }

  @Test
  void aWriteWhoseAnswerWasLostIsNeverAppliedAgainButReportedAsUnknown() {
    try (var client = scenario.clientBuilder(server).baseUrl(proxy.baseUrl()).build()) {
      Session s =
          client
              .sessions()
              .create(new NewSession(scriptId, scenario.call(null).id(), null, Map.of()));
      // The PUT reaches the server and lands; its answer is lost, the resend meets 409.
      proxy.inject(
          seen -> seen.method().equals("PUT") && seen.path().startsWith(SESSIONS),
          Fault.dropAnswer(),
          1);
      var applied = new java.util.concurrent.atomic.AtomicInteger();
      try {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                client
                    .sessions()
                    .update(
                        s.id(),
                        data -> {
                          applied.incrementAndGet();
                          data.put("counter", 1);
                          return data;
                        }))
            .isInstanceOfSatisfying(
                OutcomeUnknownException.class,
                e -> {
                  assertThat(e.mayHaveLanded()).isTrue();
                  assertThat(e.attempts()).extracting(Attempt::status).containsExactly(0, 409);
                });
      } finally {
        proxy.clearFaults();
      }
      assertThat(applied).as("never applied a second time").hasValue(1);
      Session after = client.sessions().get(s.id());
      assertThat(after.version()).isEqualTo(s.version() + 1);
      assertThat(after.data()).containsEntry("counter", 1);
    }
  }

  private static boolean nextBelow(Random random, double p) {
    synchronized (random) {
      return random.nextDouble() < p;
    }
  }
}

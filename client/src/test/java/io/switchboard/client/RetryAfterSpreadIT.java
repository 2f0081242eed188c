package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Callers told {@code Retry-After} at the same moment wait at least that long but do not all come
 * back in the same instant (issue 17, correctness 5).
 */
class RetryAfterSpreadIT {
  static final String USERS = "/api/v2/users/";
  static TestServer server;
  static Scenario scenario;
  static FaultProxy proxy;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
    proxy = FaultProxy.before(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    scenario.close();
    server.close();
  }

  @Test
  void twentyThrottledCallersComeBackSpreadAndNeverEarly() throws Exception {
    Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
    // Records each arrival's time per path; never matches, so it injects nothing.
    proxy.inject(
        s -> {
          if (s.method().equals("GET") && s.path().startsWith(USERS))
            arrivals
                .computeIfAbsent(s.path(), p -> new CopyOnWriteArrayList<>())
                .add(System.nanoTime());
          return false;
        },
        Fault.status(500),
        Integer.MAX_VALUE);
    proxy.inject(
        s -> s.method().equals("GET") && s.path().startsWith(USERS), Fault.status(429, 1), 20);
    try (var client =
        scenario
            .clientBuilder(server)
            .baseUrl(proxy.baseUrl())
            .deadline(Duration.ofSeconds(10))
            .build()) {
      client.oauthClients().list(1, 1); // the token, outside the measured calls
      var index = new java.util.concurrent.atomic.AtomicInteger();
      SessionsIT.together(
          20,
          () -> {
            String id = "missing-" + index.getAndIncrement();
            try {
              client.users().get(id);
            } catch (ApiException.NotFoundException expected) {
              // the retry reached the server, which does not know the user
            }
            return null;
          });
    } finally {
      proxy.clearFaults();
    }
    assertThat(arrivals).hasSize(20);
    long firstLatest = Long.MIN_VALUE;
    long firstEarliest = Long.MAX_VALUE;
    long retryLatest = Long.MIN_VALUE;
    long retryEarliest = Long.MAX_VALUE;
    for (List<Long> times : arrivals.values()) {
      assertThat(times).hasSize(2);
      assertThat(Duration.ofNanos(times.get(1) - times.get(0)))
          .as("never back before Retry-After: 1")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      firstEarliest = Math.min(firstEarliest, times.get(0));
      firstLatest = Math.max(firstLatest, times.get(0));
      retryEarliest = Math.min(retryEarliest, times.get(1));
      retryLatest = Math.max(retryLatest, times.get(1));
    }
    Duration firstSpread = Duration.ofNanos(firstLatest - firstEarliest);
    Duration retrySpread = Duration.ofNanos(retryLatest - retryEarliest);
    System.out.printf("first tries within %s, retries within %s%n", firstSpread, retrySpread);
    assertThat(retrySpread)
        .as("the retries are spread, not a herd")
        .isGreaterThan(firstSpread.plusMillis(400));
  }
}

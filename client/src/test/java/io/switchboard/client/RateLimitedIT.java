package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.LimitsApi.Limit;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the server's real rate limiter: it waits at least as long as {@code
 * Retry-After} says when the deadline allows, gives up at once when it does not, and one org's
 * throttling leaves another's alone. The server's clock is frozen (buckets refill only when a test
 * moves it), so no token sneaks in unplanned. The clients here do not pace ({@code
 * rateLimitPacing(false)}): these tests are about meeting 429s, which the pacer avoids
 * (RateLimitPacingIT).
 */
class RateLimitedIT {
  static MutableClock serverClock;
  static TestServer server;

  @BeforeAll
  static void start() {
    serverClock = new MutableClock();
    server = TestServer.start(Map.of(), null, serverClock);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An org whose access tokens may make {@code perMinute} requests a minute. */
  static Scenario orgLimitedTo(long perMinute) {
    Scenario s = Scenario.in(server);
    s.admin().limits().set(List.of(Limit.of(LimitsApi.TOKEN_RATE, perMinute)));
    return s;
  }

  /**
   * Spends the token's bucket: calls until the server says 429 (the client does not retry here).
   */
  static void exhaust(SwitchboardClient client) {
    var noRetry = client.withDeadline(Duration.ofMillis(500));
    for (int i = 0; i < 200; i++) {
      try {
        noRetry.oauthClients().list(1, 1);
      } catch (DeadlineExceededException | ApiException.RateLimitedException e) {
        return;
      }
    }
    throw new AssertionError("never throttled");
  }

  @Test
  void retryAfterIsWaitedOutWhenTheDeadlineAllows() throws Exception {
    try (Scenario s = orgLimitedTo(60);
        var client =
            s.clientBuilder(server)
                .deadline(Duration.ofSeconds(8))
                .rateLimitPacing(false)
                .build()) {
      exhaust(client);
      long throttled = client.stats().throttled();
      // 60 a minute: a token every second, so Retry-After says 1. Once the client is waiting, a
      // second passes
      // on the server; the client's retry, one real second later, finds the token.
      var mover =
          Thread.ofVirtual()
              .start(() -> {
                long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (client.stats().throttled() == throttled && System.nanoTime() < giveUp)
                  java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                serverClock.advance(Duration.ofSeconds(1));
              });
      long start = System.nanoTime();
      assertThat(client.oauthClients().list(1, 1).total()).isPositive();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      mover.join();
      assertThat(client.stats().throttled()).isEqualTo(throttled + 1);
      assertThat(client.stats().retries()).isPositive();
      assertThat(took)
          .as("waited Retry-After: 1, no less")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1))
          .isLessThan(Duration.ofSeconds(8));
    }
  }

  @Test
  void aWaitPastTheDeadlineIsNotStarted() {
    try (Scenario s = orgLimitedTo(2);
        var client =
            s.clientBuilder(server)
                .deadline(Duration.ofSeconds(3))
                .rateLimitPacing(false)
                .build()) {
      exhaust(client);
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.oauthClients().list(1, 1))
          .isInstanceOfSatisfying(
              DeadlineExceededException.class,
              e -> {
                assertThat(e.attempts()).hasSize(1);
                assertThat(e.attempts().get(0).status()).isEqualTo(429);
                assertThat(e.attempts().get(0).code()).isEqualTo("too.many.requests");
                // 2 a minute: the next token is up to 30 s away, beyond the 3 s deadline.
                assertThat(e.attempts().get(0).waitAfter()).isGreaterThan(Duration.ofSeconds(3));
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void oneOrgsThrottlingNeverDelaysAnother() throws Exception {
    try (Scenario slow = orgLimitedTo(3);
        Scenario free = Scenario.in(server);
        var orgs =
            OrgClients.builder()
                .baseUrl(server.baseUrl())
                .configure((org, b) -> b.deadline(Duration.ofSeconds(30)).rateLimitPacing(false))
                .build();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      orgs.register(slow.org().orgId(), slow.org().clientId(), slow.org().clientSecret());
      orgs.register(free.org().orgId(), free.org().clientId(), free.org().clientSecret());
      var throttled = new ArrayList<CompletableFuture<Long>>();
      for (int i = 0; i < 10; i++)
        throttled.add(
            CompletableFuture.supplyAsync(
                () -> orgs.forOrg(slow.org().orgId()).oauthClients().list(1, 1).total(), pool));
      long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (orgs.forOrg(slow.org().orgId()).stats().throttled() < 7 && System.nanoTime() < giveUp)
        Thread.sleep(10);
      assertThat(orgs.forOrg(slow.org().orgId()).stats().throttled()).isGreaterThanOrEqualTo(7);

      for (int i = 0; i < 30; i++)
        assertThat(orgs.forOrg(free.org().orgId()).oauthClients().list(1, 1).total()).isEqualTo(1);
      assertThat(orgs.forOrg(free.org().orgId()).stats().throttled()).isZero();
      assertThat(orgs.forOrg(free.org().orgId()).stats().retries()).isZero();
      assertThat(throttled.stream().filter(f -> !f.isDone()).count())
          .as("org A's callers still waiting for their Retry-After")
          .isGreaterThanOrEqualTo(7);
      pool.shutdownNow(); // org A's callers are interrupted in their wait
    }
  }
}

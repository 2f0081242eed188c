package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.LimitsApi.Limit;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client-side pacer (issue 17, correctness 5) against the server's real limiter: a paced burst
 * waits its turn and meets no 429; an unpaced one meets one 429 per request beyond the bucket. The
 * server's clock is frozen (its buckets refill only when the test moves it), so the counts are
 * exact.
 */
class RateLimitPacingIT {
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

  static Scenario orgLimitedTo(long perMinute) {
    Scenario s = Scenario.in(server);
    s.admin().limits().set(List.of(Limit.of(LimitsApi.TOKEN_RATE, perMinute)));
    return s;
  }

  record Burst(int ok, int paced, int deadline, int other, ClientStats stats) {}

  /** One call to learn the bucket (and get the token), then 20 calls at once. */
  static Burst burst(SwitchboardClient client) throws Exception {
    client.oauthClients().list(1, 1);
    List<String> outcomes =
        SessionsIT.together(
            20,
            () -> {
              try {
                client.oauthClients().list(1, 1);
                return "ok";
              } catch (DeadlineExceededException e) {
                return e.attempts().isEmpty() ? "paced" : "deadline";
              } catch (SwitchboardException e) {
                return "other " + e;
              }
            });
    return new Burst(
        (int) outcomes.stream().filter("ok"::equals).count(),
        (int) outcomes.stream().filter("paced"::equals).count(),
        (int) outcomes.stream().filter("deadline"::equals).count(),
        (int) outcomes.stream().filter(o -> o.startsWith("other")).count(),
        client.stats());
  }

  @Test
  void aPacedBurstMeetsNo429AndSendsNothingBeyondTheBucket() throws Exception {
    // 10 a minute: 9 tokens left after the first call, the next one 6 s away: past the 2 s
    // deadline.
    try (Scenario s = orgLimitedTo(10);
        var client = s.clientBuilder(server).deadline(Duration.ofSeconds(2)).build()) {
      Burst b = burst(client);
      assertThat(b.other()).isZero();
      assertThat(b.stats().throttled()).as("429s").isZero();
      assertThat(b.deadline()).as("calls that were sent and then ran out of time").isZero();
      // Every call either went through or was refused here without sending; none beyond the 9
      // tokens left. (Answers that overtake each other may make the estimate lower than the
      // truth, never higher.)
      assertThat(b.ok()).isBetween(1, 9);
      assertThat(b.ok() + b.paced()).isEqualTo(20);
      assertThat(b.stats().pacerRefusals()).isEqualTo(b.paced());
      assertThat(b.stats().requests()).as("requests sent").isEqualTo(1 + b.ok());
    }
  }

  @Test
  void withoutThePacerTheSameBurstMeetsOne429PerRequestBeyondTheBucket() throws Exception {
    try (Scenario s = orgLimitedTo(10);
        var client =
            s.clientBuilder(server)
                .deadline(Duration.ofSeconds(2))
                .rateLimitPacing(false)
                .build()) {
      Burst b = burst(client);
      assertThat(b.other()).isZero();
      assertThat(b.ok()).isEqualTo(9);
      // Retry-After: 6 is past the deadline: each throttled call gives up after its one 429.
      assertThat(b.deadline()).isEqualTo(11);
      assertThat(b.stats().throttled()).as("429s").isEqualTo(11);
      assertThat(b.stats().requests()).as("requests sent").isEqualTo(21);
      assertThat(b.stats().pacerRefusals()).isZero();
    }
  }

  @Test
  void pacedCallersWaitTheirTurnsAndAllSucceedWithinTheirDeadlines() throws Exception {
    // 600 a minute: one token every 100 ms. After 600 calls spend the bucket, 10 callers at once
    // are spaced about 100 ms apart by the client, as the server moves its clock in step.
    try (Scenario s = orgLimitedTo(600);
        var client = s.clientBuilder(server).deadline(Duration.ofSeconds(5)).build()) {
      client.oauthClients().list(1, 1);
      for (int i = 0; i < 599; i++) client.oauthClients().list(1, 1);
      assertThat(client.stats().throttled()).isZero();
      var ticker =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(100);
                    serverClock.advance(Duration.ofMillis(100));
                  }
                } catch (InterruptedException done) {
                  // stopped
                }
              });
      try {
        List<Long> totals = SessionsIT.together(10, () -> client.oauthClients().list(1, 1).total());
        assertThat(totals).hasSize(10);
        // How many had to wait depends on how soon the callers start after the bucket ran dry (the
        // server's clock moves in real time here); at least one waited, none was refused.
        assertThat(client.stats().paced()).isPositive();
        assertThat(client.stats().pacedWait()).isPositive();
        assertThat(client.stats().pacerRefusals()).isZero();
      } finally {
        ticker.interrupt();
        ticker.join();
      }
    }
  }

  @Test
  void theFirstBurstOfANewClientIsPacedToo() throws Exception {
    // Nothing known yet: the first request goes alone, the others wait for its answer, then take
    // turns. 10 a minute, 20 at once, 2 s deadline: 10 go through and no 429 is met.
    try (Scenario s = orgLimitedTo(10);
        var client = s.clientBuilder(server).deadline(Duration.ofSeconds(2)).build()) {
      List<String> outcomes =
          SessionsIT.together(
              20,
              () -> {
                try {
                  client.oauthClients().list(1, 1);
                  return "ok";
                } catch (DeadlineExceededException e) {
                  return e.attempts().isEmpty() ? "paced" : "deadline " + e.attempts();
                }
              });
      assertThat(client.stats().throttled()).as("429s").isZero();
      assertThat(outcomes).allMatch(o -> o.equals("ok") || o.equals("paced"));
      long ok = outcomes.stream().filter("ok"::equals).count();
      assertThat(ok).isBetween(1L, 10L);
      assertThat(client.stats().requests()).isEqualTo(ok);
    }
  }

  @Test
  void familyOfAPath() {
    assertThat(RateLimitPacer.family("/api/v2/agent-scripting/sessions/x?y=1"))
        .isEqualTo("agent-scripting");
    assertThat(RateLimitPacer.family("/api/v2/users")).isEqualTo("users");
  }

  @Test
  void theAnnouncedBucketIsReadFromEitherHeaderStyle() {
    assertThat(
            RateLimitPacer.announced(
                headers(
                    Map.of(
                        "RateLimit-Policy", "\"group:sessions\";q=20;w=60",
                        "RateLimit", "\"group:sessions\";r=3;t=2",
                        "inin-ratelimit-allowed", "20",
                        "inin-ratelimit-count", "17"))))
        .contains(new RateLimitStatus("group:sessions", 20, Duration.ofSeconds(60), 3));
    // A full bucket has no RateLimit header: r is the quota.
    assertThat(
            RateLimitPacer.announced(headers(Map.of("RateLimit-Policy", "\"token\";q=300;w=60"))))
        .contains(new RateLimitStatus("token", 300, Duration.ofSeconds(60), 300));
    // Genesys Cloud's own headers: a per-minute limit without a name.
    assertThat(
            RateLimitPacer.announced(
                headers(Map.of("inin-ratelimit-allowed", "300", "inin-ratelimit-count", "299"))))
        .contains(new RateLimitStatus("inin", 300, Duration.ofSeconds(60), 1));
    assertThat(RateLimitPacer.announced(headers(Map.of("RateLimit-Policy", "garbage")))).isEmpty();
    assertThat(RateLimitPacer.announced(headers(Map.of()))).isEmpty();
  }

  static java.net.http.HttpHeaders headers(Map<String, String> values) {
    var map = new java.util.HashMap<String, List<String>>();
    values.forEach((k, v) -> map.put(k, List.of(v)));
    return java.net.http.HttpHeaders.of(map, (a, b) -> true);
  }
}

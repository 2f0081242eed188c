package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one test on the real clock: after a refusal, a caller that really waits the Retry-After it
 * was given gets through. (With 20 per minute a token comes back every 3 s, so the wait is at most
 * 3 s.)
 */
class RetryAfterRealClockIT {
  @Test
  void waitingTheRetryAfterSucceeds() throws InterruptedException {
    try (var server =
        TestServer.start(Map.of("limits.client.credentials.token.rate.per.minute", "20"))) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      long started = System.nanoTime();
      int passed = 0;
      Api.Response refused = null;
      for (int i = 0; i < 60 && refused == null; i++) {
        var r = api.get("/api/v2/oauth/clients", token);
        if (r.status() == 429) refused = r;
        else passed++;
      }
      double elapsedSeconds = (System.nanoTime() - started) / 1e9;
      assertThat(refused).as("a refusal within 60 requests").isNotNull();
      // 20, plus one per 3 s the loop took on a busy machine.
      assertThat(passed).isBetween(20, 20 + (int) (elapsedSeconds / 3) + 1);
      long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 3L);
      Thread.sleep(retryAfter * 1000);
      assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(200);
    }
  }
}

package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis going away: the node fails open to its own in-memory buckets (same limits, enforced per
 * node), never answers 500 or 503 for it, and goes back to Redis when Redis is back.
 */
class RedisFailoverIT {
  static final String CLIENTS = "/api/v2/oauth/clients";
  static final String USAGE = "/api/v2/organizations/limits/usage";

  static Map<String, String> settings(String url) {
    return Map.of(
        "limits.redis-url", url,
        "limits.redis-key-prefix", "sbtest:" + UUID.randomUUID() + ":",
        "limits.client.credentials.token.rate.per.minute", "5",
        // Losing the connection fails at once; a generous timeout keeps a slow answer on a busy
        // machine from
        // counting as a loss.
        "limits.redis-timeout-millis", "5000",
        "limits.redis-retry-millis", "200");
  }

  @Test
  void redisGoingAwayFallsBackToLocalBucketsAndComesBack() {
    try (var redis = RedisServer.start();
        var server = TestServer.start(settings(redis.url()))) {
      Api api = server.api();
      var org = server.newOrg();
      String token = api.token(org);
      for (int i = 1; i <= 3; i++) {
        var r = api.get(CLIENTS, token);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("inin-ratelimit-count")).contains(Integer.toString(i));
      }
      String admin = api.token(org);
      assertThat(api.get(USAGE, admin).json().get("store").asString()).isEqualTo("redis");

      redis.kill();
      // The first request after the loss finds out and is decided locally; none of them is an
      // error.
      int ok = 0;
      for (int i = 0; i < 8; i++) {
        var r = api.get(CLIENTS, token);
        assertThat(r.status()).as(r.toString()).isIn(200, 429);
        assertThat(r.header("inin-ratelimit-allowed")).contains("5");
        if (r.status() == 200) ok++;
        else assertThat(r.header("Retry-After")).isPresent();
      }
      // A fresh local bucket: 5 more pass on this node, then the local limit holds.
      assertThat(ok).isEqualTo(5);
      var usage = api.get(USAGE, admin);
      assertThat(usage.status()).isEqualTo(200);
      assertThat(usage.json().get("store").asString()).isEqualTo("memory-fallback");
      assertThat(api.get("/metrics", null).body())
          .contains("switchboard_ratelimit_redis_available 0.0")
          .contains("switchboard_ratelimit_redis_fallbacks_total 1.0");

      redis.restart();
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() ->
              assertThat(api.get(USAGE, admin).json().get("store").asString()).isEqualTo("redis"));
      // Redis came back empty: the bucket starts over there.
      String fresh = api.token(org);
      assertThat(api.get(CLIENTS, fresh).header("inin-ratelimit-count")).contains("1");
      assertThat(api.get("/metrics", null).body())
          .contains("switchboard_ratelimit_redis_available 1.0");
    }
  }

  @Test
  void aNodeStartsWhileRedisIsDownAndLimitsLocally() {
    int deadPort;
    try (var redis = RedisServer.start()) {
      deadPort = redis.port();
    }
    try (var server = TestServer.start(settings("redis://127.0.0.1:" + deadPort))) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      for (int i = 0; i < 5; i++) assertThat(api.get(CLIENTS, token).status()).isEqualTo(200);
      var refused = api.get(CLIENTS, token);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().get("messageParams").get("bucket").asString()).isEqualTo("token");
    }
  }
}

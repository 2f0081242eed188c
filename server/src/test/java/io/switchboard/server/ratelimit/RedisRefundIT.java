package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A Redis failure on one of a request's buckets takes nothing from any of them. The failure is
 * real: the org's bucket key holds a Redis list, so the script fails with WRONGTYPE on it. The
 * script reads every bucket before it writes any, and Redis runs it alone, so the token bucket,
 * checked in the same call, is not debited either (the Bucket4j backend this replaced had to give
 * back the tokens it had already taken).
 */
class RedisRefundIT {
  static final String CLIENTS = "/api/v2/oauth/clients";
  static final String USAGE = "/api/v2/organizations/limits/usage";

  @Test
  void aRedisFailureOnOneBucketTakesNothingFromTheOthers() {
    String keyPrefix = "sbtest:" + UUID.randomUUID() + ":";
    try (var redis = RedisServer.start();
        var server =
            TestServer.start(
                Map.of(
                    "limits.redis-url", redis.url(),
                    "limits.redis-key-prefix", keyPrefix,
                    "limits.client.credentials.token.rate.per.minute", "10",
                    "limits.org.rate.per.minute", "1000",
                    "limits.redis-timeout-millis", "5000",
                    "limits.redis-retry-millis", "200"));
        var redisClient = RedisClient.create(redis.url());
        var connection = redisClient.connect()) {
      Api api = server.api();
      var org = server.newOrg();
      String token = api.token(org);
      for (int i = 1; i <= 2; i++)
        assertThat(api.get(CLIENTS, token).header("inin-ratelimit-count"))
            .contains(Integer.toString(i));

      var commands = connection.sync();
      List<String> orgBuckets = commands.keys(keyPrefix + "*:" + org.orgId() + ":org");
      assertThat(orgBuckets).hasSize(1);
      String orgBucket = orgBuckets.get(0);
      // The token bucket is fine; the org bucket's key is not a bucket, so the script fails.
      commands.del(orgBucket);
      commands.rpush(orgBucket, "not a bucket");
      var failed = api.get(CLIENTS, token);
      assertThat(failed.status()).as("decided locally while Redis fails").isEqualTo(200);

      commands.del(orgBucket);
      String admin = api.token(org);
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() ->
              assertThat(api.get(USAGE, admin).json().get("store").asString()).isEqualTo("redis"));
      var next = api.get(CLIENTS, token);
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.header("inin-ratelimit-count"))
          .as("the failed request took nothing in Redis")
          .contains("3");
    }
  }
}

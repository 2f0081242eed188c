package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.RedisServer;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two server nodes on one PostgreSQL schema and one Redis (a Redis of the test's own). Their clock
 * is one shared, still clock: no token is refilled during a burst, so the count of successes shows
 * the sharing of the limit and nothing else.
 */
class RateLimitClusterIT {
  static final String CLIENTS = "/api/v2/oauth/clients";
  static final String NAMESPACE = "/api/v2/organizations/limits/namespaces/platform.api";
  static RedisServer redis;
  static StorageConfig storage;
  static MutableClock clock;
  static TestServer node1;
  static TestServer node2;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    storage = TestDatabases.postgres();
    clock = new MutableClock();
    // A generous timeout: on a busy 2-core machine a slow Redis answer must not send a node to its
    // fallback,
    // which this test checks did not happen.
    Map<String, String> settings =
        Map.of(
            "limits.redis-url",
            redis.url(),
            "limits.redis-key-prefix",
            "sbtest:" + UUID.randomUUID() + ":",
            "limits.redis-timeout-millis",
            "5000");
    node1 = TestServer.start(settings, storage, clock);
    node2 = TestServer.start(settings, storage, clock);
  }

  @AfterAll
  static void stop() {
    if (node2 != null) node2.close();
    if (node1 != null) node1.close();
    TestDatabases.drop(storage);
    redis.close();
  }

  @Test
  void twoNodesEnforceOneLimitTogether() throws Exception {
    var org = node1.newOrg();
    Api api1 = node1.api();
    Api api2 = node2.api();
    String admin = api1.token(org);
    assertThat(
            api1.put(
                    NAMESPACE,
                    admin,
                    "{\"limits\":[{\"key\":\"client.credentials.token.rate.per.minute\",\"value\":200}]}")
                .status())
        .isEqualTo(200);
    String token = api1.token(org);

    var tasks = new ArrayList<Callable<Integer>>();
    for (int i = 0; i < 150; i++) {
      tasks.add(() -> api1.get(CLIENTS, token).status());
      tasks.add(() -> api2.get(CLIENTS, token).status());
    }
    int ok = 0;
    int refused = 0;
    try (var pool = Executors.newFixedThreadPool(16)) {
      for (Future<Integer> f : pool.invokeAll(tasks)) {
        int status = f.get();
        if (status == 200) ok++;
        else if (status == 429) refused++;
        else throw new AssertionError("unexpected status " + status);
      }
    }
    assertThat(ok).isEqualTo(200);
    assertThat(refused).isEqualTo(100);
    for (TestServer node : List.of(node1, node2)) {
      String metrics = node.api().get("/metrics", null).body();
      assertThat(metrics).contains("switchboard_ratelimit_redis_fallbacks_total 0.0");
      assertThat(metrics).contains("switchboard_ratelimit_redis_available 1.0");
    }

    // Either node reports the same buckets, with the refusals both nodes made.
    JsonNode usage = api2.get("/api/v2/organizations/limits/usage", admin).json();
    assertThat(usage.get("store").asString()).isEqualTo("redis");
    JsonNode spent = null;
    for (JsonNode row : usage.get("entities")) if (row.get("remaining").asLong() == 0) spent = row;
    assertThat(spent).isNotNull();
    assertThat(spent.get("limit").asLong()).isEqualTo(200);
    assertThat(spent.get("refusedLastMinute").asLong()).isEqualTo(100);
  }

  @Test
  void aChangeOnOneNodeHoldsOnTheOtherAtOnceAndKeepsWhatWasSpent() {
    var org = node1.newOrg();
    Api api1 = node1.api();
    Api api2 = node2.api();
    String admin = api1.token(org);
    String token = api1.token(org);
    for (int i = 0; i < 15; i++) assertThat(api2.get(CLIENTS, token).status()).isEqualTo(200);

    assertThat(
            api1.put(
                    NAMESPACE,
                    admin,
                    "{\"limits\":[{\"key\":\"client.credentials.token.rate.per.minute\",\"value\":20}]}")
                .status())
        .isEqualTo(200);
    // Node 2 has not re-read the org's limits yet (its cache is young), but the bucket in Redis was
    // moved.
    var onNode2 = api2.get(CLIENTS, token);
    assertThat(onNode2.header("inin-ratelimit-allowed")).contains("20");
    assertThat(onNode2.header("inin-ratelimit-count")).contains("16");
    var onNode1 = api1.get(CLIENTS, token);
    assertThat(onNode1.header("inin-ratelimit-count")).contains("17");
    int ok = 0;
    for (int i = 0; i < 6; i++) if (api2.get(CLIENTS, token).status() == 200) ok++;
    assertThat(ok).isEqualTo(3);

    // Once node 2's cache expires it reads the new limits itself; nothing is given back.
    clock.advance(LimitService.CACHE_TTL.plusMillis(1));
    var later = api2.get(NAMESPACE, admin);
    assertThat(RateLimitIT.limitValue(later.json(), LimitCatalog.TOKEN)).isEqualTo(20);
    // 2 s at 20/min refilled less than one token.
    assertThat(api2.get(CLIENTS, token).status()).isEqualTo(429);
    clock.advance(Duration.ofSeconds(1));
    assertThat(api2.get(CLIENTS, token).status()).isEqualTo(200);
  }
}

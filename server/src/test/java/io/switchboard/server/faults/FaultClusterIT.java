package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL schema: a rule created or deleted on one applies on the other within
 * a second; failFirst counts its N across the cluster; counters add up.
 */
class FaultClusterIT {
  static final String FAULTS = "/api/v2/switchboard/faults";
  static StorageConfig storage;
  static TestServer node1;
  static TestServer node2;
  static Api api1;
  static Api api2;
  static String token;

  @BeforeAll
  static void start() {
    storage = TestDatabases.postgres();
    node1 = TestServer.start(TestServer.NO_TOKEN_LIMIT, storage, Clock.systemUTC());
    node2 = TestServer.start(TestServer.NO_TOKEN_LIMIT, storage, Clock.systemUTC());
    api1 = node1.api();
    api2 = node2.api();
    token = api1.token(node1.newOrg());
  }

  @AfterAll
  static void stop() {
    if (node2 != null) node2.close();
    if (node1 != null) node1.close();
    TestDatabases.drop(storage);
  }

  @Test
  void aRuleAppliesOnEveryNodeWithinASecondOfCreateAndDelete() {
    assertThat(api2.get("/api/v2/users", token).status()).isEqualTo(200);
    var created =
        api1.post(
            FAULTS,
            token,
            "{\"name\":\"down\",\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"status\",\"status\":503}}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asString();
    long t0 = System.nanoTime();
    assertThat(api1.get("/api/v2/users", token).status()).as("at once on its node").isEqualTo(503);
    // One second, with a little room for a busy machine's scheduling.
    await()
        .atMost(Duration.ofMillis(1_500))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> api2.get("/api/v2/users", token).status() == 503);
    long applied = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("rule applied on the other node after " + applied + " ms");

    assertThat(api2.delete(FAULTS + "/" + id, token).status()).isEqualTo(204);
    assertThat(api2.get("/api/v2/users", token).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofMillis(1_500))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> api1.get("/api/v2/users", token).status() == 200);
  }

  @Test
  void failFirstCountsAcrossNodesAndCountersAddUp() {
    var created =
        api1.post(
            FAULTS,
            token,
            "{\"name\":\"first four\",\"match\":{\"path\":\"/api/v2/routing/wrapupcodes\"},"
                + "\"effect\":{\"type\":\"failFirst\",\"count\":4,\"status\":502}}");
    String id = created.json().get("id").asString();
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> api2.get(FAULTS + "/" + id, token).status() == 200);
    // Give node 2 time to load it before the requests start.
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> api2.get(FAULTS, token).json().get("total").asInt() == 1);
    sleep(ActiveFaults.REFRESH.toMillis() * 2);
    int failures = 0;
    for (int i = 0; i < 10; i++) {
      Api api = i % 2 == 0 ? api1 : api2;
      if (api.get("/api/v2/routing/wrapupcodes", token).status() == 502) failures++;
    }
    assertThat(failures).isEqualTo(4);
    // Each node writes its counts at its next poll; then both nodes read the sum (a node's own
    // answer includes its counts not yet written, so one node may see the sum before the other).
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() ->
            api1.get(FAULTS + "/" + id, token).json().get("matched").asLong() == 10
                && api2.get(FAULTS + "/" + id, token).json().get("matched").asLong() == 10);
    var rule = api2.get(FAULTS + "/" + id, token).json();
    assertThat(rule.get("matched").asLong()).isEqualTo(10);
    assertThat(rule.get("injected").asLong()).isEqualTo(4);
    api1.delete(FAULTS, token);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

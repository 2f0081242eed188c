package io.switchboard.server.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL, talking through LISTEN/NOTIFY: each serves published scripts from
 * memory, and a publish or delete through one node reaches the other's memory through the cluster
 * signal. The nodes re-read on their own only after an hour here, so only the signal can make these
 * waits pass.
 */
class PublishedScriptClusterIT {
  static final Duration WAIT = Duration.ofSeconds(15);
  static StorageConfig storage;
  static TestServer nodeA;
  static TestServer nodeB;
  static Api apiA;
  static Api apiB;
  static String token;
  static Fixtures fxB;

  @BeforeAll
  static void start() {
    storage = TestDatabases.postgres();
    startNodes(new HashMap<>());
  }

  static void startNodes(Map<String, String> extra) {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put("scripts.served-refresh-seconds", "3600");
    settings.putAll(extra);
    nodeA = TestServer.start(settings, storage, Clock.systemUTC());
    nodeB = TestServer.start(settings, storage, Clock.systemUTC());
    apiA = nodeA.api();
    apiB = nodeB.api();
    token = apiA.token(nodeA.newOrg());
    fxB = new Fixtures(apiB, token);
  }

  @AfterAll
  static void stop() {
    if (nodeB != null) nodeB.close();
    if (nodeA != null) nodeA.close();
    TestDatabases.drop(storage);
  }

  private static String path(String id) {
    return "/api/v2/scripts/published/" + id;
  }

  private static String servedVersion(Api api, String id) {
    var r = api.get(path(id), token);
    return r.status() == 200 ? r.json().get("versionId").asString() : "status " + r.status();
  }

  @Test
  void aPublishOnOneNodeIsServedByTheOtherAfterItsSignal() {
    String id = fxB.publishedScript(Fixtures.GREETING_SCRIPT);
    String v1 = servedVersion(apiB, id);
    // Node A reads it: from now on it answers from memory.
    assertThat(servedVersion(apiA, id)).isEqualTo(v1);
    var first = apiA.get(path(id), token);
    assertThat(first.header("ETag")).contains("\"" + v1 + "\"");

    var put =
        apiB.put(
            "/api/v2/scripts/" + id,
            token,
            Fixtures.GREETING_SCRIPT
                .replace("\"Greeting\"", "\"Greeting v2\"")
                .replaceFirst("\\{", "{\"version\":1,"));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    var published = apiB.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}");
    assertThat(published.status()).isEqualTo(201);
    String v2 = published.json().get("versionId").asString();
    assertThat(v2).isNotEqualTo(v1);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> servedVersion(apiA, id).equals(v2));
    var onA = apiA.get(path(id), token, "If-None-Match", "\"" + v1 + "\"");
    assertThat(onA.status()).isEqualTo(200);
    assertThat(onA.header("ETag")).contains("\"" + v2 + "\"");
    assertThat(onA.json().get("name").asString()).isEqualTo("Greeting v2");
    assertThat(onA.body()).isEqualTo(apiB.get(path(id), token).body());
  }

  @Test
  void aDeleteOnOneNodeStopsTheOtherServingIt() {
    String id = fxB.publishedScript(Fixtures.GREETING_SCRIPT);
    assertThat(apiA.get(path(id), token).status()).isEqualTo(200);
    assertThat(apiA.get(path(id) + "/pages", token).status()).isEqualTo(200);

    assertThat(apiB.delete("/api/v2/scripts/" + id, token).status()).isEqualTo(204);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> apiA.get(path(id), token).status() == 404);
    assertThat(apiA.get(path(id) + "/pages", token).status()).isEqualTo(404);
    assertThat(apiA.get(path(id) + "/variables", token).status()).isEqualTo(404);
  }

  @Test
  void aFirstPublishOnOneNodeIsServedByTheOtherThatAnswered404() {
    String id = fxB.script(Fixtures.GREETING_SCRIPT);
    // Node A learns that the script has no published version (and remembers it).
    assertThat(apiA.get(path(id), token).status()).isEqualTo(404);
    assertThat(apiA.get(path(id), token).status()).isEqualTo(404);

    var published = apiB.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}");
    assertThat(published.status()).isEqualTo(201);
    String v1 = published.json().get("versionId").asString();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> servedVersion(apiA, id).equals(v1));
  }
}

package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.ScriptsApi.Script;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Published scripts: ETag cache and single flight, counted on the server. */
class PublishedScriptCacheIT {
  static final String ROUTE = "/api/v2/scripts/published/{id}";
  static TestServer server;
  static Scenario scenario;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
  }

  @AfterAll
  static void stop() {
    scenario.close();
    server.close();
  }

  static List<Script> concurrentReads(SwitchboardClient client, String scriptId, int n)
      throws Exception {
    var go = new CountDownLatch(1);
    var calls = new ArrayList<Callable<Script>>();
    for (int i = 0; i < n; i++) {
      calls.add(() -> {
        go.await();
        return client.publishedScripts().get(scriptId);
      });
    }
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var futures = calls.stream().map(pool::submit).toList();
      go.countDown();
      var out = new ArrayList<Script>();
      for (var f : futures) out.add(f.get());
      return out;
    }
  }

  @Test
  void hundredConcurrentReadsCostOneRequest() throws Exception {
    String scriptId = scenario.publishedScript();
    try (var client = scenario.clientBuilder(server).build()) {
      client.oauthClients().list(1, 1); // the token, so only script reads are counted below
      long before = ServerMetrics.count(server, "GET", ROUTE);
      List<Script> scripts = concurrentReads(client, scriptId, 100);
      assertThat(scripts)
          .hasSize(100)
          .allSatisfy(s -> {
            assertThat(s.id()).isEqualTo(scriptId);
            assertThat(s.variables())
                .extracting(ScriptsApi.Variable::name)
                .contains("name", "counter");
          });
      assertThat(ServerMetrics.count(server, "GET", ROUTE) - before).isEqualTo(1);
      assertThat(client.stats().coalesced() + client.stats().cacheHits()).isEqualTo(99);
    }
  }

  @Test
  void afterTheFreshnessWindowAReadRevalidatesWithAFree304() {
    String scriptId = scenario.publishedScript();
    try (var client =
        scenario.clientBuilder(server).publishedScriptFreshness(Duration.ZERO).build()) {
      Script first = client.publishedScripts().get(scriptId);
      long notModified = ServerMetrics.count(server, "GET", ROUTE, 304);
      Script second = client.publishedScripts().get(scriptId);
      assertThat(second).isEqualTo(first);
      assertThat(ServerMetrics.count(server, "GET", ROUTE, 304) - notModified).isEqualTo(1);
      assertThat(client.stats().notModified()).isEqualTo(1);
    }
  }

  @Test
  void aRepublishedScriptIsSeenAfterRevalidation() {
    String scriptId = scenario.publishedScript();
    try (var reader =
        scenario.clientBuilder(server).publishedScriptFreshness(Duration.ZERO).build()) {
      String v1 = reader.publishedScripts().get(scriptId).versionId();
      Script draft = scenario.admin().scripts().get(scriptId);
      scenario
          .admin()
          .scripts()
          .replace(
              scriptId,
              new ScriptsApi.ScriptDraft(
                  draft.name() + " v2",
                  draft.startPageId(),
                  draft.variables(),
                  draft.pages(),
                  null,
                  null,
                  draft.version()));
      scenario.admin().publishedScripts().publish(scriptId);
      Script v2 = reader.publishedScripts().get(scriptId);
      assertThat(v2.versionId()).isNotEqualTo(v1);
      assertThat(v2.name()).endsWith(" v2");
    }
  }

  @Test
  void theServersNotFoundReachesEveryConcurrentReader() throws Exception {
    try (var client = scenario.clientBuilder(server).build();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var futures = new ArrayList<java.util.concurrent.Future<?>>();
      for (int i = 0; i < 10; i++)
        futures.add(pool.submit(() -> client.publishedScripts().get("no-such-script")));
      for (var f : futures) {
        assertThatThrownBy(f::get).hasCauseInstanceOf(ApiException.NotFoundException.class);
      }
    }
  }

  @Test
  void variablesAndPagesAreCachedToo() {
    String scriptId = scenario.publishedScript();
    try (var client = scenario.clientBuilder(server).build()) {
      assertThat(client.publishedScripts().variables(scriptId))
          .extracting(ScriptsApi.Variable::name)
          .contains("note");
      assertThat(client.publishedScripts().pages(scriptId))
          .extracting(ScriptsApi.ScriptPage::id)
          .containsExactly("start");
      long before = client.stats().requests();
      client.publishedScripts().variables(scriptId);
      client.publishedScripts().pages(scriptId);
      assertThat(client.stats().requests()).isEqualTo(before);
    }
  }
}

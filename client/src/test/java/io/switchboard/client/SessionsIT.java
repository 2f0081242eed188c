package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions through the client: merge patches, the 409 re-apply loop, batched creation. */
class SessionsIT {
  static final String BULK = "/api/v2/agent-scripting/sessions/bulk";
  static final String SINGLE = "/api/v2/agent-scripting/sessions";
  static TestServer server;
  static Scenario scenario;
  static String scriptId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
    scriptId = scenario.publishedScript();
  }

  @AfterAll
  static void stop() {
    scenario.close();
    server.close();
  }

  static Session newSession(SwitchboardClient client) {
    return client
        .sessions()
        .create(new NewSession(scriptId, scenario.call(null).id(), null, Map.of("name", "Ada")));
  }

  static <T> List<T> together(int n, Callable<T> call) throws Exception {
    var go = new CountDownLatch(1);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      var futures = new ArrayList<Future<T>>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(() -> {
              go.await();
              return call.call();
            }));
      }
      go.countDown();
      var out = new ArrayList<T>();
      for (var f : futures) out.add(f.get());
      return out;
    }
  }

  @Test
  void concurrentMergePatchesOfDistinctKeysAllLand() throws Exception {
    try (var client = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      var next = new AtomicInteger();
      together(
          4, () -> client.sessions().patch(s.id(), Map.of("k" + next.getAndIncrement(), "set")));
      Session after = client.sessions().get(s.id());
      assertThat(after.data()).containsEntry("name", "Ada").containsKeys("k0", "k1", "k2", "k3");
      assertThat(after.version()).isEqualTo(s.version() + 4);

      Map<String, Object> removal = new HashMap<>();
      removal.put("k0", null);
      assertThat(client.sessions().patch(s.id(), removal).data())
          .doesNotContainKey("k0")
          .containsKey("k1");
    }
  }

  @Test
  void updateReReadsAndReappliesAfterACompetingWriter() {
    try (var client = scenario.clientBuilder(server).build();
        var competitor = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      var calls = new AtomicInteger();
      Session result =
          client
              .sessions()
              .update(
                  s.id(),
                  data -> {
                    if (calls.incrementAndGet() == 1)
                      competitor.sessions().patch(s.id(), Map.of("note", "competitor was here"));
                    data.put("counter", ((Number) data.getOrDefault("counter", 0)).intValue() + 1);
                    return data;
                  });
      assertThat(calls).as("applied once, lost the race, re-read and applied again").hasValue(2);
      assertThat(result.data())
          .containsEntry("counter", 1)
          .containsEntry("note", "competitor was here")
          .containsEntry("name", "Ada");
      assertThat(result.version()).isEqualTo(s.version() + 2);
    }
  }

  @Test
  void concurrentIncrementsThroughUpdateLoseNothing() throws Exception {
    try (var client = scenario.clientBuilder(server).updateAttempts(100).build()) {
      Session s = newSession(client);
      together(
          4,
          () -> {
            for (int i = 0; i < 3; i++) {
              client
                  .sessions()
                  .update(
                      s.id(),
                      data -> {
                        data.put(
                            "counter", ((Number) data.getOrDefault("counter", 0)).intValue() + 1);
                        return data;
                      });
            }
            return null;
          });
      assertThat(client.sessions().get(s.id()).data()).containsEntry("counter", 12);
    }
  }

  @Test
  void updateGivesUpAfterItsAttemptsWithTheCurrentVersion() {
    try (var client = scenario.clientBuilder(server).updateAttempts(2).build();
        var competitor = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      var calls = new AtomicInteger();
      assertThatThrownBy(() ->
              client
                  .sessions()
                  .update(
                      s.id(),
                      data -> {
                        competitor
                            .sessions()
                            .patch(s.id(), Map.of("note", "again " + calls.incrementAndGet()));
                        data.put("counter", 1);
                        return data;
                      }))
          .isInstanceOfSatisfying(
              ApiException.VersionMismatchException.class,
              e -> assertThat(e.currentVersion()).isEqualTo(s.version() + 2));
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void anUpdateThatChangesNothingWritesNothing() {
    try (var client = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      assertThat(client.sessions().update(s.id(), data -> data).version()).isEqualTo(s.version());
      assertThat(client.sessions().get(s.id()).version()).isEqualTo(s.version());
    }
  }

  @Test
  void aCompletedSessionIsAStateConflictNotAVersionRace() {
    try (var client = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      assertThat(client.sessions().complete(s.id()).isCompleted()).isTrue();
      assertThatThrownBy(() ->
              client
                  .sessions()
                  .update(
                      s.id(),
                      data -> {
                        data.put("note", "late");
                        return data;
                      }))
          .isInstanceOfSatisfying(
              ApiException.ConflictException.class,
              e -> {
                assertThat(e).isNotInstanceOf(ApiException.VersionMismatchException.class);
                assertThat(e.code()).isEqualTo("session.completed");
              });
    }
  }

  @Test
  void aStaleExpectedVersionIsRefusedAndNothingIsWritten() {
    try (var client = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      client.sessions().patch(s.id(), Map.of("note", "moved on"));
      assertThatThrownBy(
              () -> client.sessions().replace(s.id(), Map.of("note", "stale"), s.version()))
          .isInstanceOfSatisfying(
              ApiException.VersionMismatchException.class,
              e -> assertThat(e.currentVersion()).isEqualTo(s.version() + 1));
      assertThat(client.sessions().get(s.id()).data()).containsEntry("note", "moved on");
    }
  }

  @Test
  void concurrentCreationsGoOutAsOneBulkRequest() throws Exception {
    var conversations = new ArrayList<String>();
    for (int i = 0; i < 50; i++) conversations.add(scenario.call(null).id());
    try (var client =
        scenario
            .clientBuilder(server)
            .sessionBatching(SessionBatching.of(Duration.ofMillis(500), 100))
            .build()) {
      client.oauthClients().list(1, 1);
      long bulk = ServerMetrics.count(server, "POST", BULK);
      long single = ServerMetrics.count(server, "POST", SINGLE);
      var index = new AtomicInteger();
      List<Session> created =
          together(
              50,
              () ->
                  client
                      .sessions()
                      .create(
                          new NewSession(
                              scriptId,
                              conversations.get(index.getAndIncrement()),
                              null,
                              Map.of("name", "Grace"))));
      assertThat(created).extracting(Session::id).doesNotHaveDuplicates().hasSize(50);
      assertThat(created)
          .extracting(Session::conversationId)
          .containsExactlyInAnyOrderElementsOf(conversations);
      assertThat(ServerMetrics.count(server, "POST", BULK) - bulk).isEqualTo(1);
      assertThat(ServerMetrics.count(server, "POST", SINGLE) - single).isZero();
      assertThat(client.stats().batched()).isEqualTo(50);
    }
  }

  @Test
  void aBatchHoldsAtMostItsLimitAndABadItemFailsAlone() throws Exception {
    var conversations = new ArrayList<String>();
    for (int i = 0; i < 14; i++) conversations.add(scenario.call(null).id());
    conversations.add("no-such-conversation");
    try (var client =
        scenario
            .clientBuilder(server)
            .sessionBatching(SessionBatching.of(Duration.ofMillis(500), 5))
            .build()) {
      client.oauthClients().list(1, 1);
      long bulk = ServerMetrics.count(server, "POST", BULK);
      var index = new AtomicInteger();
      List<Object> outcomes =
          together(
              15,
              () -> {
                try {
                  return client
                      .sessions()
                      .create(
                          new NewSession(
                              scriptId, conversations.get(index.getAndIncrement()), null, null));
                } catch (ApiException e) {
                  return e;
                }
              });
      assertThat(outcomes).filteredOn(o -> o instanceof Session).hasSize(14);
      assertThat(outcomes)
          .filteredOn(o -> o instanceof ApiException)
          .singleElement()
          .satisfies(o -> assertThat(((ApiException) o).status()).isBetween(400, 404));
      assertThat(ServerMetrics.count(server, "POST", BULK) - bulk).isEqualTo(3);
    }
  }

  @Test
  void withoutBatchingEachCreationIsOneKeyedRequest() {
    try (var client =
        scenario.clientBuilder(server).sessionBatching(SessionBatching.disabled()).build()) {
      client.oauthClients().list(1, 1);
      long single = ServerMetrics.count(server, "POST", SINGLE, 201);
      newSession(client);
      newSession(client);
      assertThat(ServerMetrics.count(server, "POST", SINGLE, 201) - single).isEqualTo(2);
      assertThat(client.stats().batched()).isZero();
    }
  }

  @Test
  void renderFillsInTheData() {
    try (var client = scenario.clientBuilder(server).build()) {
      Session s = newSession(client);
      var rendered = client.sessions().render(s.id());
      assertThat(rendered.pages().get(0).components().get(0).text()).isEqualTo("Hello Ada");
    }
  }
}

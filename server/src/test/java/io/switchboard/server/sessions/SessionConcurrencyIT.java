package io.switchboard.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001's partner app, at scale: many writers on one session at once. Unversioned merge-patches
 * never lose to each other; versioned ones are strict. On H2 and on PostgreSQL, over real HTTP.
 */
class SessionConcurrencyIT {
  static final String SESSIONS = "/api/v2/agent-scripting/sessions";
  static final int WRITERS = 64;

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void concurrentUnversionedPatchesOfDistinctKeysAllLand(String dialect) throws Exception {
    withServer(
        dialect,
        (api, fx) -> {
          String session = newSession(fx, WRITERS);

          List<Api.Response> responses =
              Concurrently.run(
                  WRITERS,
                  i ->
                      api.patch(
                          SESSIONS + "/" + session,
                          fx.token(),
                          "{\"data\":{\"k" + i + "\":\"v" + i + "\"}}",
                          "Content-Type",
                          "application/merge-patch+json"));

          assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
          assertThat(
                  responses.stream().map(r -> r.json().get("version").asLong()).distinct().count())
              .as("each write saw its own version")
              .isEqualTo(WRITERS);
          JsonNode after = api.get(SESSIONS + "/" + session, fx.token()).json();
          assertThat(after.get("version").asLong()).isEqualTo(WRITERS + 1);
          for (int i = 0; i < WRITERS; i++)
            assertThat(after.get("data").get("k" + i).asString()).isEqualTo("v" + i);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void concurrentVersionedPatchesOfOneVersionLetExactlyOneWin(String dialect) throws Exception {
    withServer(
        dialect,
        (api, fx) -> {
          String session = newSession(fx, 16);

          List<Api.Response> responses =
              Concurrently.run(
                  16,
                  i ->
                      api.patch(
                          SESSIONS + "/" + session,
                          fx.token(),
                          "{\"data\":{\"k" + i + "\":\"v\"}}",
                          "Content-Type",
                          "application/merge-patch+json",
                          "If-Match",
                          "\"1\""));

          assertThat(responses.stream().filter(r -> r.status() == 200).count()).isEqualTo(1);
          assertThat(responses.stream().filter(r -> r.status() == 409))
              .hasSize(15)
              .allSatisfy(r -> {
                assertThat(r.json().get("code").asString()).isEqualTo("version.mismatch");
                assertThat(r.json().get("messageParams").get("currentVersion").asLong())
                    .isEqualTo(2);
              });
          JsonNode after = api.get(SESSIONS + "/" + session, fx.token()).json();
          assertThat(after.get("version").asLong()).isEqualTo(2);
          assertThat(after.get("data").size()).as("only the winner's key was written").isEqualTo(1);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void patchesRacingACompletionEitherLandBeforeItOrGetSessionCompleted(String dialect)
      throws Exception {
    withServer(
        dialect,
        (api, fx) -> {
          String session = newSession(fx, 32);

          List<Api.Response> responses =
              Concurrently.run(
                  33,
                  i ->
                      i == 32
                          ? api.post(SESSIONS + "/" + session + "/complete", fx.token(), null)
                          : api.patch(
                              SESSIONS + "/" + session,
                              fx.token(),
                              "{\"data\":{\"k" + i + "\":\"v\"}}",
                              "Content-Type",
                              "application/merge-patch+json"));

          Api.Response completion = responses.get(32);
          assertThat(completion.status()).isEqualTo(200);
          long completedAt = completion.json().get("version").asLong();
          List<Api.Response> patches = responses.subList(0, 32);
          var landed = patches.stream().filter(r -> r.status() == 200).toList();
          assertThat(patches)
              .allSatisfy(r -> {
                if (r.status() != 200) {
                  assertThat(r.status()).isEqualTo(409);
                  assertThat(r.json().get("code").asString()).isEqualTo("session.completed");
                }
              });
          assertThat(landed)
              .allSatisfy(
                  r -> assertThat(r.json().get("version").asLong()).isLessThan(completedAt));
          assertThat(completedAt).isEqualTo(landed.size() + 2);
          JsonNode after = api.get(SESSIONS + "/" + session, fx.token()).json();
          assertThat(after.get("version").asLong()).isEqualTo(completedAt);
          assertThat(after.get("data").size()).isEqualTo(landed.size());
        });
  }

  /**
   * Writes to several sessions share one transaction (one write lane here, so every concurrent
   * write of the node is in it): each acknowledged patch lands on its own session, each session's
   * version rises by exactly its own writes, and each writer is answered with its own version.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void concurrentPatchesOfManySessionsInOneBatchAllLandOnTheirOwnSession(String dialect)
      throws Exception {
    withServer(
        dialect,
        Map.of("sessions.write-lanes", "1"),
        (api, fx, other) -> {
          int sessions = 8;
          int perSession = WRITERS / sessions;
          String script = fx.publishedScriptWithKeys(perSession);
          String call = fx.call(null).get("id").asString();
          List<String> ids =
              java.util.stream.IntStream.range(0, sessions)
                  .mapToObj(i -> fx.session(script, call, null).get("id").asString())
                  .toList();

          List<Api.Response> responses =
              Concurrently.run(
                  WRITERS,
                  i ->
                      api.patch(
                          SESSIONS + "/" + ids.get(i % sessions),
                          fx.token(),
                          "{\"data\":{\"k" + i / sessions + "\":\"v" + i + "\"}}",
                          "Content-Type",
                          "application/merge-patch+json"));

          assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
          for (int s = 0; s < sessions; s++) {
            int session = s;
            var own =
                java.util.stream.IntStream.range(0, WRITERS)
                    .filter(i -> i % sessions == session)
                    .mapToObj(responses::get)
                    .toList();
            assertThat(own)
                .allSatisfy(
                    r -> assertThat(r.json().get("id").asString()).isEqualTo(ids.get(session)));
            assertThat(own.stream().map(r -> r.json().get("version").asLong()).distinct().sorted())
                .as("each write of session %d saw its own version", s)
                .containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(2, perSession + 1).boxed().toList());
            JsonNode after = api.get(SESSIONS + "/" + ids.get(s), fx.token()).json();
            assertThat(after.get("version").asLong()).isEqualTo(perSession + 1);
            assertThat(after.get("data").size()).isEqualTo(perSession);
            for (int k = 0; k < perSession; k++)
              assertThat(after.get("data").get("k" + k).asString())
                  .isEqualTo("v" + (k * sessions + s));
          }
        });
  }

  /**
   * In one batch across sessions, versioned writes stay strict per session (one winner each, the
   * rest 409 with the current version), a write to a missing session or to another org's session is
   * 404, and none of them disturbs the others.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void versionedPatchesAcrossSessionsInOneBatchStayStrictAndStrangersSeeNothing(String dialect)
      throws Exception {
    withServer(
        dialect,
        Map.of("sessions.write-lanes", "1"),
        (api, fx, other) -> {
          int sessions = 4;
          String script = fx.publishedScriptWithKeys(8);
          String call = fx.call(null).get("id").asString();
          List<String> ids =
              java.util.stream.IntStream.range(0, sessions)
                  .mapToObj(i -> fx.session(script, call, null).get("id").asString())
                  .toList();

          // 8 versioned writers per session, then 4 from another org and 4 to a missing session.
          List<Api.Response> responses =
              Concurrently.run(
                  40,
                  i ->
                      i < 32
                          ? api.patch(
                              SESSIONS + "/" + ids.get(i % sessions),
                              fx.token(),
                              "{\"data\":{\"k" + i / sessions + "\":\"v\"}}",
                              "Content-Type",
                              "application/merge-patch+json",
                              "If-Match",
                              "\"1\"")
                          : i < 36
                              ? api.patch(
                                  SESSIONS + "/" + ids.get(i % sessions),
                                  other.token(),
                                  "{\"data\":{\"k0\":\"stranger\"}}",
                                  "Content-Type",
                                  "application/merge-patch+json")
                              : api.patch(
                                  SESSIONS + "/" + java.util.UUID.randomUUID(),
                                  fx.token(),
                                  "{\"data\":{\"k0\":\"nobody\"}}",
                                  "Content-Type",
                                  "application/merge-patch+json"));

          for (int s = 0; s < sessions; s++) {
            int session = s;
            var own =
                java.util.stream.IntStream.range(0, 32)
                    .filter(i -> i % sessions == session)
                    .mapToObj(responses::get)
                    .toList();
            assertThat(own.stream().filter(r -> r.status() == 200)).hasSize(1);
            assertThat(own.stream().filter(r -> r.status() != 200))
                .hasSize(7)
                .allSatisfy(r -> {
                  assertThat(r.status()).isEqualTo(409);
                  assertThat(r.json().get("code").asString()).isEqualTo("version.mismatch");
                  assertThat(r.json().get("messageParams").get("currentVersion").asLong())
                      .isEqualTo(2);
                });
            JsonNode after = api.get(SESSIONS + "/" + ids.get(s), fx.token()).json();
            assertThat(after.get("version").asLong()).isEqualTo(2);
            assertThat(after.get("data").size()).as("only the winner's key").isEqualTo(1);
            assertThat(after.get("data").toString()).doesNotContain("stranger");
          }
          assertThat(responses.subList(32, 40))
              .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(404));
        });
  }

  /** A session on a new call, of a script with string variables k0..k(keys-1). */
  static String newSession(Fixtures fx, int keys) {
    String script = fx.publishedScriptWithKeys(keys);
    return fx.session(script, fx.call(null).get("id").asString(), null).get("id").asString();
  }

  interface Body {
    void run(Api api, Fixtures fx) throws Exception;
  }

  static void withServer(String dialect, Body body) throws Exception {
    withServer(dialect, Map.of(), (api, fx, other) -> body.run(api, fx));
  }

  interface TwoOrgBody {
    void run(Api api, Fixtures fx, Fixtures otherOrg) throws Exception;
  }

  static void withServer(String dialect, Map<String, String> settings, TwoOrgBody body)
      throws Exception {
    StorageConfig storage = dialect.equals("postgres") ? TestDatabases.postgres() : null;
    try (TestServer server = TestServer.start(settings, storage, Clock.systemUTC())) {
      Api api = server.api();
      body.run(
          api,
          new Fixtures(api, api.token(server.newOrg())),
          new Fixtures(api, api.token(server.newOrg())));
    } finally {
      if (storage != null) TestDatabases.drop(storage);
    }
  }
}

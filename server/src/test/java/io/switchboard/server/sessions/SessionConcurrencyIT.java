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

  /** A session on a new call, of a script with string variables k0..k(keys-1). */
  static String newSession(Fixtures fx, int keys) {
    String script = fx.publishedScriptWithKeys(keys);
    return fx.session(script, fx.call(null).get("id").asString(), null).get("id").asString();
  }

  interface Body {
    void run(Api api, Fixtures fx) throws Exception;
  }

  static void withServer(String dialect, Body body) throws Exception {
    StorageConfig storage = dialect.equals("postgres") ? TestDatabases.postgres() : null;
    try (TestServer server = TestServer.start(Map.of(), storage, Clock.systemUTC())) {
      Api api = server.api();
      body.run(api, new Fixtures(api, api.token(server.newOrg())));
    } finally {
      if (storage != null) TestDatabases.drop(storage);
    }
  }
}

package io.switchboard.server.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The write and the completed Idempotency-Key are one transaction. A first request is held on a row
 * lock while its key's lease is taken over (what happens when a node stalls past the lease and
 * another request with the key arrives): completing the key then fails, and the request's write
 * must roll back with it. Before the fix the wrap-up was committed first and the lost completion
 * went unnoticed, so the request took effect although its key belonged to another run: the double
 * execution idempotency exists to prevent.
 */
class IdempotencyAtomicityIT {
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aWriteWhoseKeyCannotBeCompletedIsRolledBack(String database) throws Exception {
    StorageConfig storage = database.equals("h2") ? TestDatabases.h2() : postgresWithOwnDataDir();
    try (var server = TestServer.start(Map.of(), storage, Clock.systemUTC())) {
      Api api = server.api();
      TestServer.OrgAccess org = server.newOrg();
      String token = api.token(org);
      var fx = new Fixtures(api, token);
      String agent = fx.user("Atomic Agent");
      String code = fx.wrapupCode("Atomic");
      JsonNode call = fx.call(agent);
      String cid = call.get("id").asString();
      JsonNode participant = Fixtures.agentOf(call);
      String pid = participant.get("id").asString();
      api.post("/api/v2/conversations/" + cid + "/disconnect", token, null);
      String path =
          "/api/v2/conversations/calls/"
              + cid
              + "/participants/"
              + pid
              + "/communications/"
              + participant.get("calls").get(0).get("id").asString()
              + "/wrapup";
      String body = "{\"code\":\"" + code + "\"}";
      String key = UUID.randomUUID().toString();
      var jdbi = server.switchboard().database().jdbi();
      var store = new IdempotencyStore(jdbi);

      CompletableFuture<Api.Response> first;
      try (var lockHolder = jdbi.open()) {
        lockHolder.begin();
        lockHolder
            .createQuery("select id from conversations where id = :id for update")
            .bind("id", cid)
            .mapTo(String.class)
            .one();
        first =
            CompletableFuture.supplyAsync(
                () -> api.post(path, token, body, "Idempotency-Key", key));
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> store.find(org.orgId(), key).isPresent());
        // The first request has claimed its key and waits for the conversation's row; its lease
        // runs out
        // and another request with the same key takes it over.
        String fingerprint =
            Idempotency.fingerprint("POST", path, null, body.getBytes(StandardCharsets.UTF_8));
        Instant later = Instant.now().plus(Idempotency.RUNNING_LEASE).plusSeconds(1);
        assertThat(
                store.takeOver(
                    org.orgId(),
                    key,
                    fingerprint,
                    "another-request",
                    later,
                    later.plus(Idempotency.RUNNING_LEASE),
                    later.plus(Duration.ofDays(1))))
            .isTrue();
        lockHolder.rollback();
      }

      Api.Response answer = first.get(30, TimeUnit.SECONDS);
      assertThat(answer.status()).as(answer.body()).isEqualTo(409);
      assertThat(answer.json().get("code").asString()).isEqualTo("idempotency.request.in.progress");
      var wrapup =
          api.get("/api/v2/conversations/" + cid + "/participants/" + pid + "/wrapup", token);
      assertThat(wrapup.status())
          .as(
              "the wrap-up of the request that lost its key must not be committed: "
                  + wrapup.body())
          .isEqualTo(204);
      assertThat(store.find(org.orgId(), key).orElseThrow().ownerToken())
          .isEqualTo("another-request");
    } finally {
      TestDatabases.drop(storage);
    }
  }

  /**
   * PostgreSQL in a schema of its own, and a data directory of its own for the server's key files.
   */
  static StorageConfig postgresWithOwnDataDir() throws java.io.IOException {
    StorageConfig pg = TestDatabases.postgres();
    return new StorageConfig(
        java.nio.file.Files.createTempDirectory("switchboard-pg"),
        pg.jdbcUrl(),
        pg.user(),
        pg.password(),
        pg.poolSize(),
        pg.schema());
  }
}

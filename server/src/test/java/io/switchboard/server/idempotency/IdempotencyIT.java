package io.switchboard.server.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IdempotencyIT {
  static final String CALLS = "/api/v2/conversations/calls";
  static final String CALL = "{\"from\":\"tel:+15550100\",\"to\":\"tel:+15550199\"}";
  static final MutableClock clock = new MutableClock();
  static TestServer server;
  static Api api;
  static TestServer.OrgAccess org;
  static TestServer.OrgAccess other;
  static String token;
  static String otherToken;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(), null, clock);
    api = server.api();
    org = server.newOrg();
    other = server.newOrg();
  }

  /**
   * Fresh tokens for each test: some tests move the clock a day ahead, past any token's lifetime.
   */
  @BeforeEach
  void tokens() {
    token = api.token(org);
    otherToken = api.token(other);
    fx = new Fixtures(api, token);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  void theFirstResponseIsReplayedForTheSameKey() {
    String key = key();
    var first = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isEmpty();
    var again = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).contains("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(again.header("Content-Type").orElseThrow()).startsWith("application/json");
    assertThat(again.header("ININ-Correlation-Id"))
        .isNotEqualTo(first.header("ININ-Correlation-Id"));

    // The exact header case, on the wire.
    var raw =
        RawHttp.exchange(
            server.port(),
            "POST",
            CALLS,
            List.of(
                "Authorization: Bearer " + token,
                "Content-Type: application/json",
                "Idempotency-Key: " + key),
            CALL);
    assertThat(raw.statusLine()).contains("201");
    assertThat(raw.exactHeader("Idempotent-Replayed")).isEqualTo("true");

    var without = api.post(CALLS, token, CALL);
    assertThat(without.json().get("id").asString())
        .as("no key, no replay")
        .isNotEqualTo(first.json().get("id").asString());
  }

  @Test
  void theSameKeyWithAnotherBodyIs422() {
    String key = key();
    api.post(CALLS, token, CALL, "Idempotency-Key", key);
    var reused =
        api.post(
            CALLS,
            token,
            "{\"from\":\"tel:+1999\",\"to\":\"tel:+15550199\"}",
            "Idempotency-Key",
            key);
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.json().get("code").asString()).isEqualTo("idempotency.key.reused");
    var otherEndpoint = api.post("/api/v2/users", token, CALL, "Idempotency-Key", key);
    assertThat(otherEndpoint.status())
        .as("users are not idempotent-wrapped: the key is ignored there")
        .isEqualTo(400);
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String conversation = fx.call(null).get("id").asString();
    var sessionWithCallKey =
        api.post(
            "/api/v2/agent-scripting/sessions",
            token,
            "{\"scriptId\":\"" + script + "\",\"conversationId\":\"" + conversation + "\"}",
            "Idempotency-Key",
            key);
    assertThat(sessionWithCallKey.status()).as("one key, another endpoint").isEqualTo(422);
  }

  @Test
  void aKeyWhoseFirstRequestStillRunsIs409() {
    String key = key();
    var store = new IdempotencyStore(server.switchboard().database().jdbi());
    String fingerprint =
        Idempotency.fingerprint("POST", CALLS, null, CALL.getBytes(StandardCharsets.UTF_8));
    var now = clock.instant();
    assertThat(
            store.tryInsert(
                org.orgId(),
                key,
                fingerprint,
                "another-node",
                now,
                now.plusSeconds(60),
                now.plusSeconds(86_400)))
        .isTrue();
    var r = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("code").asString()).isEqualTo("idempotency.request.in.progress");

    // A first request that never finished (its node died) gives the key up when its lease runs out.
    clock.advance(Duration.ofSeconds(121));
    var takenOver = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    assertThat(takenOver.status()).isEqualTo(201);
    assertThat(api.post(CALLS, token, CALL, "Idempotency-Key", key).json().get("id").asString())
        .isEqualTo(takenOver.json().get("id").asString());
  }

  @Test
  void concurrentRequestsWithOneKeyCreateOneConversation() {
    String key = key();
    var ids = new java.util.HashSet<String>();
    int created = 0;
    for (Api.Response r :
        Concurrently.run(16, i -> api.post(CALLS, token, CALL, "Idempotency-Key", key))) {
      assertThat(r.status()).as(r.body()).isIn(201, 409);
      if (r.status() == 201) {
        created++;
        ids.add(r.json().get("id").asString());
      } else {
        assertThat(r.json().get("code").asString()).isEqualTo("idempotency.request.in.progress");
      }
    }
    assertThat(created).isPositive();
    assertThat(ids).hasSize(1);
  }

  @Test
  void aFailedFirstRequestFreesTheKey() {
    String key = key();
    var bad = api.post(CALLS, token, "{\"to\":\"tel:+1\"}", "Idempotency-Key", key);
    assertThat(bad.status()).isEqualTo(400);
    var good = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    assertThat(good.status()).isEqualTo(201);
    assertThat(good.header("Idempotent-Replayed")).isEmpty();
  }

  @Test
  void keysArePerOrg() {
    String key = key();
    var mine = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    var theirs = api.post(CALLS, otherToken, CALL, "Idempotency-Key", key);
    assertThat(theirs.status()).isEqualTo(201);
    assertThat(theirs.header("Idempotent-Replayed")).isEmpty();
    assertThat(theirs.json().get("id").asString()).isNotEqualTo(mine.json().get("id").asString());
    assertThat(
            api.get("/api/v2/conversations/" + mine.json().get("id").asString(), otherToken)
                .status())
        .isEqualTo(404);
  }

  @Test
  void aStoredResponseIsKeptForTheRetentionPeriodOnly() {
    String key = key();
    var first = api.post(CALLS, token, CALL, "Idempotency-Key", key);
    clock.advance(Duration.ofHours(23));
    assertThat(api.post(CALLS, token, CALL, "Idempotency-Key", key).header("Idempotent-Replayed"))
        .contains("true");
    clock.advance(Duration.ofHours(1).plusSeconds(1));
    var fresh =
        api.post(
            CALLS,
            api.token(org),
            "{\"from\":\"tel:+1777\",\"to\":\"tel:+1\"}",
            "Idempotency-Key",
            key);
    assertThat(fresh.status()).isEqualTo(201);
    assertThat(fresh.json().get("id").asString()).isNotEqualTo(first.json().get("id").asString());
  }

  @Test
  void wrapupsAndSessionCreationAreIdempotentToo() {
    String agent = fx.user("Idem Agent");
    String code = fx.wrapupCode("Idem");
    JsonNode call = fx.call(agent);
    String cid = call.get("id").asString();
    JsonNode participant = Fixtures.agentOf(call);
    api.post("/api/v2/conversations/" + cid + "/disconnect", token, null);
    String path =
        "/api/v2/conversations/calls/"
            + cid
            + "/participants/"
            + participant.get("id").asString()
            + "/communications/"
            + participant.get("calls").get(0).get("id").asString()
            + "/wrapup";
    String key = key();
    assertThat(
            api.post(path, token, "{\"code\":\"" + code + "\"}", "Idempotency-Key", key).status())
        .isEqualTo(202);
    var replay = api.post(path, token, "{\"code\":\"" + code + "\"}", "Idempotency-Key", key);
    assertThat(replay.status()).isEqualTo(202);
    assertThat(replay.header("Idempotent-Replayed")).contains("true");
    String seedPath = "/api/v2/integrations/scripting/interactions/" + cid + "/wrapup";
    String seedKey = key();
    assertThat(
            api.post(
                    seedPath,
                    token,
                    "{\"agentId\":\"" + agent + "\",\"code\":\"" + code + "\"}",
                    "Idempotency-Key",
                    seedKey)
                .status())
        .isEqualTo(202);
    assertThat(
            api.post(
                    seedPath,
                    token,
                    "{\"agentId\":\"" + agent + "\",\"code\":\"" + code + "\"}",
                    "Idempotency-Key",
                    seedKey)
                .header("Idempotent-Replayed"))
        .contains("true");

    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String body =
        "{\"scriptId\":\""
            + script
            + "\",\"conversationId\":\""
            + fx.call(agent).get("id").asString()
            + "\"}";
    String sessionKey = key();
    var s1 =
        api.post("/api/v2/agent-scripting/sessions", token, body, "Idempotency-Key", sessionKey);
    var s2 =
        api.post("/api/v2/agent-scripting/sessions", token, body, "Idempotency-Key", sessionKey);
    assertThat(s2.json().get("id").asString()).isEqualTo(s1.json().get("id").asString());
    assertThat(s2.header("ETag")).isEqualTo(s1.header("ETag"));
    assertThat(s2.header("Idempotent-Replayed")).contains("true");
  }

  @Test
  void aKeyMustBeSane() {
    var tooLong = api.post(CALLS, token, CALL, "Idempotency-Key", "k".repeat(256));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().get("messageParams").get("field").asString())
        .isEqualTo("Idempotency-Key");
    assertThat(api.post(CALLS, token, CALL, "Idempotency-Key", "k".repeat(255)).status())
        .isEqualTo(201);
  }
}

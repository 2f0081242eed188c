package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The ready scenarios and uploaded ones, end to end over HTTP. */
class FaultScenariosIT {
  static final String FAULTS = "/api/v2/switchboard/faults";
  static final String SCENARIOS = FAULTS + "/scenarios";
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String admin;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put(SettingKeys.EGRESS_ALLOW, "127.0.0.1");
    server = TestServer.start(settings);
    upstream = Upstream.start();
    upstream.on("/crm", (ex, req) -> Upstream.json(ex, 200, "{\"name\":\"Ada\"}"));
    api = server.api();
    admin = api.token(server.newOrg());
    fx = new Fixtures(api, admin);
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  @AfterEach
  void clear() {
    assertThat(api.delete(FAULTS, admin).status()).isEqualTo(204);
  }

  static JsonNode apply(String name) {
    var r = api.post(SCENARIOS + "/" + name, admin, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void theFiveReadyScenariosAreListedAndApplyIdempotently() {
    var list = api.get(SCENARIOS, admin).json().get("entities");
    assertThat(list).hasSize(5);
    var names = new java.util.ArrayList<String>();
    for (JsonNode s : list) {
      names.add(s.get("name").asString());
      assertThat(s.get("description").asString()).isNotBlank();
      assertThat(s.get("rules").asInt()).isPositive();
    }
    assertThat(names)
        .containsExactly(
            "login-burst-429",
            "session-lock-409",
            "bulk-update-429",
            "flaky-crm",
            "wrapup-after-close-404");
    for (String name : names) {
      JsonNode applied = apply(name);
      assertThat(applied.get("scenario").asString()).isEqualTo(name);
      for (JsonNode rule : applied.get("entities")) {
        assertThat(rule.get("scenario").asString()).isEqualTo(name);
        assertThat(rule.get("until").asString())
            .as("scenario rules end by themselves")
            .isNotBlank();
      }
    }
    int total = api.get(FAULTS, admin).json().get("total").asInt();
    apply("session-lock-409");
    assertThat(api.get(FAULTS, admin).json().get("total").asInt())
        .as("applying again replaces")
        .isEqualTo(total);
    var unknown = api.post(SCENARIOS + "/no-such", admin, null);
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  void anUploadedYamlScenarioIsCheckedAndApplied() {
    String yaml =
        """
        name: my-chaos
        description: users are flaky
        rules:
          - name: users 503 twice
            match: {method: GET, path: /api/v2/users}
            effect: {type: failFirst, count: 2, status: 503, retryAfterSeconds: 1}
        """;
    var r = upload(yaml, "application/yaml");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().get("entities").get(0).get("id").asString();
    var refused = api.get("/api/v2/users", admin);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Switchboard-Fault")).contains(id);
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(503);
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);

    var json =
        api.post(
            SCENARIOS,
            admin,
            "{\"name\":\"j\",\"rules\":[{\"name\":\"r\",\"effect\":{\"type\":\"reset\"},"
                + "\"match\":{\"path\":\"/api/v2/nothing\"}}]}");
    assertThat(json.status()).as(json.toString()).isEqualTo(201);

    var unreadable = upload("name: [unclosed", "text/yaml");
    assertThat(unreadable.status()).isEqualTo(400);
    assertThat(unreadable.json().get("code").asString()).isEqualTo("fault.scenario.unreadable");
    var badRule =
        upload(
            "name: bad\nrules:\n  - name: r\n    effect: {type: status, status: 302}\n",
            "text/yaml");
    assertThat(badRule.status()).isEqualTo(400);
    assertThat(badRule.json().get("code").asString()).isEqualTo("fault.status.out.of.range");
    assertThat(badRule.json().get("message").asString()).startsWith("rules[0].");
    var noName = upload("rules: []\n", "text/yaml");
    assertThat(noName.status()).isEqualTo(400);
    assertThat(upload("name: x", "text/plain").status()).isEqualTo(415);
    var tooMany = new StringBuilder("name: many\nrules:\n");
    for (int i = 0; i < 51; i++)
      tooMany.append("  - {name: r").append(i).append(", effect: {type: reset}}\n");
    assertThat(upload(tooMany.toString(), "text/yaml").status()).isEqualTo(400);
  }

  private static Api.Response upload(String body, String type) {
    return api.raw(
        "POST", SCENARIOS, admin, body.getBytes(StandardCharsets.UTF_8), "Content-Type", type);
  }

  @Test
  void loginBurst429AnswersPartOfThePublishedScriptReadsWithRetryAfter5() {
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    apply("login-burst-429");
    int refused = 0;
    for (int i = 0; i < 30; i++) {
      var r = api.get("/api/v2/scripts/published/" + script, admin);
      if (r.status() == 429) {
        refused++;
        assertThat(r.header("Retry-After")).contains("5");
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(refused).isBetween(1, 29);
  }

  @Test
  void sessionLock409RefusesPartOfTheSessionWrites() {
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    String session =
        "/api/v2/agent-scripting/sessions/"
            + fx.session(script, fx.call(null).get("id").asString(), null).get("id").asString();
    apply("session-lock-409");
    int conflicts = 0;
    for (int i = 0; i < 20; i++) {
      var r = api.patch(session, admin, "{\"data\":{\"customerName\":\"n" + i + "\"}}");
      if (r.status() == 409) {
        conflicts++;
        assertThat(r.json().get("code").asString()).isEqualTo("version.mismatch");
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(conflicts).isBetween(1, 19);
    assertThat(api.get(session, admin).status()).isEqualTo(200);
  }

  @Test
  void bulkUpdate429SqueezesWrites() {
    apply("bulk-update-429");
    int refused = 0;
    int created = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 60; i++) {
      var r =
          api.post(
              "/api/v2/routing/wrapupcodes", admin, "{\"name\":\"c " + UUID.randomUUID() + "\"}");
      if (r.status() == 429) {
        refused++;
        assertThat(r.json().get("code").asString()).isEqualTo("too.many.requests");
        assertThat(r.header("Retry-After")).isPresent();
      } else {
        assertThat(r.status()).isEqualTo(201);
        created++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // 30 at once, then 3 a second (30 per 10 s, refilled gradually).
    assertThat(created).isBetween(30, 30 + (int) Math.ceil(seconds * 3) + 1);
    assertThat(refused).isEqualTo(60 - created);
    // Reads are not squeezed.
    assertThat(api.get("/api/v2/routing/wrapupcodes", admin).status()).isEqualTo(200);
  }

  @Test
  void flakyCrmMakesSomeDataActionCallsFail() {
    var created =
        api.post(
            "/api/v2/architect/external-apis",
            admin,
            "{\"name\":\"crm "
                + UUID.randomUUID()
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url("/crm")
                + "\",\"timeout\":3000,\"retry\":0}");
    String id = created.json().get("id").asString();
    apply("flaky-crm");
    int failed = 0;
    for (int i = 0; i < 12; i++) {
      JsonNode report =
          api.post("/api/v2/architect/external-apis/" + id + "/test", admin, null).json();
      if (!report.get("success").asBoolean()) failed++;
    }
    assertThat(failed).isBetween(1, 12);
  }

  @Test
  void wrapupAfterClose404MakesTheReadAndTheWrapupRightAfterADisconnect404() {
    String code = fx.wrapupCode("Resolved");
    JsonNode call = fx.call(fx.user("agent"));
    String cid = call.get("id").asString();
    apply("wrapup-after-close-404");
    assertThat(api.post("/api/v2/conversations/" + cid + "/disconnect", admin, null).status())
        .isEqualTo(202);
    assertThat(api.get("/api/v2/conversations/" + cid, admin).status()).isEqualTo(404);
    // The seed's own call: the scripting wrap-up of the interaction just closed.
    String agent = Fixtures.agentOf(call).get("userId").asString();
    String wrapup = "/api/v2/integrations/scripting/interactions/" + cid + "/wrapup";
    String body = "{\"agentId\":\"" + agent + "\",\"code\":\"" + code + "\"}";
    var naive = api.post(wrapup, admin, body);
    assertThat(naive.status()).isEqualTo(404);
    assertThat(naive.header("Switchboard-Fault")).isPresent();
    long start = System.nanoTime();
    Api.Response retried;
    do {
      sleep(300);
      retried = api.post(wrapup, admin, body);
    } while (retried.status() == 404 && System.nanoTime() - start < 10_000_000_000L);
    assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void everyBuiltInScenarioParsesUnderTheSameChecks() {
    // Applying each (the first test) proves they validate; here: the uploaded form of one is the
    // same.
    var s = new Scenarios();
    assertThat(s.builtIn()).hasSize(5);
    assertThat(s.builtIn("flaky-crm").orElseThrow().rules()).hasSize(3);
  }
}

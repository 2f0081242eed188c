package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The rules API over real HTTP: the issue's three rules, validation, scopes, isolation, TTL. */
class FaultRulesIT {
  static final String FAULTS = "/api/v2/switchboard/faults";
  static final String FLAKY_USERS =
      "{\"name\": \"flaky users\", \"match\": {\"method\": \"GET\", \"path\": \"/api/v2/users\"},"
          + " \"effect\": {\"type\": \"failFirst\", \"count\": 3, \"status\": 503,"
          + " \"retryAfterSeconds\": 1}}";
  static final String HALF_429 =
      "{\"name\": \"429 half the time\", \"match\": {\"method\": \"GET\", \"path\":"
          + " \"/api/v2/routing/wrapupcodes\"}, \"probability\": 0.5, \"seed\": 42, \"effect\":"
          + " {\"type\": \"status\", \"status\": 429, \"retryAfterSeconds\": 5}}";
  static final String SEED_004 =
      "{\"name\": \"seed 004\", \"match\": {\"method\": \"GET\", \"path\":"
          + " \"/api/v2/conversations/*\"}, \"effect\": {\"type\": \"readAfterWriteLag\","
          + " \"lagMs\": 1500, \"status\": 404}}";

  static TestServer server;
  static Api api;
  static String admin;
  static String otherAdmin;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.NO_TOKEN_LIMIT);
    api = server.api();
    admin = api.token(server.newOrg());
    otherAdmin = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void clear() {
    assertThat(api.delete(FAULTS, admin).status()).isEqualTo(204);
    assertThat(api.delete(FAULTS, otherAdmin).status()).isEqualTo(204);
  }

  static String create(String token, String json) {
    var r = api.post(FAULTS, token, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  @Test
  void theIssuesThreeRulesAreAcceptedAsWritten() {
    for (String rule : List.of(FLAKY_USERS, HALF_429, SEED_004)) {
      var r = api.post(FAULTS, admin, rule);
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      JsonNode body = r.json();
      assertThat(r.header("Location")).contains(FAULTS + "/" + body.get("id").asString());
      assertThat(body.get("enabled").asBoolean()).isTrue();
      assertThat(body.get("active").asBoolean()).isTrue();
      assertThat(body.get("matched").asLong()).isZero();
      assertThat(body.get("injected").asLong()).isZero();
    }
    var list = api.get(FAULTS, admin).json();
    assertThat(list.get("total").asInt()).isEqualTo(3);
    assertThat(list.get("entities").get(1).get("seed").asLong()).isEqualTo(42);
    assertThat(list.get("entities").get(1).get("probability").asDouble()).isEqualTo(0.5);
    assertThat(list.get("entities").get(2).get("effect").get("lagMs").asLong()).isEqualTo(1500);
    // Defaults are filled in and shown: a failFirst keeps its status, a rule without a seed gets
    // one.
    assertThat(list.get("entities").get(0).get("effect").get("status").asInt()).isEqualTo(503);
    assertThat(list.get("entities").get(0).has("seed")).isTrue();
    // Genesys's page shape: unasked, every rule; asked, one page with its links.
    assertThat(list.get("pageSize").asInt()).isEqualTo(100);
    assertThat(list.get("pageCount").asInt()).isEqualTo(1);
    var second = api.get(FAULTS + "?pageSize=2&pageNumber=2", admin).json();
    assertThat(second.get("entities")).hasSize(1);
    assertThat(second.get("entities").get(0).get("id").asString())
        .isEqualTo(list.get("entities").get(2).get("id").asString());
    assertThat(second.get("total").asInt()).isEqualTo(3);
    assertThat(second.get("pageCount").asInt()).isEqualTo(2);
    assertThat(second.get("previousUri").asString()).contains("pageNumber=1");
    assertThat(api.get(FAULTS + "?pageSize=0", admin).status()).isEqualTo(400);
  }

  @Test
  void failFirstFailsTheFirstThreeThenPassesAndCounts() {
    String id = create(admin, FLAKY_USERS);
    for (int i = 0; i < 3; i++) {
      var r = api.get("/api/v2/users", admin);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Retry-After")).contains("1");
      assertThat(r.header("Switchboard-Fault")).contains(id);
      assertThat(r.json().get("code").asString()).isEqualTo("service.unavailable");
      assertThat(r.json().get("status").asInt()).isEqualTo(503);
      assertThat(r.json().get("contextId").asString()).isNotBlank();
    }
    var ok = api.get("/api/v2/users", admin);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Switchboard-Fault")).isEmpty();
    // Other methods and paths are not matched.
    assertThat(api.get("/api/v2/routing/wrapupcodes", admin).status()).isEqualTo(200);
    var rule = api.get(FAULTS + "/" + id, admin).json();
    assertThat(rule.get("matched").asLong()).isEqualTo(4);
    assertThat(rule.get("injected").asLong()).isEqualTo(3);
  }

  @Test
  void aSeededProbabilityInjectsTheSameSequenceInTwoRuns() {
    List<Integer> first = run429Sequence();
    List<Integer> second = run429Sequence();
    assertThat(second).isEqualTo(first);
    long injected = first.stream().filter(s -> s == 429).count();
    // p = 0.5 over 40 requests: far from all or none.
    assertThat(injected).isBetween(8L, 32L);
    // Another seed gives another sequence.
    String id = create(admin, HALF_429.replace("\"seed\": 42", "\"seed\": 43"));
    var other = statuses("/api/v2/routing/wrapupcodes", 40);
    assertThat(other).isNotEqualTo(first);
    assertThat(api.delete(FAULTS + "/" + id, admin).status()).isEqualTo(204);
  }

  private List<Integer> run429Sequence() {
    String id = create(admin, HALF_429);
    var statuses = new ArrayList<Integer>();
    for (int i = 0; i < 40; i++) {
      var r = api.get("/api/v2/routing/wrapupcodes", admin);
      statuses.add(r.status());
      if (r.status() == 429) {
        assertThat(r.header("Retry-After")).contains("5");
        assertThat(r.header("Switchboard-Fault")).contains(id);
        assertThat(r.json().get("code").asString()).isEqualTo("too.many.requests");
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    var rule = api.get(FAULTS + "/" + id, admin).json();
    assertThat(rule.get("matched").asLong()).isEqualTo(40);
    assertThat(rule.get("injected").asLong())
        .isEqualTo(statuses.stream().filter(s -> s == 429).count());
    assertThat(api.delete(FAULTS + "/" + id, admin).status()).isEqualTo(204);
    return statuses;
  }

  private List<Integer> statuses(String path, int n) {
    var out = new ArrayList<Integer>();
    for (int i = 0; i < n; i++) out.add(api.get(path, admin).status());
    return out;
  }

  @Test
  void badRulesAreRefusedWithClearCodes() {
    assertRefused(
        "{\"name\":\"x\",\"effect\":{\"type\":\"explode\"}}", "fault.effect.unknown", "explode");
    assertRefused(
        "{\"name\":\"x\",\"effect\":{\"type\":\"status\",\"status\":200}}",
        "fault.status.out.of.range",
        "effect.status");
    assertRefused(
        "{\"name\":\"x\",\"effect\":{\"type\":\"status\",\"status\":600}}",
        "fault.status.out.of.range",
        "600");
    assertRefused(
        "{\"name\":\"x\",\"probability\":1.5,\"effect\":{\"type\":\"status\",\"status\":503}}",
        "fault.probability.out.of.range",
        "probability");
    assertRefused(
        "{\"name\":\"x\",\"probability\":-0.1,\"effect\":{\"type\":\"status\",\"status\":503}}",
        "fault.probability.out.of.range",
        "probability");
    assertRefused(
        "{\"name\":\"x\",\"match\":{\"path\":\"/"
            + "a".repeat(600)
            + "\"},"
            + "\"effect\":{\"type\":\"status\",\"status\":503}}",
        "fault.path.too.long",
        "512");
    assertRefused(
        "{\"name\":\"x\",\"match\":{\"path\":\"/*a*b*c*d*e*f*g*h*i\"},"
            + "\"effect\":{\"type\":\"status\",\"status\":503}}",
        "invalid.value",
        "wildcards");
    assertRefused("{\"effect\":{\"type\":\"status\",\"status\":503}}", "invalid.value", "name");
    assertRefused("{\"name\":\"x\"}", "invalid.value", "effect");
    assertRefused(
        "{\"name\":\"x\",\"match\":{\"method\":\"BREW\"},\"effect\":{\"type\":\"reset\"}}",
        "invalid.value",
        "match.method");
    assertRefused(
        "{\"name\":\"x\",\"match\":{\"path\":\"/oauth/token\"},\"effect\":{\"type\":\"reset\"}}",
        "invalid.value",
        "oauth");
    assertRefused(
        "{\"name\":\"x\",\"effect\":{\"type\":\"latency\",\"latencyMs\":600000}}",
        "invalid.value",
        "effect.latencyMs");
    assertRefused(
        "{\"name\":\"x\",\"effect\":{\"type\":\"latency\",\"minLatencyMs\":500,\"maxLatencyMs\":100}}",
        "invalid.value",
        "maxLatencyMs");
    assertRefused(
        "{\"name\":\"x\",\"ttlSeconds\":10,\"until\":\"2099-01-01T00:00:00Z\","
            + "\"effect\":{\"type\":\"reset\"}}",
        "invalid.value",
        "not both");
    assertRefused(
        "{\"name\":\"x\",\"until\":\"yesterday\",\"effect\":{\"type\":\"reset\"}}",
        "invalid.value",
        "ISO-8601");
    assertRefused(
        "{\"name\":\"x\",\"effect\":{\"type\":\"outage\",\"from\":\"2026-01-02T00:00:00Z\","
            + "\"until\":\"2026-01-01T00:00:00Z\"}}",
        "invalid.value",
        "after from");
    assertRefused(
        "{\"name\":\"x\",\"match\":{\"host\":\"crm.example.com\"},\"effect\":{\"type\":\"status\",\"status\":503}}",
        "invalid.value",
        "upstream");
    assertRefused(
        "{\"name\":\"x\",\"match\":{\"path\":\"/api/v2/users\"},\"effect\":{\"type\":\"upstreamStatus\",\"status\":503}}",
        "invalid.value",
        "upstream");
    var malformed = api.post(FAULTS, admin, "{\"name\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(api.get(FAULTS, admin).json().get("total").asInt()).isZero();
  }

  private static void assertRefused(String json, String code, String mentioned) {
    var r = api.post(FAULTS, admin, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("code").asString()).as(r.toString()).isEqualTo(code);
    assertThat(r.json().get("message").asString()).as(r.toString()).contains(mentioned);
  }

  @Test
  void rulesNeverCrossOrgs() {
    String id =
        create(
            admin,
            "{\"name\":\"all users 503\",\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"status\",\"status\":503}}");
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(503);
    var other = api.get("/api/v2/users", otherAdmin);
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header("Switchboard-Fault")).isEmpty();
    // The other org sees none of it and cannot touch it: 404 as for a missing id.
    assertThat(api.get(FAULTS, otherAdmin).json().get("total").asInt()).isZero();
    assertThat(api.get(FAULTS + "/" + id, otherAdmin).status()).isEqualTo(404);
    assertThat(api.delete(FAULTS + "/" + id, otherAdmin).status()).isEqualTo(404);
    assertThat(api.delete(FAULTS, otherAdmin).status()).isEqualTo(204);
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(503);
    // Token requests are never faulted, for anyone.
    assertThat(api.token(server.newOrg())).isNotBlank();
  }

  @Test
  void getDeleteAndClear() {
    String a = create(admin, FLAKY_USERS);
    String b = create(admin, HALF_429);
    assertThat(api.get(FAULTS + "/" + a, admin).json().get("name").asString())
        .isEqualTo("flaky users");
    assertThat(api.delete(FAULTS + "/" + a, admin).status()).isEqualTo(204);
    assertThat(api.get(FAULTS + "/" + a, admin).status()).isEqualTo(404);
    assertThat(api.delete(FAULTS + "/" + a, admin).status()).isEqualTo(404);
    assertThat(api.get(FAULTS + "/" + b, admin).status()).isEqualTo(200);
    assertThat(api.delete(FAULTS, admin).status()).isEqualTo(204);
    assertThat(api.get(FAULTS + "/" + b, admin).status()).isEqualTo(404);
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
  }

  @Test
  void theFaultsApiItselfIsNeverFaulted() {
    create(
        admin,
        "{\"name\":\"everything down\",\"match\":{\"path\":\"/api/v2/*\"},"
            + "\"effect\":{\"type\":\"status\",\"status\":503}}");
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(503);
    assertThat(api.get(FAULTS, admin).status()).isEqualTo(200);
    assertThat(api.delete(FAULTS, admin).status()).isEqualTo(204);
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
  }

  @Test
  void onlyOrgAdminsChangeRules() {
    String readerOnly = clientToken("[\"faults\"]");
    String noFaults = clientToken("[\"oauth\",\"users\"]");
    String readonly = clientToken("[\"faults:readonly\"]");
    assertThat(api.get(FAULTS, readerOnly).status()).isEqualTo(200);
    assertThat(api.get(FAULTS, readonly).status()).isEqualTo(200);
    var refused = api.post(FAULTS, readerOnly, FLAKY_USERS);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("code").asString()).isEqualTo("missing.scope");
    assertThat(refused.json().get("message").asString()).contains("oauth");
    assertThat(api.post(FAULTS, readonly, FLAKY_USERS).status()).isEqualTo(403);
    assertThat(api.delete(FAULTS, readerOnly).status()).isEqualTo(403);
    assertThat(api.get(FAULTS, noFaults).status()).isEqualTo(403);
    assertThat(api.post(FAULTS, noFaults, FLAKY_USERS).status()).isEqualTo(403);
    assertThat(api.get(FAULTS, admin).json().get("total").asInt()).isZero();
  }

  private static String clientToken(String scopes) {
    return client(scopes)[1];
  }

  /** A new client of the first org with these scopes: its id and a token. */
  private static String[] client(String scopes) {
    var created =
        api.post("/api/v2/oauth/clients", admin, "{\"name\":\"c\",\"scope\":" + scopes + "}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().get("id").asString();
    return new String[] {id, api.token(id, created.json().get("secret").asString())};
  }

  @Test
  void aRuleWithATtlEndsByItself() throws Exception {
    String id =
        create(
            admin,
            "{\"name\":\"short\",\"ttlSeconds\":1,\"match\":{\"path\":\"/api/v2/users\"},"
                + "\"effect\":{\"type\":\"status\",\"status\":500}}");
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(500);
    assertThat(api.get(FAULTS + "/" + id, admin).json().get("until").asString()).isNotBlank();
    Thread.sleep(1_200);
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
    var rule = api.get(FAULTS + "/" + id, admin).json();
    assertThat(rule.get("active").asBoolean()).isFalse();
  }

  @Test
  void aDisabledRuleDoesNothing() {
    create(
        admin,
        "{\"name\":\"off\",\"enabled\":false,\"match\":{\"path\":\"/api/v2/users\"},"
            + "\"effect\":{\"type\":\"status\",\"status\":500}}");
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
  }

  @Test
  void aClientHeaderAndMethodNarrowTheMatch() {
    String[] client = client("[\"users\"]");
    String otherClient = client[0];
    String other = client[1];
    create(
        admin,
        "{\"name\":\"header\",\"match\":{\"path\":\"/api/v2/users\",\"header\":{\"name\":\"X-Chaos\",\"value\":\"on\"}},"
            + "\"effect\":{\"type\":\"status\",\"status\":502}}");
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
    assertThat(api.get("/api/v2/users", admin, "X-Chaos", "off").status()).isEqualTo(200);
    assertThat(api.get("/api/v2/users", admin, "X-Chaos", "on").status()).isEqualTo(502);
    {
      create(
          admin,
          "{\"name\":\"client\",\"match\":{\"clientId\":\""
              + otherClient
              + "\",\"method\":\"GET\"},\"effect\":{\"type\":\"status\",\"status\":504}}");
      assertThat(api.get("/api/v2/users", other).status()).isEqualTo(504);
      assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
    }
  }
}

package io.switchboard.server.faults;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Upstream effects on data-action calls, through {@code POST .../external-apis/{id}/test} and
 * through a flow whose data action takes each of its paths (success, failure, timeout) on demand.
 */
class FaultUpstreamIT {
  static final String FAULTS = "/api/v2/switchboard/faults";
  static final String APIS = "/api/v2/architect/external-apis";
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String admin;
  static String otherAdmin;
  static final AtomicInteger tokensIssued = new AtomicInteger();

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                SettingKeys.EGRESS_ALLOW,
                "127.0.0.1",
                SettingKeys.BREAKER_MINIMUM_CALLS,
                "4",
                SettingKeys.BREAKER_FAILURE_RATE,
                "50",
                SettingKeys.BREAKER_OPEN_MILLIS,
                "60000",
                "limits.client.credentials.token.rate.per.minute",
                "0"));
    upstream = Upstream.start();
    upstream.on("/crm", (ex, req) -> json(ex, 200, "{\"name\":\"Ada\"}"));
    upstream.on(
        "/token",
        (ex, req) ->
            json(
                ex,
                200,
                "{\"access_token\":\"tok-"
                    + tokensIssued.incrementAndGet()
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
    api = server.api();
    admin = api.token(server.newOrg());
    otherAdmin = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  @AfterEach
  void clear() {
    assertThat(api.delete(FAULTS, admin).status()).isEqualTo(204);
    assertThat(api.delete(FAULTS, otherAdmin).status()).isEqualTo(204);
  }

  static String createApi(String token, String name, String extra) {
    var r =
        api.post(
            APIS,
            token,
            "{\"name\":\""
                + name
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url("/crm")
                + "\",\"timeout\":1000,\"retry\":0,"
                + "\"responseMapping\":{\"outputs\":{\"name\":\"$.name\"}}"
                + extra
                + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static String rule(String token, String json) {
    var r = api.post(FAULTS, token, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static JsonNode test(String token, String apiId) {
    var r = api.post(APIS + "/" + apiId + "/test", token, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static String byApi(String apiId, String effect) {
    return "{\"name\":\"upstream\",\"match\":{\"externalApiId\":\""
        + apiId
        + "\"},\"effect\":"
        + effect
        + "}";
  }

  @Test
  void anInjectedStatusFailsTheCallAndNamesTheRule() {
    String crm = createApi(admin, "crm " + UUID.randomUUID(), "");
    String other = createApi(admin, "other " + UUID.randomUUID(), "");
    String id =
        rule(
            admin,
            byApi(crm, "{\"type\":\"upstreamStatus\",\"status\":503,\"retryAfterSeconds\":1}"));
    int before = upstream.received("/crm").size();
    JsonNode report = test(admin, crm);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("status").asInt()).isEqualTo(503);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(report.get("error").get("detail").asString()).contains("fault rule " + id);
    assertThat(upstream.received("/crm")).as("never sent").hasSize(before);
    // Only the matched API.
    assertThat(test(admin, other).get("success").asBoolean()).isTrue();
    assertThat(api.get(FAULTS + "/" + id, admin).json().get("injected").asLong()).isEqualTo(1);
  }

  @Test
  void anHtmlPageOrPlainTextWhereJsonIsExpectedIsAnInvalidResponse() {
    String crm = createApi(admin, "crm " + UUID.randomUUID(), "");
    String html = rule(admin, byApi(crm, "{\"type\":\"upstreamBody\",\"body\":\"html\"}"));
    JsonNode report = test(admin, crm);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(report.get("error").get("detail").asString()).contains("text/html");
    api.delete(FAULTS + "/" + html, admin);
    // HTML labelled as JSON: the parse fails instead.
    rule(
        admin,
        byApi(
            crm,
            "{\"type\":\"upstreamBody\",\"body\":\"html\",\"contentType\":\"application/json\"}"));
    JsonNode mislabelled = test(admin, crm);
    assertThat(mislabelled.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(mislabelled.get("error").get("detail").asString()).containsIgnoringCase("JSON");
  }

  @Test
  void aWrongContentTypeOnTheRealAnswerIsAnInvalidResponse() {
    String crm = createApi(admin, "crm " + UUID.randomUUID(), "");
    int before = upstream.received("/crm").size();
    rule(admin, byApi(crm, "{\"type\":\"upstreamContentType\",\"contentType\":\"text/plain\"}"));
    JsonNode report = test(admin, crm);
    assertThat(upstream.received("/crm")).as("the real call was made").hasSize(before + 1);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(report.get("error").get("detail").asString()).contains("text/plain");
  }

  @Test
  void latencyAndAHungConnection() {
    String crm = createApi(admin, "crm " + UUID.randomUUID(), "");
    String slow = rule(admin, byApi(crm, "{\"type\":\"upstreamLatency\",\"latencyMs\":300}"));
    JsonNode report = test(admin, crm);
    assertThat(report.get("success").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("latencyMs").asLong()).isBetween(295L, 5_000L);
    api.delete(FAULTS + "/" + slow, admin);
    rule(admin, byApi(crm, "{\"type\":\"upstreamHang\"}"));
    JsonNode hung = test(admin, crm);
    assertThat(hung.get("error").get("kind").asString()).isEqualTo("timeout");
    // The API's own 1000 ms timeout ends it.
    assertThat(hung.get("latencyMs").asLong()).isBetween(950L, 5_000L);
  }

  @Test
  void anExpiredTokenIsRenewedOnceAndTheCallSucceeds() {
    var cred =
        api.post(
            "/api/v2/integrations/credentials",
            admin,
            "{\"name\":\"oauth "
                + UUID.randomUUID()
                + "\",\"type\":\"oauth2-client-credentials\",\"allowedHosts\":[\"127.0.0.1\"],"
                + "\"credentialFields\":{\"tokenUrl\":\""
                + upstream.url("/token")
                + "\",\"clientId\":\"c\",\"clientSecret\":\"s\"}}");
    assertThat(cred.status()).as(cred.toString()).isEqualTo(201);
    String crm =
        createApi(
            admin,
            "crm " + UUID.randomUUID(),
            ",\"credentialId\":\"" + cred.json().get("id").asString() + "\"");
    assertThat(test(admin, crm).get("success").asBoolean()).isTrue();
    int issued = tokensIssued.get();
    String id = rule(admin, byApi(crm, "{\"type\":\"upstreamExpiredToken\"}"));
    JsonNode renewed = test(admin, crm);
    assertThat(renewed.get("success").asBoolean()).as(renewed.toString()).isTrue();
    assertThat(renewed.get("attempts").asInt()).isEqualTo(2);
    assertThat(tokensIssued.get()).as("a fresh token was fetched").isEqualTo(issued + 1);
    // Once: the next call goes straight through.
    JsonNode next = test(admin, crm);
    assertThat(next.get("attempts").asInt()).isEqualTo(1);
    var counted = api.get(FAULTS + "/" + id, admin).json();
    assertThat(counted.get("injected").asLong()).isEqualTo(1);
  }

  @Test
  void repeatedFailuresOpenTheCircuit() {
    String crm = createApi(admin, "crm " + UUID.randomUUID(), "");
    rule(admin, byApi(crm, "{\"type\":\"upstreamStatus\",\"status\":500}"));
    for (int i = 0; i < 4; i++) test(admin, crm);
    JsonNode refused = test(admin, crm);
    assertThat(refused.get("error").get("kind").asString()).isEqualTo("circuit-open");
  }

  @Test
  void upstreamRulesNeverCrossOrgs() {
    String mine = createApi(admin, "crm " + UUID.randomUUID(), "");
    String theirs = createApi(otherAdmin, "crm " + UUID.randomUUID(), "");
    // A host rule of the other org matches every host, but only that org's calls.
    rule(
        otherAdmin,
        "{\"name\":\"all hosts\",\"match\":{\"host\":\"*\"},"
            + "\"effect\":{\"type\":\"upstreamStatus\",\"status\":502}}");
    assertThat(test(otherAdmin, theirs).get("status").asInt()).isEqualTo(502);
    assertThat(test(admin, mine).get("success").asBoolean()).isTrue();
    // An API id of the other org in my rule matches nothing of theirs.
    rule(admin, byApi(theirs, "{\"type\":\"upstreamStatus\",\"status\":503}"));
    api.delete(FAULTS, otherAdmin);
    assertThat(test(otherAdmin, theirs).get("success").asBoolean()).isTrue();
  }

  @Test
  void aFlowTakesEachPathOnDemand() {
    String name = "Lookup " + UUID.randomUUID();
    String crm = createApi(admin, name, "");
    String flowId = flow(name);
    assertThat(run(flowId)).isEqualTo("success");

    String failing = rule(admin, byApi(crm, "{\"type\":\"upstreamStatus\",\"status\":503}"));
    assertThat(run(flowId)).isEqualTo("failure");
    api.delete(FAULTS + "/" + failing, admin);

    String html = rule(admin, byApi(crm, "{\"type\":\"upstreamBody\",\"body\":\"html\"}"));
    assertThat(run(flowId)).isEqualTo("failure");
    api.delete(FAULTS + "/" + html, admin);

    rule(admin, byApi(crm, "{\"type\":\"upstreamHang\"}"));
    assertThat(run(flowId)).isEqualTo("timeout");
  }

  private static String flow(String apiName) {
    String flowId =
        api.post(
                "/api/v2/flows",
                admin,
                "{\"name\":\"F " + UUID.randomUUID() + "\",\"type\":\"WORKFLOW\"}")
            .json()
            .get("id")
            .asString();
    String yaml =
        """
        workflow:
          name: F
          startUpRef: "/workflow/tasks/task[t]"
          tasks:
            - task:
                name: T
                refId: t
                actions:
                  - callData:
                      name: Lookup
                      category:
                        Any:
                          dataAction:
                            "%s":
                      outputs:
                        success:
                          actions:
                            - endWorkflow:
                                name: success
                        failure:
                          actions:
                            - endWorkflow:
                                name: failure
                        timeout:
                          actions:
                            - endWorkflow:
                                name: timeout
        """
            .formatted(apiName);
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + flowId + "/latestconfiguration",
            admin,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "text/yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var published = api.post("/api/v2/flows/actions/publish?flow=" + flowId, admin, null);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    return flowId;
  }

  /** Runs the flow; the name of the action it ended with (the data action's path). */
  private static String run(String flowId) {
    String id =
        api.post("/api/v2/flows/executions", admin, "{\"flowId\":\"" + flowId + "\"}")
            .json()
            .get("id")
            .asString();
    JsonNode[] e = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            !(e[0] = api.get("/api/v2/flows/executions/" + id, admin).json())
                .get("status")
                .asString()
                .equals("RUNNING"));
    List<String> names = new ArrayList<>();
    for (JsonNode a : e[0].get("trace").get("actions")) names.add(a.get("name").asString());
    return names.getLast();
  }
}

package io.switchboard.server.flows;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Executions are observable, over real HTTP: per-attempt trace detail (Retry-After honoured or cut
 * by the deadline, a 401 token refresh, an open breaker), variable changes (old and new, secrets
 * redacted), listings with outcome counts, metrics on /metrics, pruning, and the 409 on deleting a
 * data action or script a published flow uses.
 */
class FlowObservabilityIT {
  static final String FLOWS = "/api/v2/flows";
  static final String APIS = "/api/v2/architect/external-apis";
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String token;
  static String otherToken;

  @BeforeAll
  static void start() {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    // A breaker that opens after two failed calls in a row, and stays open for the test.
    settings.put(SettingKeys.BREAKER_MINIMUM_CALLS, "2");
    settings.put(SettingKeys.BREAKER_FAILURE_RATE, "100");
    settings.put(SettingKeys.BREAKER_OPEN_MILLIS, "600000");
    server = TestServer.start(LoopbackUpstream.allowed(settings));
    upstream = Upstream.start();
    api = server.api();
    token = api.token(server.newOrg());
    otherToken = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static String dataAction(String name, String path, int retry, int timeoutMs, String extra) {
    var r =
        api.post(
            APIS,
            token,
            "{\"name\":\""
                + name
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url(path)
                + "\",\"timeout\":"
                + timeoutMs
                + ",\"retry\":"
                + retry
                + extra
                + ",\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /**
   * A workflow whose one callData writes Flow.tier (and Flow.apiToken, a secret-looking name) and
   * records the path taken in Flow.path.
   */
  static String workflow(String tok, String name, String dataAction, int deadlineSeconds) {
    String id =
        api.post(FLOWS, tok, "{\"name\":\"" + name + "\",\"type\":\"WORKFLOW\"}")
            .json()
            .get("id")
            .asString();
    String yaml =
        """
        workflow:
          name: %s
          startUpRef: "/workflow/tasks/task[t]"
          deadline:
            lit:
              seconds: %d
          variables:
            - stringVariable:
                name: Flow.tier
                initialValue:
                  lit: none
                isOutput: true
            - stringVariable:
                name: Flow.apiToken
                isOutput: false
            - stringVariable:
                name: Flow.path
                isOutput: true
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
                            %s:
                              successOutputs:
                                tier: Flow.tier
                      outputs:
                        success:
                          actions:
                            - updateData:
                                name: Remember
                                statements:
                                  - string:
                                      variable: Flow.apiToken
                                      value:
                                        exp: 'Append("secret-", Flow.tier)'
                                  - string:
                                      variable: Flow.path
                                      value:
                                        lit: success
                        failure:
                          actions:
                            - updateData:
                                name: Failed
                                statements:
                                  - string:
                                      variable: Flow.path
                                      value:
                                        lit: failure
        """
            .formatted(name, deadlineSeconds, dataAction);
    var saved =
        api.raw(
            "PUT",
            FLOWS + "/" + id + "/latestconfiguration",
            tok,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var published = api.post(FLOWS + "/actions/publish?flow=" + id, tok, null);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    return id;
  }

  static JsonNode run(String tok, String flowId) {
    var r = api.post(FLOWS + "/executions", tok, "{\"flowId\":\"" + flowId + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String id = r.json().get("id").asString();
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          last[0] = api.get(FLOWS + "/executions/" + id, tok).json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    return last[0];
  }

  static JsonNode lookup(JsonNode execution) {
    JsonNode first = execution.get("trace").get("actions").get(0);
    assertThat(first.get("name").asString()).isEqualTo("Lookup");
    return first;
  }

  @Test
  void retryAfterIsHonouredAndEachAttemptIsTracedWithVariableChanges() {
    var calls = new AtomicInteger();
    upstream.on(
        "/busy-once",
        (ex, req) -> {
          if (calls.incrementAndGet() % 2 == 1) {
            ex.getResponseHeaders().add("Retry-After", "1");
            json(ex, 429, "{}");
          } else json(ex, 200, "{\"tier\":\"gold\"}");
        });
    String apiId = dataAction("Busy once", "/busy-once", 2, 5000, "");
    String flowId = workflow(token, "Retry after", "Busy once", 10);
    JsonNode e = run(token, flowId);
    assertThat(e.get("outputData").get("Flow.path").asString()).isEqualTo("success");
    JsonNode call = lookup(e).get("dataAction");
    assertThat(call.get("id").asString()).isEqualTo(apiId);
    assertThat(call.get("attempts").asInt()).isEqualTo(2);
    JsonNode log = call.get("attemptLog");
    assertThat(log).hasSize(2);
    assertThat(log.get(0).get("n").asInt()).isEqualTo(1);
    assertThat(log.get(0).get("status").asInt()).isEqualTo(429);
    assertThat(log.get(0).get("waitMs").asLong()).isEqualTo(1000);
    assertThat(log.get(0).get("why").asString()).isEqualTo("retry-after");
    assertThat(log.get(1).get("status").asInt()).isEqualTo(200);
    assertThat(log.get(1).has("why")).isFalse();
    assertThat(log.get(1).get("durationMs").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(call.has("cache")).isFalse();
    assertThat(lookup(e).get("durationMs").asLong()).isGreaterThanOrEqualTo(1000);

    // Variables changed: old and new; a secret-looking name is redacted on both sides.
    JsonNode tier = lookup(e).get("variables").get("Flow.tier");
    assertThat(tier.get("old").asString()).isEqualTo("none");
    assertThat(tier.get("new").asString()).isEqualTo("gold");
    JsonNode remember = e.get("trace").get("actions").get(1);
    assertThat(remember.get("variables").get("Flow.apiToken").has("old")).isFalse();
    assertThat(remember.get("variables").get("Flow.apiToken").get("new").asString())
        .isEqualTo("[redacted]");
    assertThat(e.get("trace").toString()).doesNotContain("secret-gold");
    assertThat(remember.get("variables").get("Flow.path").get("new").asString())
        .isEqualTo("success");
  }

  @Test
  void aRetryAfterThatDoesNotFitTheDeadlineIsCutAndTakesTheFailurePath() {
    upstream.on(
        "/busy-long",
        (ex, req) -> {
          ex.getResponseHeaders().add("Retry-After", "30");
          json(ex, 429, "{}");
        });
    dataAction("Busy long", "/busy-long", 3, 10000, "");
    String flowId = workflow(token, "Cut by deadline", "Busy long", 2);
    JsonNode e = run(token, flowId);
    assertThat(e.get("outcome").asString()).isEqualTo("completed");
    assertThat(e.get("outputData").get("Flow.path").asString()).isEqualTo("failure");
    JsonNode step = lookup(e);
    assertThat(step.get("outcome").asString()).isEqualTo("failure");
    JsonNode call = step.get("dataAction");
    assertThat(call.get("budgetMs").asLong()).isLessThanOrEqualTo(2000);
    JsonNode log = call.get("attemptLog");
    assertThat(log).hasSize(1);
    assertThat(log.get(0).get("status").asInt()).isEqualTo(429);
    assertThat(log.get(0).get("waitMs").asLong()).isEqualTo(30_000);
    assertThat(log.get(0).get("why").asString()).isEqualTo("retry-after-exceeds-budget");
    assertThat(step.get("durationMs").asLong()).isLessThan(2000);
  }

  /** Seed 003, edge case 1: the cached token is refused with 401; a new one is fetched once. */
  @Test
  void aRefusedOAuthTokenIsRefreshedOnceAndTheTraceShowsIt() {
    var issued = new AtomicInteger();
    var revoked = new AtomicReference<String>("");
    var fixedToken = new AtomicReference<String>();
    upstream.on(
        "/oauth/token",
        (ex, req) ->
            json(
                ex,
                200,
                "{\"access_token\":\""
                    + (fixedToken.get() != null
                        ? fixedToken.get()
                        : "tok-" + issued.incrementAndGet())
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
    var crmCalls = new AtomicInteger();
    upstream.on(
        "/oauth/crm",
        (ex, req) -> {
          crmCalls.incrementAndGet();
          String auth = req.header("Authorization");
          if (auth == null || auth.equals("Bearer " + revoked.get())) json(ex, 401, "{}");
          else json(ex, 200, "{\"tier\":\"gold\"}");
        });
    var cred =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"crm-oauth\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\""
                + upstream.url("/oauth/token")
                + "\",\"clientId\":\"c\",\"clientSecret\":\"s3cret-value\"}}");
    assertThat(cred.status()).as(cred.toString()).isEqualTo(201);
    dataAction(
        "OAuth CRM",
        "/oauth/crm",
        0,
        5000,
        ",\"credentialId\":\"" + cred.json().get("id").asString() + "\"");
    String flowId = workflow(token, "Long IVR", "OAuth CRM", 10);

    JsonNode first = run(token, flowId);
    assertThat(first.get("outputData").get("Flow.path").asString()).isEqualTo("success");
    assertThat(issued.get()).isEqualTo(1);

    // The API revokes tok-1 while it is still cached (a long IVR outlives its token).
    revoked.set("tok-1");
    JsonNode e = run(token, flowId);
    assertThat(e.get("outputData").get("Flow.path").asString()).isEqualTo("success");
    assertThat(issued.get()).isEqualTo(2);
    JsonNode log = lookup(e).get("dataAction").get("attemptLog");
    assertThat(log).hasSize(2);
    assertThat(log.get(0).get("status").asInt()).isEqualTo(401);
    assertThat(log.get(0).get("why").asString()).isEqualTo("token-refresh");
    assertThat(log.get(1).get("status").asInt()).isEqualTo(200);
    assertThat(e.toString()).doesNotContain("tok-1").doesNotContain("s3cret-value");

    // Refused again with the fresh token: once only, then the failure path.
    revoked.set("tok-2");
    int before = crmCalls.get();
    fixedToken.set("tok-2");
    JsonNode refused = run(token, flowId);
    assertThat(refused.get("outputData").get("Flow.path").asString()).isEqualTo("failure");
    JsonNode refusedLog = lookup(refused).get("dataAction").get("attemptLog");
    assertThat(refusedLog).hasSize(2);
    assertThat(refusedLog.get(0).get("why").asString()).isEqualTo("token-refresh");
    assertThat(refusedLog.get(1).get("status").asInt()).isEqualTo(401);
    assertThat(refusedLog.get(1).has("why")).isFalse();
    assertThat(crmCalls.get() - before).isEqualTo(2);
  }

  /** Seed 003, edge case 3: a rate of 429s opens the breaker; the trace says so. */
  @Test
  void aBreakerOpenedBy429sShowsInTheTraceAndTakesTheFailurePath() {
    var calls = new AtomicInteger();
    upstream.on(
        "/limited",
        (ex, req) -> {
          calls.incrementAndGet();
          json(ex, 429, "{}");
        });
    String apiId = dataAction("Rate limited", "/limited", 0, 2000, "");
    String flowId = workflow(token, "Breaker", "Rate limited", 10);
    for (int i = 0; i < 2; i++) {
      JsonNode e = run(token, flowId);
      JsonNode log = lookup(e).get("dataAction").get("attemptLog");
      assertThat(log.get(0).get("status").asInt()).isEqualTo(429);
      assertThat(log.get(0).get("why").asString()).isEqualTo("retries-exhausted");
    }
    JsonNode open = run(token, flowId);
    assertThat(open.get("outputData").get("Flow.path").asString()).isEqualTo("failure");
    JsonNode step = lookup(open);
    assertThat(step.get("outcome").asString()).isEqualTo("failure");
    assertThat(step.get("output").asString()).isEqualTo("failure");
    JsonNode call = step.get("dataAction");
    assertThat(call.get("error").asString()).isEqualTo("circuit-open");
    assertThat(call.get("circuit").asString()).isEqualTo("open");
    assertThat(call.get("attempts").asInt()).isZero();
    assertThat(call.has("attemptLog")).isFalse();
    assertThat(calls.get()).isEqualTo(2);

    String metrics = api.get("/metrics", null).body();
    assertThat(metrics)
        .contains("switchboard_dataaction_calls_total")
        .containsPattern(
            "switchboard_dataaction_calls_total\\{[^}]*" + apiId + "[^}]*circuit-open[^}]*} 1\\.0")
        .containsPattern(
            "switchboard_dataaction_calls_total\\{[^}]*" + apiId + "[^}]*\"failure\"[^}]*} 2\\.0");
  }

  @Test
  void executionsAreListedByFlowWithOutcomeCountsAndMetrics() {
    upstream.on("/ok", (ex, req) -> json(ex, 200, "{\"tier\":\"silver\"}"));
    upstream.on(
        "/slow",
        (ex, req) -> {
          Thread.sleep(3000);
          json(ex, 200, "{\"tier\":\"late\"}");
        });
    String okApi = dataAction("Quick", "/ok", 0, 2000, "");
    dataAction("Sluggish", "/slow", 0, 10000, "");
    String flowId = workflow(token, "Listed", "Quick", 10);
    for (int i = 0; i < 3; i++) run(token, flowId);
    String slowFlow = workflow(token, "Listed slow", "Sluggish", 1);
    JsonNode late = run(token, slowFlow);
    assertThat(late.get("outcome").asString()).isEqualTo("deadline");

    var page = api.get(FLOWS + "/" + flowId + "/executions?pageSize=2", token);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.json().get("total").asLong()).isEqualTo(3);
    assertThat(page.json().get("pageCount").asInt()).isEqualTo(2);
    assertThat(page.json().get("entities")).hasSize(2);
    JsonNode first = page.json().get("entities").get(0);
    assertThat(first.get("flowId").asString()).isEqualTo(flowId);
    assertThat(first.get("outcome").asString()).isEqualTo("completed");
    assertThat(first.get("flowVersion").get("name").asString()).isEqualTo("1.0");
    assertThat(first.has("trace")).isFalse();
    assertThat(first.get("selfUri").asString()).startsWith(FLOWS + "/executions/");
    var second = api.get(FLOWS + "/" + flowId + "/executions?pageSize=2&pageNumber=2", token);
    assertThat(second.json().get("entities")).hasSize(1);
    // Also under the Architect path.
    assertThat(
            api.get("/api/v2/architect/flows/" + flowId + "/executions", token)
                .json()
                .get("total")
                .asLong())
        .isEqualTo(3);

    assertThat(
            api.get(FLOWS + "/" + slowFlow + "/executions?outcome=deadline", token)
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);
    assertThat(
            api.get(FLOWS + "/" + slowFlow + "/executions?outcome=completed,error", token)
                .json()
                .get("total")
                .asLong())
        .isZero();
    var bad = api.get(FLOWS + "/" + flowId + "/executions?outcome=success", token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").asString()).isEqualTo("invalid.value");

    JsonNode summary = api.get(FLOWS + "/" + slowFlow + "/executions/summary", token).json();
    assertThat(summary.get("flowId").asString()).isEqualTo(slowFlow);
    assertThat(summary.get("total").asLong()).isEqualTo(1);
    assertThat(summary.get("outcomes").get("deadline").asLong()).isEqualTo(1);
    assertThat(summary.get("outcomes").get("completed").asLong()).isZero();
    assertThat(summary.get("outcomes").get("running").asLong()).isZero();
    assertThat(summary.get("retentionSeconds").asLong()).isEqualTo(604_800);

    // Another org's flow is missing; a token without the architect scope is refused.
    assertThat(api.get(FLOWS + "/" + flowId + "/executions", otherToken).status()).isEqualTo(404);
    assertThat(api.get(FLOWS + "/" + flowId + "/executions/summary", otherToken).status())
        .isEqualTo(404);
    assertThat(api.get(FLOWS + "/" + java.util.UUID.randomUUID() + "/executions", token).status())
        .isEqualTo(404);
    var noScope =
        api.post(
            "/api/v2/oauth/clients", token, "{\"name\":\"scripts-only\",\"scope\":[\"scripts\"]}");
    String scriptsToken =
        api.token(noScope.json().get("id").asString(), noScope.json().get("secret").asString());
    assertThat(api.get(FLOWS + "/" + flowId + "/executions", scriptsToken).status()).isEqualTo(403);

    // Executions outlive a deleted flow until pruned: still listed.
    assertThat(api.delete(FLOWS + "/" + slowFlow, token).status()).isEqualTo(204);
    assertThat(api.get(FLOWS + "/" + slowFlow + "/executions", token).json().get("total").asLong())
        .isEqualTo(1);

    String metrics = api.get("/metrics", null).body();
    assertThat(metrics)
        .containsPattern(
            "switchboard_flow_executions_total\\{[^}]*" + flowId + "[^}]*completed[^}]*} 3\\.0")
        .containsPattern(
            "switchboard_flow_executions_total\\{[^}]*" + slowFlow + "[^}]*deadline[^}]*} 1\\.0")
        .containsPattern(
            "switchboard_flow_execution_duration_seconds_count\\{[^}]*" + flowId + "[^}]*} 3")
        .containsPattern("switchboard_flow_execution_duration_seconds_bucket\\{[^}]*" + flowId)
        .containsPattern(
            "switchboard_dataaction_calls_total\\{[^}]*" + okApi + "[^}]*success[^}]*} 3\\.0")
        .containsPattern(
            "switchboard_dataaction_attempt_latency_seconds_count\\{[^}]*" + okApi + "[^}]*} 3")
        // Ids, never names.
        .doesNotContain("Listed slow");
  }

  @Test
  void deletingADataActionOrScriptAPublishedFlowUsesIs409NamingTheFlow() {
    upstream.on("/ref", (ex, req) -> json(ex, 200, "{\"tier\":\"gold\"}"));
    String apiId = dataAction("Referenced", "/ref", 0, 2000, "");
    String scriptId =
        new Fixtures(api, token)
            .publishedScript(
                "{\"name\":\"Gold"
                    + " script\",\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"Hi\"}]}]}");
    String flowId =
        api.post(FLOWS, token, "{\"name\":\"Uses both\",\"type\":\"INBOUNDCALL\"}")
            .json()
            .get("id")
            .asString();
    String yaml =
        """
        inboundCall:
          name: Uses both
          startUpRef: "/inboundCall/tasks/task[t]"
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
                            Referenced: {}
                      outputs:
                        success:
                          actions:
                            - setScreenPop:
                                name: Pop
                                screenPopScript:
                                  Gold script: {}
                  - disconnect:
                      name: Bye
        """;
    api.raw(
        "PUT",
        FLOWS + "/" + flowId + "/latestconfiguration",
        token,
        yaml.getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/yaml");
    // Only a published version holds references: a saved draft does not.
    assertThat(api.delete("/api/v2/scripts/" + scriptId, otherToken).status()).isEqualTo(404);
    var published = api.post(FLOWS + "/actions/publish?flow=" + flowId, token, null);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);

    var apiRefused = api.delete(APIS + "/" + apiId, token);
    assertThat(apiRefused.status()).isEqualTo(409);
    assertThat(apiRefused.json().get("code").asString()).isEqualTo("flow.reference.in.use");
    assertThat(apiRefused.json().get("message").asString()).contains("Uses both");
    assertThat(apiRefused.json().get("messageParams").get("flows").asString())
        .isEqualTo("Uses both");
    var scriptRefused = api.delete("/api/v2/scripts/" + scriptId, token);
    assertThat(scriptRefused.status()).isEqualTo(409);
    assertThat(scriptRefused.json().get("code").asString()).isEqualTo("flow.reference.in.use");
    assertThat(scriptRefused.json().get("message").asString()).contains("Uses both");
    // Another org cannot learn about it: its id is missing there.
    assertThat(api.delete(APIS + "/" + apiId, otherToken).status()).isEqualTo(404);

    // Deleting the flow releases its references.
    assertThat(api.delete(FLOWS + "/" + flowId, token).status()).isEqualTo(204);
    assertThat(api.delete(APIS + "/" + apiId, token).status()).isEqualTo(204);
    assertThat(api.delete("/api/v2/scripts/" + scriptId, token).status()).isEqualTo(204);
  }

  /**
   * Publishing and deleting at the same time: whichever wins, no published version is left using a
   * deleted data action. On H2 and on PostgreSQL (their foreign keys behave differently under
   * concurrency: H2 takes no lock on the referenced row).
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aDeleteRacingAPublishNeverLeavesAPublishedFlowWithoutItsDataAction(String dialect)
      throws Exception {
    StorageConfig storage = dialect.equals("postgres") ? TestDatabases.postgres() : null;
    try (var s =
        TestServer.start(
            LoopbackUpstream.allowed(TestServer.NO_TOKEN_LIMIT),
            storage,
            java.time.Clock.systemUTC())) {
      race(s.api(), s.api().token(s.newOrg()));
    } finally {
      if (storage != null) TestDatabases.drop(storage);
    }
  }

  static void race(Api api, String token) throws Exception {
    var outcomes = new ArrayList<String>();
    for (int i = 0; i < 25; i++) {
      String name = "Race " + i;
      String apiId =
          api.post(
                  APIS,
                  token,
                  "{\"name\":\""
                      + name
                      + "\",\"method\":\"GET\",\"url\":\""
                      + upstream.url("/race")
                      + "\",\"timeout\":2000}")
              .json()
              .get("id")
              .asString();
      String flowId =
          api.post(FLOWS, token, "{\"name\":\"" + name + "\",\"type\":\"WORKFLOW\"}")
              .json()
              .get("id")
              .asString();
      String yaml =
          """
          workflow:
            name: x
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
                              %s: {}
          """
              .formatted(name);
      api.raw(
          "PUT",
          FLOWS + "/" + flowId + "/latestconfiguration",
          token,
          yaml.getBytes(StandardCharsets.UTF_8),
          "Content-Type",
          "application/yaml");
      var publish =
          CompletableFuture.supplyAsync(
              () -> api.post(FLOWS + "/actions/publish?flow=" + flowId, token, null));
      var delete = CompletableFuture.supplyAsync(() -> api.delete(APIS + "/" + apiId, token));
      int p = publish.get().status();
      int d = delete.get().status();
      outcomes.add(p + "/" + d);
      boolean apiExists = api.get(APIS + "/" + apiId, token).status() == 200;
      JsonNode flow = api.get(FLOWS + "/" + flowId, token).json();
      if (p == 200) {
        assertThat(d).as(outcomes.toString()).isEqualTo(409);
        assertThat(apiExists).isTrue();
        assertThat(flow.has("publishedVersion")).isTrue();
      } else {
        assertThat(d).as(outcomes.toString()).isEqualTo(204);
        assertThat(p).as(outcomes.toString()).isIn(400, 409);
        assertThat(apiExists).isFalse();
        assertThat(flow.has("publishedVersion")).isFalse();
      }
    }
    System.out.println("publish/delete race outcomes: " + outcomes);
  }

  /** Traces are kept flows.execution-retention-seconds after launch, then pruned. */
  @Test
  void executionsArePrunedAfterTheRetentionTime() {
    var clock = new MutableClock();
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put(SettingKeys.FLOW_EXECUTION_RETENTION, "60");
    try (var s = TestServer.start(LoopbackUpstream.allowed(settings), null, clock)) {
      Api a = s.api();
      String tok = a.token(s.newOrg());
      String flowId =
          a.post(FLOWS, tok, "{\"name\":\"Pruned\",\"type\":\"WORKFLOW\"}")
              .json()
              .get("id")
              .asString();
      String yaml =
          """
          workflow:
            name: Pruned
            startUpRef: "/workflow/tasks/task[t]"
            tasks:
              - task:
                  name: T
                  refId: t
                  actions:
                    - endWorkflow:
                        name: End
          """;
      a.raw(
          "PUT",
          FLOWS + "/" + flowId + "/latestconfiguration",
          tok,
          yaml.getBytes(StandardCharsets.UTF_8),
          "Content-Type",
          "application/yaml");
      assertThat(a.post(FLOWS + "/actions/publish?flow=" + flowId, tok, null).status())
          .isEqualTo(200);
      var ids = new ArrayList<String>();
      for (int i = 0; i < 2; i++)
        ids.add(
            a.post(FLOWS + "/executions", tok, "{\"flowId\":\"" + flowId + "\"}")
                .json()
                .get("id")
                .asString());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() ->
              a.get(FLOWS + "/" + flowId + "/executions/summary", tok)
                      .json()
                      .get("outcomes")
                      .get("completed")
                      .asLong()
                  == 2);
      clock.advance(Duration.ofSeconds(30));
      String kept =
          a.post(FLOWS + "/executions", tok, "{\"flowId\":\"" + flowId + "\"}")
              .json()
              .get("id")
              .asString();
      clock.advance(Duration.ofSeconds(31));
      // The pruner runs every retention/60 (1 s) of real time.
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> a.get(FLOWS + "/executions/" + ids.get(0), tok).status() == 404);
      assertThat(a.get(FLOWS + "/executions/" + ids.get(1), tok).status()).isEqualTo(404);
      assertThat(a.get(FLOWS + "/executions/" + kept, tok).status()).isEqualTo(200);
      JsonNode summary = a.get(FLOWS + "/" + flowId + "/executions/summary", tok).json();
      assertThat(summary.get("total").asLong()).isEqualTo(1);
      assertThat(summary.get("retentionSeconds").asLong()).isEqualTo(60);
      List<String> listed = new ArrayList<>();
      a.get(FLOWS + "/" + flowId + "/executions", tok)
          .json()
          .get("entities")
          .forEach(x -> listed.add(x.get("id").asString()));
      assertThat(listed).containsExactly(kept);
    }
  }
}

package io.switchboard.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code serve --demo}'s flows: per org, the published "Personalised script" flow whose data action
 * reads the tier's script from this server's own API with an OAuth2 client-credentials credential
 * (cached per tier), and its naive twin. Found again, not duplicated, on a restart on another port.
 */
class DemoFlowsIT {
  static final String FLOWS = "/api/v2/flows";

  static DemoSetup.DemoCredentials ensure(TestServer server) throws Exception {
    var sb = server.switchboard();
    return new DemoSetup(
            sb.identity(),
            new DemoContent(sb.features()),
            new DemoIntegrations(sb.identity(), sb.credentials(), sb.externalApis()),
            new DemoFlows(
                sb.identity(),
                sb.credentials(),
                sb.externalApis(),
                sb.features().scripts(),
                sb.flows(),
                sb.features().routing()))
        .ensure(sb.baseUrl(), server.dataDir());
  }

  /** As serve --demo: the CRM routes on, egress allowed for this server's one address. */
  static Map<String, String> demoSettings(Path dir) {
    var base = new HashMap<String, String>();
    base.put(SettingKeys.DEMO_CRM, "true");
    base.put(SettingKeys.DATA_DIR, dir.toString());
    base.put(SettingKeys.HTTP_HOST, "127.0.0.1");
    base.put(
        SettingKeys.EGRESS_ALLOW,
        DemoFlows.allowOwnAddress(Settings.of(base))
            .optional(SettingKeys.EGRESS_ALLOW)
            .orElseThrow());
    return base;
  }

  static JsonNode finished(Api api, String token, String executionId) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          var r = api.get(FLOWS + "/executions/" + executionId, token);
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          last[0] = r.json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    return last[0];
  }

  static String launch(Api api, String token, String flowId, String ani) {
    var r =
        api.post(
            FLOWS + "/executions",
            token,
            "{\"flowId\":\"" + flowId + "\",\"inputData\":{\"Call.Ani\":\"" + ani + "\"}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("id").asString();
  }

  static String tierOf(Api api, String token, String ani) {
    var r = api.get(DemoCrmRoutes.BASE + "/customers/" + ani, token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("customer").get("tier").asString();
  }

  @Test
  void egressAllowsExactlyTheServersOwnAddress() {
    var allowed =
        DemoFlows.allowOwnAddress(Settings.of(Map.of(SettingKeys.EGRESS_ALLOW, "10.1.0.0/16")));
    assertThat(allowed.optional(SettingKeys.EGRESS_ALLOW)).contains("10.1.0.0/16,127.0.0.1/32");
    var wildcard = DemoFlows.allowOwnAddress(Settings.of(Map.of(SettingKeys.HTTP_HOST, "0.0.0.0")));
    assertThat(wildcard.optional(SettingKeys.EGRESS_ALLOW)).contains("127.0.0.1/32");
  }

  @Test
  void theDemoFlowChoosesEachCallersScriptAndIsFoundAgainAfterARestart() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-demo-flows");
    Map<String, String> settings = demoSettings(dir);
    DemoSetup.DemoOrg acme;
    DemoFlows.OrgFlows first;
    try (TestServer server = TestServer.start(settings)) {
      var credentials = ensure(server);
      acme = credentials.orgs().get(0);
      first = credentials.flows().get(0);
      Api api = server.api();
      String token = api.token(acme.clientId(), acme.clientSecret());

      // One call first: the first data action of a fresh server pays for warming up (the token, CEL
      // mappings, connections).
      finished(api, token, launch(api, token, first.flowId(), "+6590000000"));
      // Eight callers at once: each gets the script of its own tier, read from this server's API.
      var ids = new ArrayList<Future<String>>();
      List<String> anis = new ArrayList<>();
      for (int i = 0; i < 8; i++) anis.add("+659100000" + i);
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (String ani : anis) ids.add(pool.submit(() -> launch(api, token, first.flowId(), ani)));
      }
      int misses = 0;
      for (int i = 0; i < anis.size(); i++) {
        JsonNode e = finished(api, token, ids.get(i).get());
        JsonNode trace = e.get("trace");
        assertThat(e.get("outcome").asString()).as(e.toString()).isEqualTo("completed");
        assertThat(trace.get("transferQueue").asString()).as(e.toString()).isEqualTo("Support");
        String tier = tierOf(api, token, anis.get(i));
        assertThat(trace.get("screenPop").get("scriptName").asString())
            .isEqualTo(DemoFlows.scriptName(tier));
        assertThat(trace.get("screenPop").get("scriptId").asString())
            .isEqualTo(first.scriptIdsByTier().get(tier));
        assertThat(trace.get("participantData").get("scriptId").asString())
            .isEqualTo(first.scriptIdsByTier().get(tier));
        JsonNode read = trace.get("actions").get(1);
        assertThat(read.get("name").asString()).isEqualTo("Script for the tier");
        if (read.get("dataAction").get("cache").asString().equals("miss")) misses++;
      }
      assertThat(misses).as("one read of Switchboard's API per tier at most").isBetween(1, 3);

      // The naive twin chooses the same script without the cache.
      JsonNode naive = finished(api, token, launch(api, token, first.naiveFlowId(), anis.get(0)));
      assertThat(naive.get("trace").get("screenPop").get("scriptName").asString())
          .isEqualTo(DemoFlows.scriptName(tierOf(api, token, anis.get(0))));
      assertThat(naive.get("trace").get("actions").get(2).get("dataAction").has("cache")).isFalse();

      // The demo's credential client may read scripts and nothing else.
      var clients = api.get("/api/v2/oauth/clients", token).json();
      int readers = 0;
      for (JsonNode c : clients.get("entities")) {
        if (c.get("name").asString().contains("script reader")) {
          readers++;
          assertThat(c.get("scope").toString()).isEqualTo("[\"scripts:readonly\"]");
        }
      }
      assertThat(readers).isEqualTo(2);
    }

    // A restart on another port finds everything again; the flow still runs (URLs moved).
    try (TestServer server = TestServer.start(settings)) {
      var credentials = ensure(server);
      assertThat(credentials.flows().get(0)).isEqualTo(first);
      Api api = server.api();
      String token = api.token(acme.clientId(), acme.clientSecret());
      var list = api.get(FLOWS + "?name=Personalised%20script", token).json();
      assertThat(list.get("total").asInt()).isEqualTo(2);
      assertThat(api.get("/api/v2/integrations/credentials", token).json().get("total").asInt())
          .isEqualTo(3);
      JsonNode e = finished(api, token, launch(api, token, first.flowId(), "+6591000001"));
      assertThat(e.get("trace").get("transferQueue").asString())
          .as(e.toString())
          .isEqualTo("Support");
    }
  }

  static String placeCall(Api api, String token, String ani, String dnis) {
    var r =
        api.post(
            "/api/v2/conversations/calls",
            token,
            "{\"from\":\"" + ani + "\",\"to\":\"" + dnis + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** The call's one execution once its routing is no longer {@code running}. */
  static JsonNode routed(Api api, String token, String callId, String until) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          var r = api.get("/api/v2/conversations/" + callId + "/flowexecutions", token);
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          assertThat(r.json().get("entities")).hasSize(1);
          last[0] = r.json().get("entities").get(0);
          return last[0].get("routing").get("result").asString().equals(until);
        });
    return last[0];
  }

  @Test
  void aCallOnEachDemoIvrsNumberRunsItsFlowAndPopsTheScriptForTheIdleAgent() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-demo-ivrs");
    try (TestServer server = TestServer.start(demoSettings(dir))) {
      var credentials = ensure(server);
      DemoSetup.DemoOrg acme = credentials.orgs().get(0);
      DemoFlows.OrgFlows flows = credentials.flows().get(0);
      Api api = server.api();
      String token = api.token(acme.clientId(), acme.clientSecret());

      JsonNode ivrs = api.get("/api/v2/architect/ivrs", token).json();
      assertThat(ivrs.get("total").asInt()).isEqualTo(2);
      for (JsonNode ivr : ivrs.get("entities")) {
        boolean naive = ivr.get("name").asString().equals(DemoRouting.NAIVE_IVR_NAME);
        assertThat(ivr.get("name").asString())
            .isIn(DemoRouting.IVR_NAME, DemoRouting.NAIVE_IVR_NAME);
        assertThat(ivr.get("id").asString()).isEqualTo(naive ? flows.naiveIvrId() : flows.ivrId());
        assertThat(ivr.get("dnis").toString())
            .isEqualTo("[\"" + (naive ? DemoRouting.NAIVE_DNIS : DemoRouting.DNIS) + "\"]");
        assertThat(ivr.get("openHoursFlow").get("id").asString())
            .isEqualTo(naive ? flows.naiveFlowId() : flows.flowId());
      }
      String guide = DemoSetup.flowGuide(credentials);
      assertThat(guide)
          .contains("\"to\":\"" + DemoRouting.DNIS + "\"")
          .contains(DemoRouting.NAIVE_DNIS)
          .contains(server.baseUrl() + "/api/v2/conversations/calls")
          .contains("/api/v2/conversations/$CALL/flowexecutions")
          .contains("/api/v2/flows/executions/$EXEC");

      // The resilient flow's number: the caller's tier chooses the script; the one IDLE demo agent
      // (the other is on the sample call) gets the call and the screen pop.
      String ani = "+6591234567";
      String tier = tierOf(api, token, ani);
      String idleAgent = credentials.content().get(0).agents().get(1).id();
      String call = placeCall(api, token, ani, DemoRouting.DNIS);
      JsonNode execution = routed(api, token, call, "connected");
      assertThat(execution.get("flowId").asString()).isEqualTo(flows.flowId());
      assertThat(execution.get("routing").get("ivr").get("id").asString()).isEqualTo(flows.ivrId());
      assertThat(execution.get("routing").get("queue").get("name").asString()).isEqualTo("Support");
      assertThat(execution.get("routing").get("agent").get("id").asString()).isEqualTo(idleAgent);
      JsonNode e = finished(api, token, execution.get("id").asString());
      assertThat(e.get("trace").get("screenPop").get("scriptName").asString())
          .isEqualTo(DemoFlows.scriptName(tier));
      JsonNode sessions =
          api.get("/api/v2/agent-scripting/sessions?conversationId=" + call, token).json();
      assertThat(sessions.get("entities")).hasSize(1);
      JsonNode session = sessions.get("entities").get(0);
      assertThat(session.get("id").asString())
          .isEqualTo(execution.get("routing").get("session").get("id").asString());
      assertThat(session.toString()).contains(flows.scriptIdsByTier().get(tier));

      // The naive flow's number: same script, chosen without the cache; no agent is free now, so
      // the call waits in Support until the caller hangs up, which takes it out of the queue.
      String second = "+6591234568";
      String naiveCall = placeCall(api, token, second, DemoRouting.NAIVE_DNIS);
      JsonNode queued = routed(api, token, naiveCall, "queued");
      assertThat(queued.get("flowId").asString()).isEqualTo(flows.naiveFlowId());
      assertThat(queued.get("routing").get("ivr").get("id").asString())
          .isEqualTo(flows.naiveIvrId());
      JsonNode naive = finished(api, token, queued.get("id").asString());
      assertThat(naive.get("trace").get("screenPop").get("scriptName").asString())
          .isEqualTo(DemoFlows.scriptName(tierOf(api, token, second)));
      var sb = server.switchboard();
      assertThat(
              api.post("/api/v2/conversations/" + naiveCall + "/disconnect", token, null).status())
          .isEqualTo(202);
      // At once, not at the next sweep: the disconnect's own transaction took it out.
      JsonNode left =
          api.get("/api/v2/conversations/" + naiveCall + "/flowexecutions", token)
              .json()
              .get("entities")
              .get(0);
      assertThat(left.get("routing").get("result").asString()).isEqualTo("abandoned");
      assertThat(
              api.get("/api/v2/agent-scripting/sessions?conversationId=" + naiveCall, token)
                  .json()
                  .get("entities"))
          .isEmpty();

      // Installing again finds the IVRs; a changed flow re-points the same IVR.
      var routing = new DemoRouting(sb.features().routing());
      var moved =
          routing.installIvr(
              acme.orgId(), DemoRouting.IVR_NAME, flows.naiveFlowId(), DemoRouting.DNIS);
      assertThat(moved.id()).isEqualTo(flows.ivrId());
      assertThat(moved.flowId()).isEqualTo(flows.naiveFlowId());
      assertThat(ensure(server).flows().get(0)).isEqualTo(flows);
      assertThat(sb.features().routing().ivrs().get(acme.orgId(), flows.ivrId()).flowId())
          .isEqualTo(flows.flowId());
    }
  }
}

package io.switchboard.server.flows;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one PostgreSQL: each keeps the flows it launches and the external APIs it runs in
 * memory, and a change through one node (an API's new URL, a newly published flow version, a
 * deleted flow) reaches the other's memory through the cluster signal. The nodes re-read on their
 * own only after an hour here, so only the signal can make these waits pass.
 */
class FlowDefinitionsClusterIT {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String APIS = "/api/v2/architect/external-apis";
  static StorageConfig storage;
  static TestServer nodeA;
  static TestServer nodeB;
  static Api apiA;
  static Api apiB;
  static String token;
  static Upstream upstream;

  @BeforeAll
  static void start() {
    storage = TestDatabases.postgres();
    var settings = LoopbackUpstream.allowed(new HashMap<>(TestServer.NO_TOKEN_LIMIT));
    settings.put(SettingKeys.DEFINITIONS_REFRESH, "3600");
    nodeA = TestServer.start(settings, storage, Clock.systemUTC());
    nodeB = TestServer.start(settings, storage, Clock.systemUTC());
    apiA = nodeA.api();
    apiB = nodeB.api();
    token = apiA.token(nodeA.newOrg());
    upstream = Upstream.start();
    upstream.on("/gold", (ex, req) -> json(ex, 200, "{\"tier\":\"gold\"}"));
    upstream.on("/silver", (ex, req) -> json(ex, 200, "{\"tier\":\"silver\"}"));
  }

  @AfterAll
  static void stop() {
    if (upstream != null) upstream.close();
    if (nodeB != null) nodeB.close();
    if (nodeA != null) nodeA.close();
    TestDatabases.drop(storage);
  }

  private static String externalApi(String name, String path) {
    var r =
        apiB.post(
            APIS,
            token,
            "{\"name\":\""
                + name
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url(path)
                + "\",\"timeout\":5000,\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static String workflowCalling(String apiName) {
    return """
    workflow:
      name: Tier
      startUpRef: "/workflow/tasks/task[t]"
      variables:
        - stringVariable:
            name: Flow.tier
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
    """
        .formatted(apiName);
  }

  /** Saves and publishes {@code yaml} as the flow's new version through node B. */
  private static void publishOnB(String flowId, String yaml) {
    var saved =
        apiB.raw(
            "PUT",
            "/api/v2/flows/" + flowId + "/latestconfiguration",
            token,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.toString()).isIn(200, 201);
    var published = apiB.post("/api/v2/flows/actions/publish?flow=" + flowId, token, null);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
  }

  private static String workflow(String apiName) {
    var created =
        apiB.post(
            "/api/v2/flows", token, "{\"name\":\"Tier " + apiName + "\",\"type\":\"WORKFLOW\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String flowId = created.json().get("id").asString();
    publishOnB(flowId, workflowCalling(apiName));
    return flowId;
  }

  /** Launches the flow on node A and answers the finished execution. */
  private static JsonNode runOnA(String flowId) {
    var launched = apiA.post("/api/v2/flows/executions", token, "{\"flowId\":\"" + flowId + "\"}");
    assertThat(launched.status()).as(launched.toString()).isEqualTo(200);
    String id = launched.json().get("id").asString();
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          last[0] = apiA.get("/api/v2/flows/executions/" + id, token).json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    return last[0];
  }

  private static String tierOnA(String flowId) {
    JsonNode e = runOnA(flowId);
    JsonNode tier = e.path("outputData").path("Flow.tier");
    return tier.isString() ? tier.asString() : e.path("status").asString();
  }

  @Test
  void anExternalApiChangedOnOneNodeIsRunByTheOtherAfterItsSignal() {
    String apiId = externalApi("Moving", "/gold");
    String flowId = workflow("Moving");
    // Node A launches it: from now on the flow and the API come from its memory.
    assertThat(tierOnA(flowId)).isEqualTo("gold");
    assertThat(tierOnA(flowId)).isEqualTo("gold");

    var patched =
        apiB.patch(APIS + "/" + apiId, token, "{\"url\":\"" + upstream.url("/silver") + "\"}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> tierOnA(flowId).equals("silver"));
  }

  @Test
  void aVersionPublishedOnOneNodeIsLaunchedByTheOther() {
    externalApi("Gold", "/gold");
    externalApi("Silver", "/silver");
    String flowId = workflow("Gold");
    JsonNode first = runOnA(flowId);
    assertThat(first.get("outputData").get("Flow.tier").asString()).isEqualTo("gold");
    assertThat(first.get("flowVersion").get("name").asString()).isEqualTo("1.0");

    publishOnB(flowId, workflowCalling("Silver"));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> tierOnA(flowId).equals("silver"));
    assertThat(runOnA(flowId).get("flowVersion").get("name").asString()).isEqualTo("2.0");
  }

  @Test
  void aFlowDeletedOnOneNodeIsNotLaunchedByTheOther() {
    externalApi("Kept", "/gold");
    String flowId = workflow("Kept");
    assertThat(tierOnA(flowId)).isEqualTo("gold");

    assertThat(apiB.delete("/api/v2/flows/" + flowId, token).status()).isEqualTo(204);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() ->
            apiA.post("/api/v2/flows/executions", token, "{\"flowId\":\"" + flowId + "\"}").status()
                == 404);
  }
}

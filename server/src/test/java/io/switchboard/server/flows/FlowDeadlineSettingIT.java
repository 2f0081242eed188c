package io.switchboard.server.flows;

import static io.switchboard.server.flows.FlowsIT.actionNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The server's default deadline ({@code flows.deadline-millis}) applies to flows that set none. */
class FlowDeadlineSettingIT {
  @Test
  void theServerDefaultDeadlineCutsADataActionShort() {
    try (TestServer server =
            TestServer.start(LoopbackUpstream.allowed(Map.of(SettingKeys.FLOW_DEADLINE, "700")));
        Upstream upstream = Upstream.start()) {
      upstream.on("/hang", (ex, req) -> upstream.hang(5000));
      Api api = server.api();
      String token = api.token(server.newOrg());
      var created =
          api.post(
              "/api/v2/architect/external-apis",
              token,
              "{\"name\":\"Slow\",\"method\":\"GET\",\"url\":\""
                  + upstream.url("/hang")
                  + "\",\"timeout\":5000}");
      assertThat(created.status()).isEqualTo(201);
      String flowId =
          api.post("/api/v2/flows", token, "{\"name\":\"W\",\"type\":\"WORKFLOW\"}")
              .json()
              .get("id")
              .asString();
      String yaml =
          """
          workflow:
            name: W
            startUpRef: "/workflow/tasks/task[t]"
            tasks:
              - task:
                  name: T
                  refId: t
                  actions:
                    - callData:
                        name: Slow call
                        category:
                          Any:
                            dataAction:
                              Slow:
                        outputs:
                          timeout:
                            actions:
                              - endWorkflow:
                                  name: Timed out
          """;
      var saved =
          api.raw(
              "PUT",
              "/api/v2/flows/" + flowId + "/latestconfiguration",
              token,
              yaml.getBytes(StandardCharsets.UTF_8),
              "Content-Type",
              "text/yaml");
      assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
      var published = api.post("/api/v2/flows/actions/publish?flow=" + flowId, token, null);
      assertThat(published.status()).as(published.toString()).isEqualTo(200);
      String id =
          api.post("/api/v2/flows/executions", token, "{\"flowId\":\"" + flowId + "\"}")
              .json()
              .get("id")
              .asString();
      JsonNode[] e = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() ->
              !(e[0] = api.get("/api/v2/flows/executions/" + id, token).json())
                  .get("status")
                  .asString()
                  .equals("RUNNING"));
      assertThat(e[0].get("outcome").asString()).isEqualTo("deadline");
      assertThat(actionNames(e[0])).containsExactly("Slow call:deadline");
      assertThat(e[0].get("trace").get("actions").get(0).get("dataAction").get("budgetMs").asLong())
          .isLessThanOrEqualTo(700);
      assertThat(e[0].get("trace").get("durationMs").asLong()).isBetween(600L, 2000L);
    }
  }
}

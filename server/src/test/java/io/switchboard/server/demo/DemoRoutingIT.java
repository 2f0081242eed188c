package io.switchboard.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The demo's queues and agents, and {@code DemoRouting.installIvr} binding a flow to a DNIS. */
class DemoRoutingIT {
  @Test
  void demoOrgsHaveQueuesWithIdleAgentsAndAnInstalledIvrRoutesACall() throws Exception {
    try (TestServer server = TestServer.start()) {
      var features = server.switchboard().features();
      var first =
          new DemoSetup(server.switchboard().identity(), new DemoContent(features))
              .ensure(server.baseUrl(), server.dataDir());
      // A second run finds everything again.
      new DemoSetup(server.switchboard().identity(), new DemoContent(features))
          .ensure(server.baseUrl(), server.dataDir());
      var org = first.orgs().get(0);
      Api api = server.api();
      String token = api.token(org.clientId(), org.clientSecret());
      JsonNode queues = api.get("/api/v2/routing/queues", token).json();
      assertThat(queues.get("total").asLong()).isEqualTo(2);
      for (JsonNode q : queues.get("entities")) {
        assertThat(q.get("name").asString()).isIn("Support", "General");
        JsonNode members =
            api.get("/api/v2/routing/queues/" + q.get("id").asString() + "/members", token).json();
        assertThat(members.get("total").asLong()).isEqualTo(2);
        // The demo's own sample call holds its agent: INTERACTING, so the ACD offers it no call.
        String onSampleCall = first.content().get(0).agents().get(0).id();
        for (JsonNode m : members.get("entities"))
          assertThat(m.get("routingStatus").get("status").asString())
              .isEqualTo(m.get("id").asString().equals(onSampleCall) ? "INTERACTING" : "IDLE");
      }

      String flowId =
          api.post("/api/v2/flows", token, "{\"name\":\"Demo flow\",\"type\":\"INBOUNDCALL\"}")
              .json()
              .get("id")
              .asString();
      String yaml =
          """
          inboundCall:
            name: Demo
            startUpRef: "/inboundCall/tasks/task[main]"
            tasks:
              - task:
                  name: Main
                  refId: main
                  actions:
                    - transferToAcd:
                        name: Support
                        targetQueue:
                          lit:
                            name: Support
          """;
      api.raw(
          "PUT",
          "/api/v2/flows/" + flowId + "/latestconfiguration",
          token,
          yaml.getBytes(StandardCharsets.UTF_8),
          "Content-Type",
          "application/yaml");
      assertThat(api.post("/api/v2/flows/actions/publish?flow=" + flowId, token, null).status())
          .isEqualTo(200);
      var routing = new DemoRouting(features.routing());
      var ivr = routing.installIvr(org.orgId(), "Test IVR", flowId, "+6560001234");
      assertThat(routing.installIvr(org.orgId(), "Test IVR", flowId, "+6560001234").id())
          .isEqualTo(ivr.id());

      String call =
          api.post(
                  "/api/v2/conversations/calls",
                  token,
                  "{\"from\":\"+15550000\",\"to\":\"+6560001234\"}")
              .json()
              .get("id")
              .asString();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() ->
              api.get("/api/v2/conversations/" + call, token).json().get("participants").size()
                  == 2);
      String idleAgent = first.content().get(0).agents().get(1).id();
      JsonNode routed = api.get("/api/v2/conversations/" + call, token).json().get("participants");
      assertThat(routed.get(1).get("userId").asString()).isEqualTo(idleAgent);
    }
  }
}

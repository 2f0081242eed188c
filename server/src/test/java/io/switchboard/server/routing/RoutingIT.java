package io.switchboard.server.routing;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The S1 path over real HTTP: a call on an IVR's number runs the published example flow, is
 * queued by its transferToAcd, reaches the longest-idle agent with the script the flow chose, and
 * waits (FIFO) while nobody is idle; a wrap-up returns the agent to IDLE and the next call.
 */
class RoutingIT {
  static TestServer server;
  static Upstream upstream;
  static Api api;

  @BeforeAll
  static void start() {
    var settings = new HashMap<>(TestServer.NO_TOKEN_LIMIT);
    settings.put(SettingKeys.EGRESS_ALLOW, "127.0.0.1");
    server = TestServer.start(settings);
    upstream = Upstream.start();
    api = server.api();
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  /** An org with queues Support and General, agents A and B in both, and the example published. */
  record Org(
      RoutingSupport rs,
      String agentA,
      String agentB,
      String flowId,
      String dnis,
      String code,
      String goldScript) {}

  static Org exampleOrg() {
    var rs = new RoutingSupport(api, api.token(server.newOrg()));
    String path = "/crm-" + UUID.randomUUID();
    upstream.on(
        path,
        (ex, req) -> {
          String q = req.rawUri();
          if (q.contains("gold")) json(ex, 200, "{\"tier\":\"gold\",\"scriptId\":\"s-1\"}");
          else json(ex, 200, "{\"tier\":\"silver\",\"scriptId\":\"s-2\"}");
        });
    var api2 =
        api.post(
            "/api/v2/architect/external-apis",
            rs.token,
            "{\"name\":\"Lookup customer\",\"method\":\"GET\",\"url\":\""
                + upstream.url(path)
                + "?id=${input.customerId}\",\"timeout\":2000,\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\",\"scriptId\":\"$.scriptId\"}}}");
    assertThat(api2.status()).as(api2.toString()).isEqualTo(201);
    String gold =
        rs.fx.publishedScript(
            "{\"name\":\"Gold"
                + " script\",\"variables\":[{\"name\":\"customerId\",\"type\":\"string\",\"input\":true}],\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"Hi"
                + " {{customerId}}\"}]}]}");
    String a = rs.fx.user("Agent A");
    String b = rs.fx.user("Agent B");
    String support = rs.queue("Support");
    String general = rs.queue("General");
    rs.members(support, a, b);
    rs.members(general, a, b);
    String flowId = rs.publishedFlow(RoutingSupport.example());
    String dnis = "+656" + (10_000_000 + new java.util.Random().nextInt(89_999_999));
    var ivr = rs.ivr("Main line", dnis, flowId);
    assertThat(ivr.status()).as(ivr.toString()).isEqualTo(200);
    return new Org(rs, a, b, flowId, dnis, rs.fx.wrapupCode("Done"), gold);
  }

  @Test
  void aCallOnTheDnisReachesTheLongestIdleAgentWithTheScriptTheFlowChose() {
    Org o = exampleOrg();
    var rs = o.rs();
    assertThat(rs.status(o.agentA())).isEqualTo("OFF_QUEUE");
    rs.idle(o.agentA());
    rs.idle(o.agentB()); // A has been idle longer

    var placed = rs.placeCall("gold-1", o.dnis());
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    // Answered before the flow (a 2 s-bounded data action) has to finish: the customer only.
    assertThat(placed.json().get("participants")).hasSize(1);
    assertThat(placed.json().get("participants").get(0).get("address").asString())
        .isEqualTo("gold-1");
    String call1 = placed.json().get("id").asString();

    JsonNode agent = rs.awaitAgent(call1);
    assertThat(agent.get("userId").asString()).isEqualTo(o.agentA());
    assertThat(rs.status(o.agentA())).isEqualTo("INTERACTING");
    assertThat(rs.status(o.agentB())).isEqualTo("IDLE");

    JsonNode sessions = rs.sessions(call1);
    assertThat(sessions.get("total").asLong()).isEqualTo(1);
    JsonNode session = sessions.get("entities").get(0);
    assertThat(session.get("agentId").asString()).isEqualTo(o.agentA());
    assertThat(session.get("scriptId").asString()).isEqualTo(o.goldScript());
    assertThat(session.get("data").get("customerId").asString()).isEqualTo("gold-1");
    assertThat(session.get("state").asString()).isEqualTo("active");

    JsonNode exec = rs.awaitRouting(call1, "connected");
    assertThat(exec.get("flowId").asString()).isEqualTo(o.flowId());
    assertThat(exec.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(exec.get("routing").get("queue").get("name").asString()).isEqualTo("Support");
    assertThat(exec.get("routing").get("agent").get("id").asString()).isEqualTo(o.agentA());
    // The agent's participant carries the queue the call came from, in both read shapes.
    String queueId = exec.get("routing").get("queue").get("id").asString();
    assertThat(rs.awaitAgent(call1).get("queueId").asString()).isEqualTo(queueId);
    JsonNode flat = api.get("/api/v2/conversations/calls/" + call1, rs.token).json();
    assertThat(flat.get("participants").get(1).get("queue").get("id").asString())
        .isEqualTo(queueId);
    assertThat(flat.get("participants").get(0).get("dnis").asString()).isEqualTo(o.dnis());
    assertThat(exec.get("routing").get("session").get("id").asString())
        .isEqualTo(session.get("id").asString());
    var trace = api.get(exec.get("selfUri").asString(), rs.token);
    assertThat(trace.status()).isEqualTo(200);
    assertThat(trace.json().get("trace").get("transferQueue").asString()).isEqualTo("Support");

    // Silver: no screen pop; B (the only idle agent) takes it.
    String call2 = rs.call("silver-2", o.dnis());
    assertThat(rs.awaitAgent(call2).get("userId").asString()).isEqualTo(o.agentB());
    rs.awaitRouting(call2, "connected");
    assertThat(rs.sessions(call2).get("total").asLong()).isZero();

    // Nobody idle: two calls wait, in order.
    String call3 = rs.call("gold-3", o.dnis());
    rs.awaitRouting(call3, "queued");
    String call4 = rs.call("gold-4", o.dnis());
    rs.awaitRouting(call4, "queued");
    assertThat(RoutingSupport.agentCount(rs.conversation(call3))).isZero();
    // Queue observations (what the console shows as depth): two waiting, both agents busy.
    var observed =
        api.post(
            "/api/v2/analytics/queues/observations/query",
            rs.token,
            "{\"filter\":{\"type\":\"or\",\"predicates\":[{\"dimension\":\"queueId\",\"value\":\""
                + rs.queueId("Support")
                + "\"},{\"dimension\":\"queueId\",\"value\":\"no-such-queue\"}]},"
                + "\"metrics\":[\"oWaiting\",\"oOnQueueUsers\",\"oMemberUsers\"]}");
    assertThat(observed.status()).as(observed.toString()).isEqualTo(200);
    JsonNode results = observed.json().get("results");
    assertThat(results).hasSize(1);
    assertThat(results.get(0).get("group").get("queueId").asString())
        .isEqualTo(rs.queueId("Support"));
    var metrics = new java.util.HashMap<String, Long>();
    for (JsonNode d : results.get(0).get("data"))
      metrics.put(
          d.get("metric").asString()
              + (d.has("qualifier") ? ":" + d.get("qualifier").asString() : ""),
          d.get("stats").get("count").asLong());
    assertThat(metrics)
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("oWaiting", 2L, "oOnQueueUsers:INTERACTING", 2L, "oMemberUsers", 2L));
    var badMetric =
        api.post(
            "/api/v2/analytics/queues/observations/query",
            rs.token,
            "{\"filter\":{\"predicates\":[{\"dimension\":\"queueId\",\"value\":\"x\"}]},"
                + "\"metrics\":[\"oWaiting\",\"tHandle\"]}");
    assertThat(badMetric.status()).isEqualTo(400);
    assertThat(badMetric.body()).contains("metrics[1]");

    // A wraps up call 1: back to IDLE, and the longest-waiting call (3) is A's.
    rs.hangUpAndWrapUp(call1, agent.get("id").asString(), o.code());
    JsonNode a3 = rs.awaitAgent(call3);
    assertThat(a3.get("userId").asString()).isEqualTo(o.agentA());
    assertThat(rs.sessions(call1).get("entities").get(0).get("state").asString())
        .as("the wrap-up completed the screen-pop session")
        .isEqualTo("completed");
    assertThat(rs.sessions(call3).get("entities").get(0).get("data").get("customerId").asString())
        .isEqualTo("gold-3");
    assertThat(RoutingSupport.agentCount(rs.conversation(call4))).isZero();

    // B wraps up call 2: call 4 is B's.
    JsonNode b2 = RoutingSupport.liveAgent(rs.conversation(call2));
    rs.hangUpAndWrapUp(call2, b2.get("id").asString(), o.code());
    JsonNode b4 = rs.awaitAgent(call4);
    assertThat(b4.get("userId").asString()).isEqualTo(o.agentB());

    // Nothing waits any more: a wrap-up leaves the agent IDLE.
    rs.hangUpAndWrapUp(call3, a3.get("id").asString(), o.code());
    rs.hangUpAndWrapUp(call4, b4.get("id").asString(), o.code());
    assertThat(rs.status(o.agentA())).isEqualTo("IDLE");
    assertThat(rs.status(o.agentB())).isEqualTo("IDLE");
  }

  @Test
  void theAgentsSocketHearsTheRoutedCallAndTheirStatus() throws Exception {
    Org o = exampleOrg();
    var rs = o.rs();
    var channel = api.post("/api/v2/notifications/channels", rs.token, null);
    assertThat(channel.status()).as(channel.toString()).isEqualTo(200);
    String subscriptions =
        "/api/v2/notifications/channels/" + channel.json().get("id").asString() + "/subscriptions";
    var subscribed =
        api.put(
            subscriptions,
            rs.token,
            "[{\"id\":\"v2.users."
                + o.agentA()
                + ".conversations\"},{\"id\":\"v2.users."
                + o.agentA()
                + ".routingStatus\"},{\"id\":\"v2.routing.queues."
                + rs.queueId("Support")
                + ".conversations\"}]");
    assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(200);
    try (var socket =
        io.switchboard.server.testing.TestSocket.connect(
            channel.json().get("connectUri").asString())) {
      socket.awaitHeld();
      rs.idle(o.agentA());
      JsonNode idle =
          socket.next(10, m -> m.get("topicName").asString().endsWith(".routingStatus"));
      assertThat(idle.get("eventBody").get("status").asString()).isEqualTo("IDLE");

      String call = rs.call("gold-socket", o.dnis());
      // Both are announced by the assignment's commit; their order between topics is not promised.
      JsonNode routed = null;
      JsonNode busy = null;
      var queued = new java.util.ArrayList<JsonNode>();
      while (routed == null || busy == null || queued.size() < 2) {
        JsonNode m = socket.next(10, x -> !io.switchboard.server.testing.TestSocket.isHeartbeat(x));
        String topic = m.get("topicName").asString();
        if (topic.startsWith("v2.routing.queues.")) queued.add(m);
        else if (topic.endsWith(".conversations")) routed = m;
        else busy = m;
      }
      // The queue's topic: the call waiting (no agent yet), then connected to A.
      assertThat(queued.get(0).get("eventBody").get("id").asString()).isEqualTo(call);
      assertThat(RoutingSupport.liveAgent(queued.get(0).get("eventBody"))).isNull();
      assertThat(RoutingSupport.liveAgent(queued.get(1).get("eventBody")).get("userId").asString())
          .isEqualTo(o.agentA());
      assertThat(routed.get("eventBody").get("id").asString()).isEqualTo(call);
      assertThat(RoutingSupport.liveAgent(routed.get("eventBody")).get("userId").asString())
          .isEqualTo(o.agentA());
      assertThat(busy.get("eventBody").get("status").asString()).isEqualTo("INTERACTING");

      // The wrap-up returns A to IDLE: announced too.
      rs.hangUpAndWrapUp(
          call, RoutingSupport.liveAgent(routed.get("eventBody")).get("id").asString(), o.code());
      JsonNode back =
          socket.next(10, m -> m.get("topicName").asString().endsWith(".routingStatus"));
      assertThat(back.get("eventBody").get("status").asString()).isEqualTo("IDLE");
    }
  }

  @Test
  void anAgentWhoWentOffQueueIsNotRoutedToAndIdleWhileOnACallIsRefused() {
    Org o = exampleOrg();
    var rs = o.rs();
    rs.idle(o.agentA());
    String call1 = rs.call("gold-1", o.dnis());
    JsonNode a = rs.awaitAgent(call1);
    var idle = rs.setStatus(o.agentA(), "IDLE");
    assertThat(idle.status()).isEqualTo(409);
    assertThat(idle.json().get("code").asString()).isEqualTo("routing.agent.on.call");
    var platform = rs.setStatus(o.agentA(), "INTERACTING");
    assertThat(platform.status()).isEqualTo(400);
    assertThat(rs.setStatus(o.agentA(), "BUSY").status()).isEqualTo(400);
    assertThat(rs.setStatus(o.agentA(), "OFF_QUEUE").status()).isEqualTo(200);

    rs.hangUpAndWrapUp(call1, a.get("id").asString(), o.code());
    assertThat(rs.status(o.agentA())).as("off queue stays off queue").isEqualTo("OFF_QUEUE");
    String call2 = rs.call("gold-2", o.dnis());
    rs.awaitRouting(call2, "queued");
    rs.idle(o.agentB());
    assertThat(rs.awaitAgent(call2).get("userId").asString()).isEqualTo(o.agentB());
  }

  @Test
  void aCustomerWhoHangsUpInQueueLeavesIt() {
    Org o = exampleOrg();
    var rs = o.rs();
    String call1 = rs.call("gold-1", o.dnis());
    rs.awaitRouting(call1, "queued");
    assertThat(api.post("/api/v2/conversations/" + call1 + "/disconnect", rs.token, null).status())
        .isEqualTo(202);
    String call2 = rs.call("gold-2", o.dnis());
    rs.awaitRouting(call2, "queued");
    rs.idle(o.agentA());
    assertThat(rs.awaitAgent(call2).get("userId").asString()).isEqualTo(o.agentA());
    JsonNode gone = rs.awaitRouting(call1, "abandoned");
    assertThat(gone.get("routing").get("detail").asString()).contains("left");
    assertThat(RoutingSupport.agentCount(rs.conversation(call1))).isZero();
  }
}

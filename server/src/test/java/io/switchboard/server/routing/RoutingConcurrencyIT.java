package io.switchboard.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes sharing one database (H2 and PostgreSQL): 20 calls placed at once on an IVR, 5 agents
 * going IDLE at once, every agent wrapping up and taking the next call. Each call is assigned
 * exactly once, and no agent ever has two calls at a time.
 */
class RoutingConcurrencyIT {
  static final int CALLS = 20;
  static final int AGENTS = 5;

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void twentyCallsFiveAgentsTwoNodesEachCallAssignedOnce(String dialect) {
    StorageConfig storage = dialect.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres();
    try (TestServer node1 =
            TestServer.start(TestServer.NO_TOKEN_LIMIT, storage, Clock.systemUTC());
        TestServer node2 =
            TestServer.start(TestServer.NO_TOKEN_LIMIT, storage, Clock.systemUTC())) {
      var org = node1.newOrg();
      var on1 = new RoutingSupport(node1.api(), node1.api().token(org));
      var on2 = new RoutingSupport(node2.api(), node2.api().token(org));
      String q = on1.queue("Support");
      String flowId = on1.publishedFlow(RoutingSupport.toQueue("Support"));
      assertThat(on1.ivr("Main", "+6560000000", flowId).status()).isEqualTo(200);
      String code = on1.fx.wrapupCode("Done");
      var agents = new ArrayList<String>();
      for (int i = 0; i < AGENTS; i++) agents.add(on1.fx.user("Agent " + i));
      on1.members(q, agents.toArray(String[]::new));

      List<String> calls =
          Concurrently.run(
              CALLS, i -> (i % 2 == 0 ? on1 : on2).call("+1555000" + i, "+6560000000"));
      for (String c : calls) on1.awaitRouting(c, "queued");
      Concurrently.run(
          AGENTS,
          i -> {
            (i % 2 == 0 ? on1 : on2).idle(agents.get(i));
            return null;
          });

      // Each agent, on their node, wraps up whatever call they have and so takes the next one.
      Map<String, String> assignedTo = new ConcurrentHashMap<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> {
            var live = new HashMap<String, String>();
            for (String c : calls) {
              JsonNode conv = on1.conversation(c);
              assertThat(RoutingSupport.agentCount(conv))
                  .as("agents on " + c)
                  .isLessThanOrEqualTo(1);
              JsonNode agent = RoutingSupport.liveAgent(conv);
              if (agent == null) continue;
              String user = agent.get("userId").asString();
              assertThat(live.put(user, c)).as("agent " + user + " on two calls at once").isNull();
              String before = assignedTo.putIfAbsent(c, user);
              assertThat(before == null || before.equals(user)).isTrue();
            }
            if (!live.isEmpty())
              Concurrently.run(
                  live.size(),
                  i -> {
                    var e = new ArrayList<>(live.entrySet()).get(i);
                    JsonNode conv = on1.conversation(e.getValue());
                    var node = i % 2 == 0 ? on1 : on2;
                    node.hangUpAndWrapUp(
                        e.getValue(), RoutingSupport.liveAgent(conv).get("id").asString(), code);
                    return null;
                  });
            return assignedTo.size() == CALLS && live.isEmpty();
          });

      // Every call had exactly one agent, and each agent's calls never overlapped.
      var intervals = new HashMap<String, List<Instant[]>>();
      for (String c : calls) {
        JsonNode conv = on2.conversation(c);
        assertThat(RoutingSupport.agentCount(conv)).isEqualTo(1);
        for (JsonNode p : conv.get("participants")) {
          if (!p.get("purpose").asString().equals("agent")) continue;
          intervals
              .computeIfAbsent(p.get("userId").asString(), k -> new ArrayList<>())
              .add(
                  new Instant[] {
                    Instant.parse(p.get("connectedTime").asString()),
                    Instant.parse(p.get("endTime").asString())
                  });
        }
        assertThat(
                on1.awaitRouting(c, "connected").get("routing").get("agent").get("id").asString())
            .isEqualTo(assignedTo.get(c));
      }
      for (var e : intervals.entrySet()) {
        var list = e.getValue();
        list.sort((a, b) -> a[0].compareTo(b[0]));
        for (int i = 1; i < list.size(); i++)
          assertThat(list.get(i)[0]).as("agent " + e.getKey()).isAfterOrEqualTo(list.get(i - 1)[1]);
      }
      assertThat(intervals.keySet()).as("every agent took calls").hasSize(AGENTS);
      for (String a : agents) assertThat(on2.status(a)).isEqualTo("IDLE");
    } finally {
      TestDatabases.drop(storage);
    }
  }
}

package io.switchboard.server.flows;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (run with -Dtest=FlowExecutionsBench): N concurrent workflow executions,
 * each waiting on a data action that answers after a fixed delay; prints each execution's own
 * duration (from its trace) and the wall time until all have finished.
 */
class FlowExecutionsBench {
  static final int EXECUTIONS = Integer.getInteger("flows.bench.executions", 1000);
  static final long UPSTREAM_DELAY_MS = Long.getLong("flows.bench.delayMs", 500);

  @Test
  void concurrentExecutionsWaitingOnADataAction() throws Exception {
    try (TestServer server = TestServer.start(LoopbackUpstream.allowed(TestServer.NO_TOKEN_LIMIT));
        Upstream upstream = Upstream.start()) {
      upstream.on(
          "/slow",
          (ex, req) -> {
            Thread.sleep(UPSTREAM_DELAY_MS);
            json(ex, 200, "{\"tier\":\"gold\"}");
          });
      Api api = server.api();
      String token = api.token(server.newOrg());
      api.post(
          "/api/v2/architect/external-apis",
          token,
          "{\"name\":\"Slow\",\"method\":\"GET\",\"url\":\""
              + upstream.url("/slow")
              + "\",\"timeout\":10000,\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
      String flowId =
          api.post("/api/v2/flows", token, "{\"name\":\"Bench\",\"type\":\"WORKFLOW\"}")
              .json()
              .get("id")
              .asString();
      String yaml =
          """
          workflow:
            name: Bench
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
                              Slow:
                                successOutputs:
                                  tier: Flow.tier
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

      long started = System.nanoTime();
      List<String> ids = Collections.synchronizedList(new ArrayList<>());
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        var futures = new ArrayList<Future<?>>();
        // Launching is not what is measured: at most 32 launch requests in flight keep the client's
        // connections sane.
        var slots = new java.util.concurrent.Semaphore(32);
        for (int i = 0; i < EXECUTIONS; i++) {
          futures.add(
              pool.submit(() -> {
                slots.acquireUninterruptibly();
                try {
                  ids.add(
                      api.post("/api/v2/flows/executions", token, "{\"flowId\":\"" + flowId + "\"}")
                          .json()
                          .get("id")
                          .asString());
                } finally {
                  slots.release();
                }
              }));
        }
        for (Future<?> f : futures) f.get();
      }
      long launchedMs = (System.nanoTime() - started) / 1_000_000;
      var durations = new ArrayList<Long>();
      for (String id : ids) {
        while (true) {
          var e = api.get("/api/v2/flows/executions/" + id, token).json();
          if (!e.get("status").asString().equals("RUNNING")) {
            assertThat(e.get("outputData").get("Flow.tier").asString()).isEqualTo("gold");
            durations.add(e.get("trace").get("durationMs").asLong());
            break;
          }
          Thread.sleep(20);
        }
      }
      long wallMs = (System.nanoTime() - started) / 1_000_000;
      Collections.sort(durations);
      System.out.printf(
          "FLOWS BENCH: %d executions, data action %d ms: all launched in %d ms, all finished"
              + " within %d ms; per execution p50 %d ms, p99 %d ms, max %d ms%n",
          EXECUTIONS,
          UPSTREAM_DELAY_MS,
          launchedMs,
          wallMs,
          durations.get(durations.size() / 2),
          durations.get((int) (durations.size() * 0.99) - 1),
          durations.getLast());
    }
  }
}

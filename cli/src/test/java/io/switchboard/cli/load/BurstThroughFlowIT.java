package io.switchboard.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cli.CliRun;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code load burst --through-flow --local}, small: both demo flows run end to end, each call
 * placed on its demo IVR's number and disconnected after, and the report's numbers add up. Timing
 * is not asserted; only what is deterministic at this size is.
 */
class BurstThroughFlowIT {
  @Test
  void twentyCallsThroughTheNaiveAndTheResilientFlow() {
    CliRun.Result r =
        CliRun.run(
            "load", "burst", "--through-flow", "--local", "--calls", "20", "--json", "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = JsonMapper.builder().build().readTree(r.out());
    assertThat(report.get("calls").asInt()).isEqualTo(20);
    JsonNode flows = report.get("flows");
    assertThat(flows).hasSize(2);
    JsonNode naive = flows.get(0);
    JsonNode resilient = flows.get(1);
    assertThat(naive.get("flow").asString()).isEqualTo("naive");
    assertThat(resilient.get("flow").asString()).isEqualTo("resilient");
    for (JsonNode f : flows) {
      assertThat(f.get("calls").asInt()).isEqualTo(20);
      int other = 0;
      for (JsonNode n : f.get("other")) other += n.asInt();
      assertThat(f.get("rightScript").asInt() + f.get("defaultRouted").asInt() + other)
          .as("every call counted once: %s", f)
          .isEqualTo(20);
      assertThat(f.get("rightScriptRate").asDouble())
          .isEqualTo(f.get("rightScript").asInt() / 20.0);
      assertThat(f.get("p50Ms").asDouble())
          .isPositive()
          .isLessThanOrEqualTo(f.get("p95Ms").asDouble());
      assertThat(f.get("p95Ms").asDouble()).isLessThanOrEqualTo(f.get("p99Ms").asDouble());
      assertThat(f.get("p99Ms").asDouble()).isLessThanOrEqualTo(f.get("maxMs").asDouble());
      assertThat(f.get("upstreamSource").asString()).isEqualTo("metrics");
      assertThat(f.get("upstream429s").asLong())
          .isLessThanOrEqualTo(f.get("upstreamRequests").asLong());
    }
    // 20 calls stay far below the 300/min of each flow's token: every caller gets its script.
    assertThat(naive.get("rightScript").asInt()).as("%s", naive).isEqualTo(20);
    assertThat(resilient.get("rightScript").asInt()).as("%s", resilient).isEqualTo(20);
    assertThat(naive.get("upstream429s").asLong()).isZero();
    // Without a cache every call reads its script; with it, at most one read per tier (3), the
    // warm-up call's tier already cached.
    assertThat(naive.get("upstreamRequests").asLong()).isEqualTo(20);
    assertThat(resilient.get("upstreamRequests").asLong()).isBetween(0L, 3L);
    // Every call was placed on the flow's IVR number and its execution found through the call;
    // once measured, each was disconnected, which took it out of the queue it waited in (the local
    // org has no agents): abandoned, none left queued.
    assertThat(naive.get("dnis").asString()).isEqualTo("+18005550199");
    assertThat(resilient.get("dnis").asString()).isEqualTo("+18005550100");
    for (JsonNode f : flows) {
      assertThat(f.get("disconnected").asInt()).as("%s", f).isEqualTo(20);
      assertThat(f.get("routingAfterDisconnect").toString())
          .as("%s", f)
          .isEqualTo("{\"abandoned\":20}");
    }
  }
}

package io.switchboard.server.flows;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExecutionReport;
import io.switchboard.server.flows.runtime.FlowRuntime;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of flows (on {@code /metrics}):
 *
 * <ul>
 *   <li>{@code switchboard.flow.executions} (counter; tags {@code flow}, {@code outcome}) and
 *       {@code switchboard.flow.execution.duration} (timer with fixed buckets; tag {@code flow});
 *   <li>{@code switchboard.dataaction.calls} (counter; tags {@code dataAction}, {@code outcome}:
 *       success, failure, timeout, circuit-open, error) and {@code
 *       switchboard.dataaction.attempt.latency} (timer with fixed buckets, one sample per request
 *       sent; tag {@code dataAction}).
 * </ul>
 *
 * Tags carry ids, never names (names change and may say more than an id). Cardinality is bounded:
 * the first {@link #MAX_TAGGED_IDS} flow ids and the first {@link #MAX_TAGGED_IDS} data-action ids
 * seen since start get their own series; later ones are counted under {@code other}.
 */
public final class FlowMetrics {
  public static final int MAX_TAGGED_IDS = 500;
  static final String OTHER = "other";

  /** Bucket bounds: a flow lives up to its deadline (120 s at most), a call up to its timeout. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(120)
  };

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Boolean> flowIds = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> apiIds = new ConcurrentHashMap<>();

  public FlowMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one finished execution of {@code flowId}. */
  public void execution(String flowId, String outcome, long durationMs) {
    String flow = tag(flowIds, flowId);
    Counter.builder("switchboard.flow.executions")
        .description("Flow executions by outcome")
        .tag("flow", flow)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("switchboard.flow.execution.duration")
        .description("Flow execution wall time")
        .tag("flow", flow)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(durationMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The runtime's data actions, counted and timed per data action (a cached answer is no call: the
   * cache sits in front of {@code run}).
   */
  public FlowRuntime.DataActions instrument(FlowRuntime.DataActions actions) {
    return new FlowRuntime.DataActions() {
      @Override
      public Resolved find(String orgId, String apiId) {
        try {
          return actions.find(orgId, apiId);
        } catch (Problem p) {
          call(apiId, "error");
          throw p;
        }
      }

      @Override
      public ExecutionReport run(
          String orgId, Resolved api, tools.jackson.databind.JsonNode inputs, Duration budget) {
        ExecutionReport r;
        try {
          r = actions.run(orgId, api, inputs, budget);
        } catch (Problem p) {
          call(api.id(), "error");
          throw p;
        }
        record(api.id(), r);
        return r;
      }
    };
  }

  private void record(String apiId, ExecutionReport r) {
    Timer latency =
        Timer.builder("switchboard.dataaction.attempt.latency")
            .description("Data-action request latency, one sample per request sent")
            .tag("dataAction", tag(apiIds, apiId))
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    for (ExecutionReport.Attempt a : r.attemptLog())
      latency.record(a.durationMs(), TimeUnit.MILLISECONDS);
    call(
        apiId,
        r.success()
            ? "success"
            : switch (r.error().kind()) {
              case ExecutionReport.TIMEOUT -> "timeout";
              case ExecutionReport.CIRCUIT_OPEN -> "circuit-open";
              default -> "failure";
            });
  }

  private void call(String apiId, String outcome) {
    Counter.builder("switchboard.dataaction.calls")
        .description("Data-action calls from flows by outcome")
        .tag("dataAction", tag(apiIds, apiId))
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private static String tag(ConcurrentHashMap<String, Boolean> seen, String id) {
    if (id == null) return OTHER;
    if (seen.containsKey(id)) return id;
    if (seen.size() >= MAX_TAGGED_IDS) return OTHER;
    seen.putIfAbsent(id, Boolean.TRUE);
    return id;
  }
}

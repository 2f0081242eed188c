package io.switchboard.server.flows;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.definition.FlowCompiler;
import io.switchboard.server.flows.definition.FlowDefinition;
import io.switchboard.server.flows.runtime.FlowRuntime;
import io.switchboard.server.flows.runtime.Values;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Launches executions of published flows, each on its own virtual thread, records them (RUNNING at
 * launch, the outcome, outputs and trace at the end) and prunes them after the retention time.
 */
public final class FlowExecutions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlowExecutions.class);

  private final FlowService flows;
  private final FlowStore store;
  private final FlowRuntime runtime;
  private final JsonMapper json;
  private final Clock clock;
  private final Duration defaultDeadline;
  private final Duration retention;
  private final ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService pruner;
  private final io.switchboard.server.notifications.Notifier notifier;

  public FlowExecutions(
      FlowService flows,
      FlowStore store,
      FlowRuntime runtime,
      JsonMapper json,
      Clock clock,
      Duration defaultDeadline,
      Duration retention) {
    this(
        flows,
        store,
        runtime,
        json,
        clock,
        defaultDeadline,
        retention,
        io.switchboard.server.notifications.Notifier.NONE);
  }

  /** {@code notifier} announces each finished execution on {@code v2.flows.executions.{id}}. */
  public FlowExecutions(
      FlowService flows,
      FlowStore store,
      FlowRuntime runtime,
      JsonMapper json,
      Clock clock,
      Duration defaultDeadline,
      Duration retention,
      io.switchboard.server.notifications.Notifier notifier) {
    this.notifier = notifier;
    this.flows = flows;
    this.store = store;
    this.runtime = runtime;
    this.json = json;
    this.clock = clock;
    this.defaultDeadline = defaultDeadline;
    this.retention = retention;
    this.pruner =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("flow-execution-pruner").factory());
    long every = Math.max(1, Math.min(300, retention.toSeconds() / 4));
    pruner.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.SECONDS);
  }

  /**
   * {@code inputData}: a WORKFLOW's input variables ({@code Flow.x}); for an INBOUNDCALL, the
   * Call.* values.
   */
  public FlowExecution launch(
      String orgId, String flowId, String versionId, JsonNode inputData, String name) {
    if (flowId == null || flowId.isBlank()) throw Problem.invalid("flowId", "is required");
    FlowService.Published p =
        flows
            .published(orgId, flowId, versionId)
            .orElseThrow(() ->
                new Problem(
                    Problem.Kind.INVALID,
                    "flow.not.published",
                    versionId == null
                        ? "Flow " + flowId + " has no published version"
                        : "Version " + versionId + " of flow " + flowId + " is not published",
                    Map.of("flowId", flowId)));
    Map<String, Object> inputs = inputs(p.definition(), inputData);
    FlowDefinition d = p.definition();
    Duration deadline =
        d.deadlineMillis() != null ? Duration.ofMillis(d.deadlineMillis()) : defaultDeadline;
    String execName = name != null && !name.isBlank() ? name.trim() : p.flow().name();
    if (execName.length() > 200) throw Problem.invalid("name", "must be at most 200 characters");
    var e =
        new FlowExecution(
            UUID.randomUUID().toString(),
            orgId,
            flowId,
            p.version().id(),
            execName,
            "RUNNING",
            null,
            null,
            null,
            null,
            clock.instant(),
            null);
    store.insertExecution(e);
    String correlationId = notifier.correlationId();
    runs.submit(() -> {
      finish(e, d, inputs, deadline);
      announce(e, correlationId);
    });
    return e;
  }

  public FlowExecution get(String orgId, String id) {
    return store.execution(orgId, id).orElseThrow(() -> Problem.notFound("Flow execution", id));
  }

  /** The published version an execution ran (for its {@code flowVersion}). */
  public java.util.Optional<FlowVersion> version(String orgId, String versionId) {
    return store.version(orgId, versionId);
  }

  private void finish(
      FlowExecution e, FlowDefinition d, Map<String, Object> inputs, Duration deadline) {
    try {
      FlowRuntime.Result r = runtime.run(e.orgId(), d, inputs, deadline);
      String status = r.outcome() == FlowRuntime.Outcome.COMPLETED ? "COMPLETED" : "ERROR";
      store.finishExecution(
          e.id(),
          status,
          r.outcome().wire,
          r.reason(),
          json.writeValueAsString(r.outputs()),
          json.writeValueAsString(r.trace()),
          clock.instant());
    } catch (RuntimeException ex) {
      log.error("flow execution {} failed", e.id(), ex);
      store.finishExecution(
          e.id(),
          "ERROR",
          FlowRuntime.Outcome.ERROR.wire,
          "internal error",
          "{}",
          null,
          clock.instant());
    }
  }

  /** The body of {@code v2.flows.executions.{id}}: the finished execution without its trace. */
  public record ExecutionEvent(
      String id,
      String flowId,
      String status,
      String outcome,
      String completionReason,
      java.time.Instant dateLaunched,
      java.time.Instant dateCompleted,
      JsonNode outputData) {}

  private void announce(FlowExecution launched, String correlationId) {
    try {
      FlowExecution e = store.execution(launched.orgId(), launched.id()).orElse(null);
      if (e == null) return;
      notifier.publish(
          new io.switchboard.server.notifications.Notification(
              e.orgId(),
              io.switchboard.server.notifications.Topics.flowExecution(e.id()),
              new ExecutionEvent(
                  e.id(),
                  e.flowId(),
                  e.status(),
                  e.outcome(),
                  e.completionReason(),
                  e.launchedAt(),
                  e.completedAt(),
                  e.outputData() == null ? null : json.readTree(e.outputData())),
              correlationId,
              null,
              0));
    } catch (RuntimeException ex) {
      log.warn("flow execution {} not announced: {}", launched.id(), ex.toString());
    }
  }

  private Map<String, Object> inputs(FlowDefinition d, JsonNode data) {
    var out = new HashMap<String, Object>();
    if (data == null || data.isNull()) return out;
    if (!data.isObject())
      throw Problem.invalid("inputData", "must be an object of input variable names to values");
    for (var e : data.properties()) {
      String name = e.getKey();
      String field = "inputData." + name;
      FlowDefinition.Variable v = d.variables().get(name);
      if (d.kind().equals("inboundCall") && FlowCompiler.CALL_VARIABLES.containsKey(name)) {
        if (!e.getValue().isString()) throw Problem.invalid(field, "must be text");
        out.put(name, e.getValue().asString());
        continue;
      }
      if (v == null || !v.input()) {
        String allowed =
            d.kind().equals("inboundCall")
                ? "Call.Ani, Call.CalledAddress, Call.ConversationId (a simulated call)"
                : "the flow's input variables (Flow.* declared with isInput: true)";
        throw Problem.invalid(field, "is not an input of this flow; inputs are " + allowed);
      }
      try {
        out.put(name, Values.fromJson(e.getValue(), v.type()));
      } catch (Values.Mismatch m) {
        throw Problem.invalid(field, m.getMessage());
      }
    }
    return out;
  }

  private void prune() {
    try {
      int n = store.pruneExecutions(clock.instant().minus(retention));
      if (n > 0) log.info("pruned {} flow executions older than {} s", n, retention.toSeconds());
    } catch (RuntimeException e) {
      log.warn("pruning flow executions failed: {}", e.getMessage());
    }
  }

  /** Prunes now (the scheduled pruning runs the same). */
  public int pruneNow() {
    return store.pruneExecutions(clock.instant().minus(retention));
  }

  @Override
  public void close() {
    pruner.shutdownNow();
    runs.shutdown();
    try {
      // Executions are bounded by their deadline; let the running ones record their end.
      runs.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runs.shutdownNow();
  }
}

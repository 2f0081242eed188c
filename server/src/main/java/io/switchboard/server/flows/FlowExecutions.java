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
  private final FlowMetrics metrics;
  private final ExecutorService runs;
  private final ScheduledExecutorService pruner;
  private final io.switchboard.server.notifications.Notifier notifier;

  /**
   * Launch rows and recorded ends, each written by one writer in batches (one transaction each, up
   * to {@link #WRITE_BATCH}): a burst of executions launched or ending at once (seed 000's 2,000)
   * costs a few commits, not 2,000 durable commits and connections from the pool.
   */
  static final int WRITE_BATCH = 500;

  private final BatchWriter<FlowExecution> launches;
  private final BatchWriter<FlowStore.Completion> completions;

  /** Runs each execution on its own virtual thread and prunes every retention/60 (1..300 s). */
  public FlowExecutions(
      FlowService flows,
      FlowStore store,
      FlowRuntime runtime,
      JsonMapper json,
      Clock clock,
      Duration defaultDeadline,
      Duration retention,
      FlowMetrics metrics) {
    this(
        flows,
        store,
        runtime,
        json,
        clock,
        defaultDeadline,
        retention,
        metrics,
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
      FlowMetrics metrics,
      io.switchboard.server.notifications.Notifier notifier) {
    this(
        flows,
        store,
        runtime,
        json,
        clock,
        defaultDeadline,
        retention,
        metrics,
        notifier,
        Executors.newVirtualThreadPerTaskExecutor(),
        true);
  }

  private FlowExecutions(
      FlowService flows,
      FlowStore store,
      FlowRuntime runtime,
      JsonMapper json,
      Clock clock,
      Duration defaultDeadline,
      Duration retention,
      FlowMetrics metrics,
      io.switchboard.server.notifications.Notifier notifier,
      ExecutorService runs,
      boolean prunes) {
    this.notifier = notifier;
    this.flows = flows;
    this.store = store;
    this.runtime = runtime;
    this.json = json;
    this.clock = clock;
    this.defaultDeadline = defaultDeadline;
    this.retention = retention;
    this.metrics = metrics;
    this.runs = runs;
    this.launches = new BatchWriter<>("flow-launch-writer", WRITE_BATCH, store::insertExecutions);
    this.completions =
        new BatchWriter<>("flow-completion-writer", WRITE_BATCH, store::finishExecutions);
    this.pruner =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("flow-execution-pruner").factory());
    if (prunes) {
      // An execution outlives its retention by at most a sixtieth of it (5 minutes at most): the
      // delete is an index range on launched_at, cheap even every second of a 60-second retention.
      long every = Math.max(1, Math.min(300, retention.toSeconds() / 60));
      pruner.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.SECONDS);
    }
  }

  /**
   * The same executions (store, runtime, metrics) run on {@code pool} instead of virtual threads,
   * without a pruner of their own: what {@code FlowConcurrencyBenchmark} compares against. Closing
   * it shuts {@code pool} down.
   */
  public FlowExecutions on(ExecutorService pool) {
    return new FlowExecutions(
        flows,
        store,
        runtime,
        json,
        clock,
        defaultDeadline,
        retention,
        metrics,
        notifier,
        pool,
        false);
  }

  /**
   * {@code inputData}: a WORKFLOW's input variables ({@code Flow.x}); for an INBOUNDCALL, the
   * Call.* values.
   */
  public FlowExecution launch(
      String orgId, String flowId, String versionId, JsonNode inputData, String name) {
    return launch(orgId, flowId, versionId, inputData, name, null);
  }

  /**
   * As {@link #launch(String, String, String, JsonNode, String)}; {@code then} (may be null) is
   * told of the end once it is recorded, so a caller waiting for many ends need not poll the store.
   */
  public FlowExecution launch(
      String orgId,
      String flowId,
      String versionId,
      JsonNode inputData,
      String name,
      Completion then) {
    // Inside the thread's open transaction (an Idempotency-Key's, which also stores the answer),
    // the
    // RUNNING row is written in it and the run starts once it commits: a launch and its key commit
    // together or not at all.
    org.jdbi.v3.core.Handle open = store.openTransaction();
    if (open != null) {
      Pending run = prepare(orgId, flowId, versionId, inputData, name, then);
      open.afterCommit(run::start);
      return run.execution();
    }
    Ready r = ready(orgId, flowId, versionId, inputData, name);
    // The row exists (and GET answers it) before the launch answers; a burst of launches shares
    // the launch writer's few commits.
    await(launches.submit(r.execution()), "recording the launch");
    runs.submit(() -> finish(r, then));
    return r.execution();
  }

  private static void await(java.util.concurrent.CompletableFuture<Void> written, String what) {
    try {
      written.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException x) {
      if (x.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(x.getCause());
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, x);
    } catch (java.util.concurrent.TimeoutException x) {
      throw new IllegalStateException(what + " took more than 30 s", x);
    }
  }

  /**
   * A validated execution, not yet recorded: its definition, inputs, deadline and the correlation
   * id of the request that launched it (its event carries it).
   */
  private record Ready(
      FlowExecution execution,
      FlowDefinition definition,
      Map<String, Object> inputs,
      Duration deadline,
      String correlationId) {}

  /** Told on the execution's thread once its end is recorded ({@code result} null: it crashed). */
  @FunctionalInterface
  public interface Completion {
    void finished(FlowExecution execution, FlowRuntime.Result result);
  }

  /**
   * An execution whose RUNNING row is written (in the caller's transaction, when there is one) and
   * that runs once {@link #start}ed: a caller in a transaction starts it after the commit, so the
   * run never finishes a row that is not committed yet.
   */
  public final class Pending {
    private final FlowExecution execution;
    private final Runnable run;

    private Pending(FlowExecution execution, Runnable run) {
      this.execution = execution;
      this.run = run;
    }

    public FlowExecution execution() {
      return execution;
    }

    public void start() {
      runs.submit(run);
    }
  }

  /**
   * As {@link #launch}, without starting; the RUNNING row is written at once on the caller's thread
   * (so inside its transaction, when it has one); {@code then} (may be null) is told of the end.
   */
  public Pending prepare(
      String orgId,
      String flowId,
      String versionId,
      JsonNode inputData,
      String name,
      Completion then) {
    Ready r = ready(orgId, flowId, versionId, inputData, name);
    store.insertExecution(r.execution());
    return new Pending(r.execution(), () -> finish(r, then));
  }

  private Ready ready(
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
            io.switchboard.server.storage.Ids.timeOrdered(),
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
    return new Ready(e, d, inputs, deadline, notifier.correlationId());
  }

  public FlowExecution get(String orgId, String id) {
    return store.execution(orgId, id).orElseThrow(() -> Problem.notFound("Flow execution", id));
  }

  /** Outcomes a listing may filter on: the execution outcomes and {@code running}. */
  public static final java.util.Set<String> OUTCOMES =
      java.util.Set.of(
          FlowRuntime.Outcome.COMPLETED.wire,
          FlowRuntime.Outcome.DEADLINE.wire,
          FlowRuntime.Outcome.ACTION_LIMIT.wire,
          FlowRuntime.Outcome.ERROR.wire,
          "running");

  /**
   * A page of the flow's retained executions, newest first (404 when the flow is unknown and has
   * none: executions outlive a deleted flow until pruned).
   */
  public java.util.List<FlowExecution> list(
      String orgId, FlowStore.ExecutionFilter filter, int offset, int limit) {
    requireKnown(orgId, filter.flowId());
    return store.executions(orgId, filter, offset, limit);
  }

  public long count(String orgId, FlowStore.ExecutionFilter filter) {
    return store.countExecutions(orgId, filter);
  }

  /**
   * Retained executions of a flow by outcome, every outcome present (0 when none), plus {@code
   * running}.
   */
  public Map<String, Long> outcomeCounts(String orgId, String flowId) {
    requireKnown(orgId, flowId);
    var counts = new java.util.TreeMap<String, Long>();
    OUTCOMES.forEach(o -> counts.put(o, 0L));
    counts.putAll(store.outcomeCounts(orgId, flowId));
    return counts;
  }

  /** How long executions are kept after launch. */
  public Duration retention() {
    return retention;
  }

  private void requireKnown(String orgId, String flowId) {
    try {
      flows.get(orgId, flowId);
    } catch (Problem p) {
      if (p.kind() != Problem.Kind.NOT_FOUND
          || store.countExecutions(orgId, new FlowStore.ExecutionFilter(flowId, null)) == 0)
        throw p;
    }
  }

  /** The published version an execution ran (for its {@code flowVersion}). */
  public java.util.Optional<FlowVersion> version(String orgId, String versionId) {
    return store.version(orgId, versionId);
  }

  private void finish(Ready ready, Completion then) {
    FlowExecution e = ready.execution();
    FlowRuntime.Result r = null;
    FlowStore.Completion end;
    java.util.concurrent.CompletableFuture<Void> recorded;
    try {
      r = runtime.run(e.orgId(), ready.definition(), ready.inputs(), ready.deadline());
      metrics.execution(e.flowId(), r.outcome().wire, r.trace().durationMs());
      String status = r.outcome() == FlowRuntime.Outcome.COMPLETED ? "COMPLETED" : "ERROR";
      end =
          new FlowStore.Completion(
              e.id(),
              status,
              r.outcome().wire,
              r.reason(),
              json.writeValueAsString(r.outputs()),
              json.writeValueAsString(r.trace()),
              clock.instant());
      recorded = completions.submit(end);
    } catch (RuntimeException ex) {
      log.error("flow execution {} failed", e.id(), ex);
      metrics.execution(
          e.flowId(),
          FlowRuntime.Outcome.ERROR.wire,
          Duration.between(e.launchedAt(), clock.instant()).toMillis());
      end =
          new FlowStore.Completion(
              e.id(),
              "ERROR",
              FlowRuntime.Outcome.ERROR.wire,
              "internal error",
              "{}",
              null,
              clock.instant());
      recorded = completions.submit(end);
      r = null;
    }
    // Announced, and the caller told, once the end is recorded (routing reads the execution with
    // the call; an event never runs ahead of its commit).
    try {
      await(recorded, "recording the end");
    } catch (RuntimeException ex) {
      log.error("flow execution {}: its end was not recorded", e.id(), ex);
      return;
    }
    announce(e, end, ready.correlationId());
    if (then != null) {
      try {
        then.finished(e, r);
      } catch (RuntimeException ex) {
        log.error("after flow execution {}", e.id(), ex);
      }
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

  /**
   * Built from what was just recorded (the row holds exactly that, times at millisecond precision):
   * reading the row back would cost a query per execution, 2,000 at once after a burst.
   */
  private void announce(FlowExecution e, FlowStore.Completion end, String correlationId) {
    try {
      notifier.publish(
          new io.switchboard.server.notifications.Notification(
              e.orgId(),
              io.switchboard.server.notifications.Topics.flowExecution(e.id()),
              new ExecutionEvent(
                  e.id(),
                  e.flowId(),
                  end.status(),
                  end.outcome(),
                  end.reason(),
                  io.switchboard.server.storage.Times.millis(e.launchedAt()),
                  io.switchboard.server.storage.Times.millis(end.completedAt()),
                  end.outputData() == null ? null : json.readTree(end.outputData())),
              correlationId,
              null,
              0));
    } catch (RuntimeException ex) {
      log.warn("flow execution {} not announced: {}", e.id(), ex.toString());
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
    // The writers record what is queued, then stop (not interrupted: JDBC work is not cut).
    launches.close();
    completions.close();
  }
}

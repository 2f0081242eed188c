package io.switchboard.server.flows.runtime;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExecutionReport;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.flows.definition.Expressions;
import io.switchboard.server.flows.definition.FlowCompiler;
import io.switchboard.server.flows.definition.FlowDefinition;
import io.switchboard.server.flows.definition.FlowDefinition.Action;
import io.switchboard.server.flows.definition.VarType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a published flow version to its end on the caller's (virtual) thread. The deadline and the
 * 10,000-action limit are checked before every action; a data action gets what is left of the
 * deadline as its budget. When the deadline passes, the limit is hit or an expression fails, the
 * flow's error handling runs and the execution is recorded with that outcome. A data action that
 * fails never fails the execution: it takes its failure or timeout output.
 */
public final class FlowRuntime {
  /** How close to the deadline a data action's timeout counts as the deadline's. */
  static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  public static final int MAX_ACTIONS_PER_EXECUTION = 10_000;
  public static final int MAX_TRACE_ENTRIES = 1000;

  /** An org's data actions (external APIs) and how one is run. */
  public interface DataActions {
    /**
     * The org's data action a definition resolved to {@code id} (an external API or an integration
     * data action); throws {@code Problem} not-found when it is gone.
     */
    Resolved find(String orgId, String id);

    /** Runs {@code action} within {@code budget}; throws {@code Problem} when it cannot start. */
    ExecutionReport run(String orgId, Resolved action, JsonNode inputs, Duration budget);

    /**
     * A data action found for a run: its id and version (what the response cache keys on) and, for
     * an external API, the API as read (so the run does not read it again; null otherwise).
     */
    record Resolved(String id, long version, ExternalApi externalApi) {}
  }

  public enum Outcome {
    COMPLETED("completed"),
    DEADLINE("deadline"),
    ACTION_LIMIT("actionLimit"),
    ERROR("error");

    public final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }
  }

  /**
   * The end of an execution. {@code reason} says how it ended (disconnect, transferToAcd, the
   * deadline...).
   */
  public record Result(
      Outcome outcome, String reason, Map<String, JsonNode> outputs, Trace trace) {}

  private final Expressions expressions;
  private final DataActions dataActions;
  private final CallDataCache cache;

  public FlowRuntime(Expressions expressions, DataActions dataActions, CallDataCache cache) {
    this.expressions = expressions;
    this.dataActions = dataActions;
    this.cache = cache;
  }

  /**
   * Runs {@code flow} with {@code inputs} (input variables and, for calls, Call.*), stopping at
   * {@code deadline} from now.
   */
  public Result run(
      String orgId, FlowDefinition flow, Map<String, Object> inputs, Duration deadline) {
    return new Execution(orgId, flow, inputs, deadline).run();
  }

  /** Control flow of the interpreter: leaving a task, leaving the flow, or giving up on it. */
  private static final class Jump extends RuntimeException {
    final String task;

    Jump(String task) {
      super(null, null, false, false);
      this.task = task;
    }
  }

  private static final class End extends RuntimeException {
    End(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final class Stop extends RuntimeException {
    final Outcome outcome;

    Stop(Outcome outcome, String reason) {
      super(reason, null, false, false);
      this.outcome = outcome;
    }
  }

  private final class Execution {
    final String orgId;
    final FlowDefinition flow;
    final Map<String, Object> vars = new HashMap<>();
    final long started = System.nanoTime();
    final long deadline;
    final List<Trace.Entry> entries = new ArrayList<>();
    int dropped;
    int actionCount;
    String transferQueue;
    Trace.ScreenPop screenPop;
    Map<String, String> participantData;
    boolean disconnected;

    Execution(String orgId, FlowDefinition flow, Map<String, Object> inputs, Duration budget) {
      this.orgId = orgId;
      this.flow = flow;
      this.deadline = started + budget.toNanos();
      flow.variables().keySet().forEach(n -> vars.put(n, Values.unset()));
      vars.putAll(inputs);
    }

    Result run() {
      Outcome outcome = Outcome.COMPLETED;
      String reason;
      try {
        initialValues();
        String task = flow.startTask();
        while (true) {
          try {
            actions(flow.tasks().get(task).actions());
            reason = flow.kind().equals("workflow") ? "endOfTask" : "disconnect";
            disconnected = !flow.kind().equals("workflow");
            break;
          } catch (Jump j) {
            task = j.task;
          }
        }
      } catch (End e) {
        reason = e.getMessage();
      } catch (Stop s) {
        outcome = s.outcome;
        reason = s.getMessage();
        errorHandling();
      }
      var outputs = new LinkedHashMap<String, JsonNode>();
      flow.variables().values().stream()
          .filter(FlowDefinition.Variable::output)
          .forEach(v -> outputs.put(v.name(), Values.toJson(vars.get(v.name()))));
      var trace =
          new Trace(
              elapsedMs(),
              actionCount,
              List.copyOf(entries),
              dropped,
              transferQueue,
              screenPop,
              participantData,
              disconnected);
      return new Result(outcome, reason, outputs, trace);
    }

    void initialValues() {
      for (FlowDefinition.Variable v : flow.variables().values()) {
        if (v.input() && Expressions.isSet(vars.get(v.name()))) continue;
        if (v.initial() instanceof FlowDefinition.NoValue) continue;
        try {
          vars.put(v.name(), Values.coerce(eval(v.initial()), v.type()));
        } catch (Values.Mismatch | Expressions.EvaluationError e) {
          throw new Stop(Outcome.ERROR, "the initial value of " + v.name() + ": " + e.getMessage());
        }
      }
    }

    /**
     * The error route runs after the deadline too: it is one action that leaves the flow at once.
     */
    void errorHandling() {
      Action a = flow.errorHandling();
      if (a == null) {
        disconnected = !flow.kind().equals("workflow");
        return;
      }
      actionCount++;
      var entry = new EntryBuilder(a);
      try {
        switch (a) {
          case FlowDefinition.TransferToAcd t ->
              transferQueue = queueName(t, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
          case FlowDefinition.Disconnect d -> disconnected = true;
          default -> {}
        }
        entry.outcome = "success";
      } catch (Stop e) {
        entry.outcome = "error";
        entry.detail = e.getMessage();
        disconnected = !flow.kind().equals("workflow");
      }
      record(entry, true);
    }

    void actions(List<Action> list) {
      for (Action a : list) step(a);
    }

    void step(Action a) {
      if (actionCount >= MAX_ACTIONS_PER_EXECUTION)
        throw new Stop(
            Outcome.ACTION_LIMIT,
            "the limit of "
                + MAX_ACTIONS_PER_EXECUTION
                + " actions per execution was reached at "
                + a.path());
      if (System.nanoTime() >= deadline)
        throw new Stop(Outcome.DEADLINE, "the deadline passed before " + a.path());
      actionCount++;
      var entry = new EntryBuilder(a);
      List<Action> next = null;
      try {
        switch (a) {
          case FlowDefinition.CallData c -> next = callData(c, entry);
          case FlowDefinition.Decision d -> {
            boolean yes = condition(d.condition());
            entry.output = yes ? "yes" : "no";
            next = yes ? d.yes() : d.no();
          }
          case FlowDefinition.Switch s -> {
            next = s.otherwise();
            entry.output = "default";
            for (int i = 0; i < s.cases().size(); i++) {
              if (condition(s.cases().get(i).condition())) {
                next = s.cases().get(i).actions();
                entry.output = "case[" + i + "]";
                break;
              }
            }
          }
          case FlowDefinition.UpdateData u -> {
            for (FlowDefinition.Statement st : u.statements())
              set(st.variable(), st.type(), eval(st.value()), entry);
          }
          case FlowDefinition.SetScreenPop p -> {
            var inputs = new LinkedHashMap<String, JsonNode>();
            for (var e : p.inputs().entrySet())
              inputs.put(e.getKey(), Values.toJson(eval(e.getValue())));
            screenPop = new Trace.ScreenPop(p.scriptId(), p.scriptName(), inputs);
          }
          case FlowDefinition.SetParticipantData p -> {
            if (participantData == null) participantData = new LinkedHashMap<>();
            for (FlowDefinition.Attribute attr : p.attributes())
              participantData.put(String.valueOf(eval(attr.name())), text(eval(attr.value())));
          }
          case FlowDefinition.TransferToAcd t -> {
            transferQueue = queueName(t, deadline);
            entry.detail = "queue " + transferQueue;
            entry.outcome = "success";
            record(entry, false);
            throw new End("transferToAcd");
          }
          case FlowDefinition.JumpToTask j -> {
            entry.outcome = "success";
            record(entry, false);
            throw new Jump(j.targetTask());
          }
          case FlowDefinition.Disconnect d -> {
            disconnected = true;
            entry.outcome = "success";
            record(entry, false);
            throw new End("disconnect");
          }
          case FlowDefinition.EndWorkflow w -> {
            entry.outcome = "success";
            record(entry, false);
            throw new End("endWorkflow");
          }
          case FlowDefinition.Loop l -> {
            Object n = eval(l.count());
            long count = n instanceof Long x ? x : 0;
            if (count > FlowCompiler.MAX_LOOP_COUNT || count < 0)
              throw new Stop(
                  Outcome.ERROR,
                  "loopCount "
                      + count
                      + " at "
                      + l.path()
                      + " is outside 0.."
                      + FlowCompiler.MAX_LOOP_COUNT);
            entry.outcome = "success";
            entry.output = "loop";
            entry.detail = count + " iterations";
            record(entry, false);
            for (long i = 0; i < count; i++) {
              if (l.indexVariable() != null) vars.put(l.indexVariable(), i);
              actions(l.body());
            }
            return;
          }
        }
        if (entry.outcome == null) entry.outcome = "success";
      } catch (Expressions.EvaluationError | Values.Mismatch e) {
        entry.outcome = "error";
        entry.detail = e.getMessage();
        record(entry, false);
        throw new Stop(Outcome.ERROR, a.path() + ": " + e.getMessage());
      } catch (Stop s) {
        if (entry.outcome == null) {
          entry.outcome = s.outcome == Outcome.DEADLINE ? "deadline" : "error";
          entry.detail = s.getMessage();
          record(entry, false);
        }
        throw s;
      }
      record(entry, false);
      if (next != null) actions(next);
    }

    List<Action> callData(FlowDefinition.CallData c, EntryBuilder entry)
        throws Expressions.EvaluationError {
      ObjectNode inputs = JsonNodeFactory.instance.objectNode();
      for (var e : c.inputs().entrySet()) inputs.set(e.getKey(), Values.toJson(eval(e.getValue())));
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      long budget = c.timeoutMillis() == null ? left : Math.min(left, c.timeoutMillis());
      if (budget <= 0) throw new Stop(Outcome.DEADLINE, "the deadline passed before " + c.path());
      ExecutionReport report;
      String cacheUse = null;
      try {
        if (c.dataActionId() == null) throw Problem.notFound("External API", c.dataActionName());
        DataActions.Resolved api = dataActions.find(orgId, c.dataActionId());
        if (c.cacheTtlMillis() == null) {
          report = dataActions.run(orgId, api, inputs, Duration.ofMillis(budget));
        } else {
          CallDataCache.Answer answer =
              cache.get(
                  orgId,
                  api,
                  inputs,
                  c.cacheTtlMillis(),
                  budget,
                  () -> dataActions.run(orgId, api, inputs, Duration.ofMillis(budget)));
          report = answer.report();
          cacheUse = answer.use();
        }
      } catch (Problem p) {
        entry.dataAction =
            new Trace.DataActionCall(
                c.dataActionId(),
                c.dataActionName(),
                budget,
                0,
                null,
                0,
                p.code(),
                p.getMessage(),
                null,
                null,
                null);
        entry.outcome = "failure";
        entry.output = "failure";
        entry.detail = p.getMessage();
        return c.failure();
      }
      ExecutionReport.Failure f = report.error();
      entry.dataAction =
          new Trace.DataActionCall(
              c.dataActionId(),
              c.dataActionName(),
              budget,
              report.attempts(),
              report.status(),
              report.latencyMs(),
              f == null ? null : f.kind(),
              f == null ? null : f.detail(),
              report.circuit(),
              report.attemptLog().isEmpty() ? null : report.attemptLog(),
              cacheUse);
      if (f != null) {
        boolean timedOut = ExecutionReport.TIMEOUT.equals(f.kind());
        // Within a few milliseconds of the deadline a timeout is the deadline's: the budget was
        // cut to whole milliseconds of what was left, so the engine may stop just before it.
        if (timedOut && System.nanoTime() >= deadline - DEADLINE_SLACK_NANOS) {
          entry.outcome = "deadline";
          entry.detail = "the data action ran into the flow's deadline";
          record(entry, false);
          throw new Stop(Outcome.DEADLINE, "the deadline passed during " + c.path());
        }
        entry.outcome = timedOut ? "timeout" : "failure";
        entry.output = entry.outcome;
        entry.detail = f.detail();
        return timedOut ? c.timeout() : c.failure();
      }
      JsonNode outputs =
          report.outputs() == null ? JsonNodeFactory.instance.objectNode() : report.outputs();
      var values = new LinkedHashMap<String, Object>();
      for (var e : c.successOutputs().entrySet()) {
        JsonNode v = outputs.get(e.getKey());
        if (v == null)
          return failed(c, entry, "the data action has no output '" + e.getKey() + "'");
        try {
          values.put(e.getValue(), Values.fromJson(v, typeOf(e.getValue())));
        } catch (Values.Mismatch m) {
          return failed(
              c, entry, "output " + e.getKey() + " for " + e.getValue() + ": " + m.getMessage());
        }
      }
      values.forEach((name, v) -> setRaw(name, v, entry));
      entry.outcome = "success";
      entry.output = "success";
      return c.success();
    }

    List<Action> failed(FlowDefinition.CallData c, EntryBuilder entry, String why) {
      entry.outcome = "failure";
      entry.output = "failure";
      entry.detail = why;
      return c.failure();
    }

    boolean condition(FlowDefinition.Value v) throws Expressions.EvaluationError {
      Object r = eval(v);
      return r instanceof Boolean b && b;
    }

    String queueName(FlowDefinition.TransferToAcd t, long until) {
      try {
        Object q =
            t.queue() instanceof FlowDefinition.Expression x
                ? expressions.evaluate(x.compiled(), vars, until)
                : t.queue() instanceof FlowDefinition.Literal l ? l.value() : null;
        if (!(q instanceof String s) || s.isBlank())
          throw new Stop(Outcome.ERROR, t.path() + ": the queue name is not set");
        return s;
      } catch (Expressions.EvaluationError e) {
        throw new Stop(Outcome.ERROR, t.path() + ": " + e.getMessage());
      }
    }

    Object eval(FlowDefinition.Value v) throws Expressions.EvaluationError {
      return switch (v) {
        case null -> Values.unset();
        case FlowDefinition.Literal l -> l.value() == null ? Values.unset() : l.value();
        case FlowDefinition.NoValue n -> Values.unset();
        case FlowDefinition.Expression x -> expressions.evaluate(x.compiled(), vars, deadline);
      };
    }

    void set(String name, VarType type, Object value, EntryBuilder entry) throws Values.Mismatch {
      setRaw(name, Values.coerce(value, type), entry);
    }

    void setRaw(String name, Object value, EntryBuilder entry) {
      Object old = vars.put(name, value);
      if (entry.variables == null) entry.variables = new LinkedHashMap<>();
      // Several writes to one variable in one action keep the first old value.
      Trace.Change before = entry.variables.get(name);
      entry.variables.put(
          name,
          new Trace.Change(
              before != null ? before.old() : Expressions.isSet(old) ? traced(name, old) : null,
              traced(name, value)));
    }

    VarType typeOf(String variable) {
      FlowDefinition.Variable v = flow.variables().get(variable);
      return v == null ? VarType.ANY : v.type();
    }

    void record(EntryBuilder b, boolean always) {
      if (b.recorded) return;
      b.recorded = true;
      if (entries.size() >= MAX_TRACE_ENTRIES && !always) {
        dropped++;
        return;
      }
      entries.add(
          new Trace.Entry(
              b.path,
              b.type,
              b.name,
              b.startMs,
              elapsedMs() - b.startMs,
              b.outcome,
              b.output,
              b.detail,
              b.dataAction,
              b.variables));
    }

    long elapsedMs() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    final class EntryBuilder {
      final String path;
      final String type;
      final String name;
      final long startMs = elapsedMs();
      String outcome;
      String output;
      String detail;
      Trace.DataActionCall dataAction;
      Map<String, Trace.Change> variables;
      boolean recorded;

      EntryBuilder(Action a) {
        this.path = a.path();
        this.type = a.type();
        this.name = a.name();
      }
    }
  }

  /** What the trace shows instead of the value of a variable whose name suggests a secret. */
  public static final String REDACTED = "[redacted]";

  /** Longest string value a trace shows; longer ones are cut and marked. */
  public static final int MAX_TRACED_STRING = 200;

  /** Longest value (as JSON) a trace shows; a larger collection is summarised. */
  public static final int MAX_TRACED_JSON = 1024;

  private static final java.util.regex.Pattern SECRET_NAME =
      java.util.regex.Pattern.compile(
          "(?i).*(password|passwd|secret|token|apikey|api_key|authorization|credential"
              + "|cardnumber|cvv).*");

  /**
   * A variable's value as the trace shows it: redacted when the variable's name suggests a secret
   * (the trace is read by anyone with the {@code architect} scope, while a data action's secret
   * outputs are for the flow), cut when long, so one trace entry stays small.
   */
  static JsonNode traced(String variable, Object value) {
    if (!Expressions.isSet(value)) return JsonNodeFactory.instance.nullNode();
    if (SECRET_NAME.matcher(variable).matches())
      return JsonNodeFactory.instance.stringNode(REDACTED);
    JsonNode n = Values.toJson(value);
    if (n.isString() && n.asString().length() > MAX_TRACED_STRING) {
      String t = n.asString();
      return JsonNodeFactory.instance.stringNode(
          t.substring(0, MAX_TRACED_STRING)
              + "...("
              + (t.length() - MAX_TRACED_STRING)
              + " more characters)");
    }
    if (n.isContainer() && n.toString().length() > MAX_TRACED_JSON)
      return JsonNodeFactory.instance.stringNode(
          "(" + n.size() + " items, " + n.toString().length() + " characters as JSON)");
    return n;
  }

  private static String text(Object v) {
    return Expressions.isSet(v) ? String.valueOf(v) : "";
  }
}

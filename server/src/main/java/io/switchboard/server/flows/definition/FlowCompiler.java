package io.switchboard.server.flows.definition;

import dev.cel.bundle.Cel;
import io.switchboard.server.flows.definition.FlowDefinition.Action;
import io.switchboard.server.flows.definition.FlowDefinition.Expression;
import io.switchboard.server.flows.definition.FlowDefinition.Literal;
import io.switchboard.server.flows.definition.FlowDefinition.NoValue;
import io.switchboard.server.flows.definition.FlowDefinition.Value;
import io.switchboard.server.flows.definition.SourceNode.Mapping;
import io.switchboard.server.flows.definition.SourceNode.Scalar;
import io.switchboard.server.flows.definition.SourceNode.Sequence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a definition in Archy's shape and builds the runnable {@link FlowDefinition}. It does not
 * stop at the first problem: every problem found is collected with its path and source line/column,
 * so an author fixes them all in one round. See {@code docs/flows.md} for the supported subset.
 */
public final class FlowCompiler {
  public static final int MAX_ACTIONS = 2000;
  public static final int MAX_TASKS = 200;
  public static final int MAX_LOOP_COUNT = 1000;
  public static final long MIN_DEADLINE_MS = 100;
  public static final long MAX_DEADLINE_MS = 120_000;
  public static final long MIN_CACHE_TTL_MS = 1000;
  public static final long MAX_CACHE_TTL_MS = 3_600_000;
  public static final Map<String, VarType> CALL_VARIABLES =
      Map.of(
          "Call.Ani",
          VarType.STRING,
          "Call.CalledAddress",
          VarType.STRING,
          "Call.ConversationId",
          VarType.STRING);

  private static final Pattern TASK_REF =
      Pattern.compile("^/(inboundCall|workflow)/tasks/task\\[([^\\]]+)]$");
  private static final Pattern VARIABLE =
      Pattern.compile("^(Task|Flow|Call)\\.[A-Za-z_][A-Za-z0-9_]{0,99}$");

  /**
   * CEL's reserved words: {@code Flow.in} could never be read in an expression, so it is refused up
   * front.
   */
  private static final Set<String> RESERVED =
      Set.of(
          "in",
          "as",
          "break",
          "const",
          "continue",
          "else",
          "for",
          "function",
          "if",
          "import",
          "let",
          "loop",
          "package",
          "namespace",
          "return",
          "var",
          "void",
          "while",
          "true",
          "false",
          "null");

  /**
   * Presentation settings of Archy files that have no meaning without audio; accepted and ignored.
   */
  private static final Set<String> IGNORED_FLOW_KEYS =
      Set.of(
          "description",
          "division",
          "defaultLanguage",
          "supportedLanguages",
          "initialGreeting",
          "settingsActionDefaults",
          "settingsPrompts",
          "settingsInboundCallFlow");

  private static final Set<String> IGNORED_ACTION_KEYS =
      Set.of(
          "processingPrompt", "preTransferAudio", "failureTransferAudio", "priority", "comments");

  /** One problem: where it is (path, line, column) and what to do about it. */
  public record FlowError(String path, int line, int column, String message) {}

  public record Result(FlowDefinition definition, List<FlowError> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Something a flow refers to in the caller's org, resolved to its id. */
  public record Ref(String id, String name) {}

  /** The org's data actions and published scripts, by id or by name. */
  public interface References {
    Optional<Ref> dataAction(String idOrName);

    Optional<Ref> publishedScript(String idOrName);

    /** A queue of the org by exact name (case-insensitive); by default any name is accepted. */
    default Optional<Ref> queue(String name) {
      return Optional.of(new Ref(name, name));
    }
  }

  private record Slot(Expression expression, VarType expected, String what) {}

  private record Write(String variable, VarType type, String path, int line, int column) {}

  private record Jump(String fromTask, String target, String path, int line, int column) {}

  private final String kind;
  private final References refs;
  private final Expressions expressions;
  private final List<FlowError> errors = new ArrayList<>();
  private final List<Slot> slots = new ArrayList<>();
  private final List<Write> writes = new ArrayList<>();
  private final List<Jump> jumps = new ArrayList<>();
  private String currentTask;
  private int actions;

  private FlowCompiler(String kind, References refs, Expressions expressions) {
    this.kind = kind;
    this.refs = refs;
    this.expressions = expressions;
  }

  /**
   * The Archy document key of a flow type: {@code inboundCall} for INBOUNDCALL, {@code workflow}
   * for WORKFLOW.
   */
  public static String documentKey(String flowType) {
    return flowType.equals("WORKFLOW") ? "workflow" : "inboundCall";
  }

  public static Result compile(
      SourceNode root, String flowType, References refs, Expressions expressions) {
    var c = new FlowCompiler(documentKey(flowType), refs, expressions);
    FlowDefinition d = c.flow(root);
    c.errors.sort(
        java.util.Comparator.comparingInt(FlowError::line).thenComparingInt(FlowError::column));
    return new Result(d, List.copyOf(c.errors));
  }

  // ---- the document

  private FlowDefinition flow(SourceNode root) {
    Mapping top = mapping(root, "/");
    if (top == null) return null;
    if (top.entries().size() != 1 || top.get(kind) == null) {
      error(
          "/",
          root,
          "a "
              + (kind.equals("workflow") ? "WORKFLOW" : "INBOUNDCALL")
              + " flow's definition has one top-level key, '"
              + kind
              + "'"
              + (top.entries().isEmpty()
                  ? ""
                  : "; found " + String.join(", ", top.entries().keySet())));
      if (top.entries().size() != 1) return null;
    }
    SourceNode bodyNode = top.entries().values().iterator().next().value();
    String base = "/" + kind;
    Mapping body = mapping(bodyNode, base);
    if (body == null) return null;
    keys(
        body,
        base,
        Set.of("name", "startUpRef", "settingsErrorHandling", "deadline", "variables", "tasks"),
        IGNORED_FLOW_KEYS);
    String name = text(body, "name", base, true);

    var variables = new LinkedHashMap<String, FlowDefinition.Variable>();
    var declaredAt = new LinkedHashMap<String, SourceNode>();
    if (body.get("variables") != null)
      declarations(body.get("variables"), base + "/variables", variables, declaredAt);

    Long deadline = null;
    if (body.get("deadline") != null)
      deadline =
          duration(body.get("deadline"), base + "/deadline", MIN_DEADLINE_MS, MAX_DEADLINE_MS);

    var tasks = new LinkedHashMap<String, FlowDefinition.Task>();
    var taskNodes = new LinkedHashMap<String, SourceNode>();
    Sequence taskList =
        body.get("tasks") == null ? null : sequence(body.get("tasks"), base + "/tasks");
    if (body.get("tasks") == null) error(base, body, "tasks is required: a list of task entries");
    if (taskList != null) {
      if (taskList.items().size() > MAX_TASKS)
        error(base + "/tasks", taskList, "at most " + MAX_TASKS + " tasks");
      for (int i = 0; i < taskList.items().size(); i++) {
        FlowDefinition.Task t = task(taskList.items().get(i), base + "/tasks[" + i + "]");
        if (t == null) continue;
        if (tasks.containsKey(t.refId()))
          error(
              t.path(),
              taskList.items().get(i),
              "the refId '" + t.refId() + "' is used by two tasks");
        else {
          tasks.put(t.refId(), t);
          taskNodes.put(t.refId(), taskList.items().get(i));
        }
      }
    }

    Action errorHandling = null;
    currentTask = null;
    if (body.get("settingsErrorHandling") != null)
      errorHandling =
          errorHandling(body.get("settingsErrorHandling"), base + "/settingsErrorHandling");

    String start = null;
    SourceNode startNode = body.get("startUpRef");
    if (startNode == null)
      error(base, body, "startUpRef is required, e.g. \"/" + kind + "/tasks/task[main]\"");
    else {
      start = taskRef(startNode, base + "/startUpRef");
      if (start != null && !tasks.containsKey(start)) {
        error(base + "/startUpRef", startNode, "no task has the refId '" + start + "'");
        start = null;
      }
    }
    for (Jump j : jumps) {
      if (!tasks.containsKey(j.target()))
        errors.add(
            new FlowError(
                j.path(), j.line(), j.column(), "no task has the refId '" + j.target() + "'"));
    }
    if (start != null) unreachable(start, tasks, taskNodes);
    if (kind.equals("inboundCall")) {
      for (FlowDefinition.Task t : tasks.values()) {
        if (!exits(t.actions()))
          error(
              t.path(),
              taskNodes.get(t.refId()),
              "the task '"
                  + t.name()
                  + "' can reach its end without an exit: end every path with disconnect,"
                  + " transferToAcd or jumpToTask");
      }
    }
    if (actions > MAX_ACTIONS)
      error(
          base,
          body,
          "the flow has " + actions + " actions; at most " + MAX_ACTIONS + " are allowed");

    Map<String, VarType> types = types(variables, declaredAt);
    compileExpressions(types);
    var allVariables = new LinkedHashMap<String, FlowDefinition.Variable>();
    types.forEach((n, t) ->
        allVariables.put(
            n,
            variables.getOrDefault(
                n, new FlowDefinition.Variable(n, t, false, false, new NoValue()))));
    return new FlowDefinition(kind, name, start, tasks, allVariables, errorHandling, deadline);
  }

  private void declarations(
      SourceNode node,
      String path,
      Map<String, FlowDefinition.Variable> out,
      Map<String, SourceNode> at) {
    Sequence s = sequence(node, path);
    if (s == null) return;
    for (int i = 0; i < s.items().size(); i++) {
      String p = path + "[" + i + "]";
      Mapping.Entry e = single(s.items().get(i), p);
      if (e == null) continue;
      p = p + "/" + e.key();
      if (!e.key().endsWith("Variable")
          || VarType.ofArchy(e.key().substring(0, e.key().length() - "Variable".length()))
              == null) {
        error(
            p,
            e,
            "unknown variable kind '"
                + e.key()
                + "'; use stringVariable, integerVariable, decimalVariable, booleanVariable,"
                + " dateTimeVariable or their Collection forms (stringCollectionVariable, ...)");
        continue;
      }
      VarType type = VarType.ofArchy(e.key().substring(0, e.key().length() - "Variable".length()));
      Mapping m = mapping(e.value(), p);
      if (m == null) continue;
      keys(m, p, Set.of("name", "initialValue", "isInput", "isOutput"), Set.of("description"));
      String name = text(m, "name", p, true);
      if (name == null) continue;
      if (!VARIABLE.matcher(name).matches() || name.startsWith("Call.")) {
        error(
            p + "/name", m.get("name"), "a declared variable is named Flow.<name> or Task.<name>");
        continue;
      }
      if (reserved(name)) {
        error(p + "/name", m.get("name"), reservedMessage(name));
        continue;
      }
      if (out.containsKey(name)) {
        error(p + "/name", m.get("name"), name + " is declared twice");
        continue;
      }
      Value initial =
          m.get("initialValue") == null
              ? new NoValue()
              : value(m.get("initialValue"), p + "/initialValue", type, "initial value of " + name);
      boolean input = bool(m, "isInput", p);
      boolean output = bool(m, "isOutput", p);
      if ((input || output) && !name.startsWith("Flow."))
        error(p + "/name", m.get("name"), "only Flow.* variables can be flow inputs or outputs");
      out.put(name, new FlowDefinition.Variable(name, type, input, output, initial));
      at.put(name, m.get("name"));
    }
  }

  private FlowDefinition.Task task(SourceNode node, String path) {
    Mapping.Entry e = single(node, path);
    if (e == null) return null;
    if (!e.key().equals("task")) {
      error(path, e, "a tasks entry is 'task:', found '" + e.key() + "'");
      return null;
    }
    Mapping m = mapping(e.value(), path + "/task");
    if (m == null) return null;
    keys(m, path + "/task", Set.of("name", "refId", "actions"), Set.of("description", "variables"));
    String name = text(m, "name", path + "/task", true);
    String refId = text(m, "refId", path + "/task", true);
    if (refId == null) return null;
    String taskPath = "/" + kind + "/tasks/task[" + refId + "]";
    currentTask = refId;
    List<Action> list =
        m.get("actions") == null ? List.of() : actions(m.get("actions"), taskPath + "/actions");
    if (m.get("actions") == null) error(taskPath, m, "the task has no actions");
    return new FlowDefinition.Task(refId, name == null ? refId : name, taskPath, list);
  }

  private Action errorHandling(SourceNode node, String path) {
    Mapping m = mapping(node, path);
    if (m == null) return null;
    keys(m, path, Set.of("errorHandling"), Set.of());
    if (m.get("errorHandling") == null) return null;
    Mapping.Entry e = single(m.get("errorHandling"), path + "/errorHandling");
    if (e == null) return null;
    Set<String> allowed =
        kind.equals("workflow")
            ? Set.of("endWorkflow", "disconnect")
            : Set.of("transferToAcd", "disconnect");
    if (!allowed.contains(e.key())) {
      error(
          path + "/errorHandling",
          e,
          "error handling can be " + String.join(" or ", allowed) + ", not " + e.key());
      return null;
    }
    return action(e, path + "/errorHandling/" + e.key(), false);
  }

  // ---- actions

  private List<Action> actions(SourceNode node, String path) {
    Sequence s = sequence(node, path);
    if (s == null) return List.of();
    var out = new ArrayList<Action>();
    for (int i = 0; i < s.items().size(); i++) {
      String p = path + "[" + i + "]";
      Mapping.Entry e = single(s.items().get(i), p);
      if (e == null) continue;
      Action a = action(e, p + "/" + e.key(), true);
      if (a != null) out.add(a);
    }
    return List.copyOf(out);
  }

  private Action action(Mapping.Entry e, String path, boolean nameRequired) {
    actions++;
    Mapping m = empty(e.value()) ? Mapping.empty(e.line(), e.column()) : mapping(e.value(), path);
    if (m == null) return null;
    String name = m.get("name") == null ? null : text(m, "name", path, false);
    if (name == null) {
      if (nameRequired) error(path, m, "the action needs a name");
      name = e.key();
    }
    return switch (e.key()) {
      case "callData" -> callData(m, name, path);
      case "decision" -> {
        keys(m, path, Set.of("name", "condition", "outputs"), IGNORED_ACTION_KEYS);
        Value condition = required(m, "condition", path, VarType.BOOLEAN, "a decision's condition");
        Map<String, List<Action>> outs = outputs(m, path, Set.of("yes", "no"));
        yield new FlowDefinition.Decision(
            name,
            path,
            condition,
            outs.getOrDefault("yes", List.of()),
            outs.getOrDefault("no", List.of()));
      }
      case "switch" -> switchAction(m, name, path);
      case "updateData" -> updateData(m, name, path);
      case "setScreenPop" -> screenPop(m, name, path);
      case "setParticipantData" -> participantData(m, name, path);
      case "transferToAcd" -> {
        keys(m, path, Set.of("name", "targetQueue"), IGNORED_ACTION_KEYS);
        Value queue =
            m.get("targetQueue") == null
                ? null
                : queue(m.get("targetQueue"), path + "/targetQueue");
        if (m.get("targetQueue") == null) error(path, m, "transferToAcd needs a targetQueue");
        yield new FlowDefinition.TransferToAcd(name, path, queue);
      }
      case "jumpToTask" -> {
        keys(m, path, Set.of("name", "targetTaskRef"), IGNORED_ACTION_KEYS);
        SourceNode t = m.get("targetTaskRef");
        String target = t == null ? null : taskRef(t, path + "/targetTaskRef");
        if (t == null)
          error(
              path, m, "jumpToTask needs a targetTaskRef, e.g. \"/" + kind + "/tasks/task[main]\"");
        if (target != null)
          jumps.add(new Jump(currentTask, target, path + "/targetTaskRef", t.line(), t.column()));
        yield new FlowDefinition.JumpToTask(name, path, target);
      }
      case "disconnect" -> {
        keys(m, path, Set.of("name"), IGNORED_ACTION_KEYS);
        if (kind.equals("workflow"))
          error(path, m, "a workflow has no call to disconnect; use endWorkflow");
        yield new FlowDefinition.Disconnect(name, path);
      }
      case "endWorkflow" -> {
        keys(m, path, Set.of("name"), Set.of("exitReason"));
        if (!kind.equals("workflow"))
          error(
              path,
              m,
              "endWorkflow is for workflows; an inbound call ends with disconnect or"
                  + " transferToAcd");
        yield new FlowDefinition.EndWorkflow(name, path);
      }
      case "loop" -> loop(m, name, path);
      default -> {
        error(
            path,
            e,
            "unsupported action '"
                + e.key()
                + "'; supported: callData, decision, switch, updateData, setScreenPop,"
                + " setParticipantData, transferToAcd, jumpToTask, disconnect, endWorkflow, loop");
        yield null;
      }
    };
  }

  private Action callData(Mapping m, String name, String path) {
    keys(m, path, Set.of("name", "timeout", "cache", "category", "outputs"), IGNORED_ACTION_KEYS);
    Long timeout =
        m.get("timeout") == null
            ? null
            : duration(m.get("timeout"), path + "/timeout", 100, MAX_DEADLINE_MS);
    Long cacheTtl = m.get("cache") == null ? null : cacheTtl(m.get("cache"), path + "/cache");
    String id = null;
    String actionName = null;
    var inputs = new LinkedHashMap<String, Value>();
    var outputs = new LinkedHashMap<String, String>();
    SourceNode cat = m.get("category");
    if (cat == null)
      error(
          path,
          m,
          "callData needs category: {<category>: {dataAction: {<data action name>: {...}}}}");
    else {
      Mapping.Entry category = single(cat, path + "/category");
      if (category != null) {
        String cp = path + "/category/" + category.key();
        Mapping cm = mapping(category.value(), cp);
        if (cm != null) {
          keys(cm, cp, Set.of("dataAction"), Set.of());
          Mapping.Entry da =
              cm.get("dataAction") == null
                  ? null
                  : single(cm.get("dataAction"), cp + "/dataAction");
          if (cm.get("dataAction") == null) error(cp, cm, "dataAction is required");
          if (da != null) {
            String dp = cp + "/dataAction/" + da.key();
            actionName = da.key();
            Optional<Ref> ref = refs.dataAction(da.key());
            if (ref.isEmpty())
              error(
                  dp,
                  da,
                  "unknown data action '"
                      + da.key()
                      + "': no external API or integration data action with that name or id in"
                      + " this organization");
            else id = ref.get().id();
            Mapping dm =
                empty(da.value()) ? Mapping.empty(da.line(), da.column()) : mapping(da.value(), dp);
            if (dm != null) {
              keys(dm, dp, Set.of("inputs", "successOutputs"), Set.of());
              Mapping in =
                  dm.get("inputs") == null ? null : mapping(dm.get("inputs"), dp + "/inputs");
              if (in != null)
                in.entries()
                    .forEach((k, v) ->
                        inputs.put(k, value(v.value(), dp + "/inputs/" + k, null, "input " + k)));
              Mapping so =
                  dm.get("successOutputs") == null
                      ? null
                      : mapping(dm.get("successOutputs"), dp + "/successOutputs");
              if (so != null) {
                so.entries()
                    .forEach((k, v) -> {
                      String var = variableName(v.value(), dp + "/successOutputs/" + k);
                      if (var != null) {
                        outputs.put(k, var);
                        writes.add(
                            new Write(
                                var,
                                null,
                                dp + "/successOutputs/" + k,
                                v.value().line(),
                                v.value().column()));
                      }
                    });
              }
            }
          }
        }
      }
    }
    Map<String, List<Action>> outs = outputs(m, path, Set.of("success", "failure", "timeout"));
    return new FlowDefinition.CallData(
        name,
        path,
        id,
        actionName,
        inputs,
        outputs,
        timeout,
        cacheTtl,
        outs.getOrDefault("success", List.of()),
        outs.getOrDefault("failure", List.of()),
        outs.getOrDefault("timeout", List.of()));
  }

  /**
   * A Switchboard extension: {@code cache: {ttl: {lit: {seconds: 60}}}} (any duration literal) or
   * the short {@code cache: {ttl: 60s}} ({@code ms}, {@code s}, {@code m}); 1 s..1 h.
   */
  private Long cacheTtl(SourceNode node, String path) {
    Mapping cm = mapping(node, path);
    if (cm == null) return null;
    keys(cm, path, Set.of("ttl"), Set.of());
    SourceNode ttl = cm.get("ttl");
    if (ttl == null) {
      error(path, cm, "cache needs a ttl, e.g. cache: {ttl: {lit: {seconds: 60}}} or {ttl: 60s}");
      return null;
    }
    if (ttl instanceof Scalar s && s.value() instanceof String text) {
      Matcher short_ = SHORT_DURATION.matcher(text.trim());
      if (!short_.matches()) {
        error(
            path + "/ttl",
            s,
            "'" + text + "' is not a duration: write 60s, 500ms, 5m or {lit: {seconds: 60}}");
        return null;
      }
      long n = Long.parseLong(short_.group(1));
      long ms =
          switch (short_.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
          };
      if (ms < MIN_CACHE_TTL_MS || ms > MAX_CACHE_TTL_MS) {
        error(
            path + "/ttl",
            s,
            "the cache ttl must be between "
                + MIN_CACHE_TTL_MS
                + " ms and "
                + MAX_CACHE_TTL_MS
                + " ms, got "
                + ms
                + " ms");
        return null;
      }
      return ms;
    }
    return duration(ttl, path + "/ttl", MIN_CACHE_TTL_MS, MAX_CACHE_TTL_MS);
  }

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

  private Action switchAction(Mapping m, String name, String path) {
    keys(m, path, Set.of("name", "evaluate"), IGNORED_ACTION_KEYS);
    var cases = new ArrayList<FlowDefinition.Case>();
    List<Action> otherwise = List.of();
    Mapping ev = m.get("evaluate") == null ? null : mapping(m.get("evaluate"), path + "/evaluate");
    if (m.get("evaluate") == null)
      error(
          path, m, "switch needs evaluate: {firstTrue: {cases: [...], default: {actions: [...]}}}");
    if (ev != null) {
      keys(ev, path + "/evaluate", Set.of("firstTrue"), Set.of());
      Mapping ft =
          ev.get("firstTrue") == null
              ? null
              : mapping(ev.get("firstTrue"), path + "/evaluate/firstTrue");
      if (ft != null) {
        String fp = path + "/evaluate/firstTrue";
        keys(ft, fp, Set.of("cases", "default"), Set.of());
        Sequence cs = ft.get("cases") == null ? null : sequence(ft.get("cases"), fp + "/cases");
        if (cs != null) {
          for (int i = 0; i < cs.items().size(); i++) {
            String cp = fp + "/cases[" + i + "]";
            Mapping.Entry ce = single(cs.items().get(i), cp);
            if (ce == null) continue;
            if (!ce.key().equals("case")) {
              error(cp, ce, "a cases entry is 'case:'");
              continue;
            }
            Mapping cm = mapping(ce.value(), cp + "/case");
            if (cm == null) continue;
            keys(cm, cp + "/case", Set.of("value", "actions"), Set.of());
            Value v = required(cm, "value", cp + "/case", VarType.BOOLEAN, "a switch case's value");
            cases.add(
                new FlowDefinition.Case(
                    v,
                    cm.get("actions") == null
                        ? List.of()
                        : actions(cm.get("actions"), cp + "/case/actions")));
          }
        }
        if (ft.get("default") != null) {
          Mapping dm = mapping(ft.get("default"), fp + "/default");
          if (dm != null) {
            keys(dm, fp + "/default", Set.of("actions"), Set.of());
            if (dm.get("actions") != null)
              otherwise = actions(dm.get("actions"), fp + "/default/actions");
          }
        }
      }
    }
    return new FlowDefinition.Switch(name, path, cases, otherwise);
  }

  private Action updateData(Mapping m, String name, String path) {
    keys(m, path, Set.of("name", "statements"), IGNORED_ACTION_KEYS);
    var statements = new ArrayList<FlowDefinition.Statement>();
    Sequence s =
        m.get("statements") == null ? null : sequence(m.get("statements"), path + "/statements");
    if (m.get("statements") == null) error(path, m, "updateData needs statements");
    if (s != null) {
      for (int i = 0; i < s.items().size(); i++) {
        String p = path + "/statements[" + i + "]";
        Mapping.Entry e = single(s.items().get(i), p);
        if (e == null) continue;
        p = p + "/" + e.key();
        VarType type = VarType.ofArchy(e.key());
        if (type == null) {
          error(
              p,
              e,
              "unknown statement type '"
                  + e.key()
                  + "'; use string, integer, decimal, boolean, dateTime or their Collection forms");
          continue;
        }
        Mapping sm = mapping(e.value(), p);
        if (sm == null) continue;
        keys(sm, p, Set.of("variable", "value"), Set.of());
        String var =
            sm.get("variable") == null ? null : variableName(sm.get("variable"), p + "/variable");
        if (sm.get("variable") == null) error(p, sm, "the statement needs a variable");
        Value v =
            required(sm, "value", p, type, var == null ? "the value" : "the value for " + var);
        if (var != null) {
          writes.add(
              new Write(
                  var,
                  type,
                  p + "/variable",
                  sm.get("variable").line(),
                  sm.get("variable").column()));
          statements.add(new FlowDefinition.Statement(var, type, v));
        }
      }
    }
    return new FlowDefinition.UpdateData(name, path, statements);
  }

  private Action screenPop(Mapping m, String name, String path) {
    keys(m, path, Set.of("name", "screenPopScript"), IGNORED_ACTION_KEYS);
    Mapping.Entry script =
        m.get("screenPopScript") == null
            ? null
            : single(m.get("screenPopScript"), path + "/screenPopScript");
    if (m.get("screenPopScript") == null)
      error(
          path,
          m,
          "setScreenPop needs screenPopScript: {<published script name>: {inputs: {...}}}");
    if (script == null) return new FlowDefinition.SetScreenPop(name, path, null, null, Map.of());
    String sp = path + "/screenPopScript/" + script.key();
    Optional<Ref> ref = refs.publishedScript(script.key());
    if (ref.isEmpty())
      error(
          sp,
          script,
          "unknown script '"
              + script.key()
              + "': no published script with that name or id in this organization");
    var inputs = new LinkedHashMap<String, Value>();
    Mapping sm = empty(script.value()) ? null : mapping(script.value(), sp);
    if (sm != null) {
      keys(sm, sp, Set.of("inputs"), Set.of());
      Mapping in = sm.get("inputs") == null ? null : mapping(sm.get("inputs"), sp + "/inputs");
      if (in != null)
        in.entries()
            .forEach(
                (k, v) -> inputs.put(k, value(v.value(), sp + "/inputs/" + k, null, "input " + k)));
    }
    return new FlowDefinition.SetScreenPop(
        name, path, ref.map(Ref::id).orElse(null), ref.map(Ref::name).orElse(script.key()), inputs);
  }

  private Action participantData(Mapping m, String name, String path) {
    keys(m, path, Set.of("name", "attributes"), IGNORED_ACTION_KEYS);
    var attributes = new ArrayList<FlowDefinition.Attribute>();
    Sequence s =
        m.get("attributes") == null ? null : sequence(m.get("attributes"), path + "/attributes");
    if (s != null) {
      for (int i = 0; i < s.items().size(); i++) {
        String p = path + "/attributes[" + i + "]";
        Mapping.Entry e = single(s.items().get(i), p);
        if (e == null) continue;
        if (!e.key().equals("attribute")) {
          error(p, e, "an attributes entry is 'attribute:'");
          continue;
        }
        Mapping am = mapping(e.value(), p + "/attribute");
        if (am == null) continue;
        keys(am, p + "/attribute", Set.of("name", "value"), Set.of());
        attributes.add(
            new FlowDefinition.Attribute(
                required(am, "name", p + "/attribute", VarType.STRING, "the attribute name"),
                required(am, "value", p + "/attribute", VarType.STRING, "the attribute value")));
      }
    }
    return new FlowDefinition.SetParticipantData(name, path, attributes);
  }

  private Action loop(Mapping m, String name, String path) {
    keys(m, path, Set.of("name", "loopCount", "currentIndex", "outputs"), IGNORED_ACTION_KEYS);
    Value count = required(m, "loopCount", path, VarType.INTEGER, "loopCount");
    if (count instanceof Literal l && l.value() instanceof Long n && (n < 0 || n > MAX_LOOP_COUNT))
      error(
          path + "/loopCount",
          m.get("loopCount"),
          "loopCount must be between 0 and " + MAX_LOOP_COUNT);
    String index = null;
    SourceNode ci = m.get("currentIndex");
    if (ci != null && !(ci instanceof Mapping cm && cm.get("noValue") != null)) {
      index = variableName(ci, path + "/currentIndex");
      if (index != null)
        writes.add(
            new Write(index, VarType.INTEGER, path + "/currentIndex", ci.line(), ci.column()));
    }
    Map<String, List<Action>> outs = outputs(m, path, Set.of("loop"));
    return new FlowDefinition.Loop(name, path, count, index, outs.getOrDefault("loop", List.of()));
  }

  private Map<String, List<Action>> outputs(Mapping m, String path, Set<String> allowed) {
    var out = new LinkedHashMap<String, List<Action>>();
    if (m.get("outputs") == null) return out;
    Mapping om = mapping(m.get("outputs"), path + "/outputs");
    if (om == null) return out;
    for (Mapping.Entry e : om.entries().values()) {
      String p = path + "/outputs/" + e.key();
      if (!allowed.contains(e.key())) {
        error(
            p,
            e,
            "unknown output '" + e.key() + "'; this action has " + String.join(", ", allowed));
        continue;
      }
      if (empty(e.value())) continue;
      Mapping am = mapping(e.value(), p);
      if (am == null) continue;
      keys(am, p, Set.of("actions"), Set.of());
      if (am.get("actions") != null) out.put(e.key(), actions(am.get("actions"), p + "/actions"));
    }
    return out;
  }

  // ---- values

  private Value required(Mapping m, String key, String path, VarType expected, String what) {
    if (m.get(key) == null) {
      error(path, m, key + " is required");
      return new NoValue();
    }
    return value(m.get(key), path + "/" + key, expected, what);
  }

  /** {@code lit:}, {@code exp:} or {@code noValue: true}; a bare scalar is taken as a literal. */
  private Value value(SourceNode node, String path, VarType expected, String what) {
    if (node instanceof Scalar s) return literal(s, path, expected, what);
    Mapping.Entry e = single(node, path);
    if (e == null) return new NoValue();
    switch (e.key()) {
      case "lit" -> {
        if (e.value() instanceof Scalar s) return literal(s, path + "/lit", expected, what);
        error(path + "/lit", e.value(), "a literal here is a single value; use exp: for lists");
        return new NoValue();
      }
      case "exp" -> {
        if (!(e.value() instanceof Scalar s) || !(s.value() instanceof String source)) {
          error(path + "/exp", e.value(), "exp: takes the expression as text");
          return new NoValue();
        }
        var x = new Expression(source, path + "/exp", s.line(), s.column());
        slots.add(new Slot(x, expected, what));
        return x;
      }
      case "noValue" -> {
        return new NoValue();
      }
      default -> {
        error(path, e, "a value is lit:, exp: or noValue:, not " + e.key());
        return new NoValue();
      }
    }
  }

  private Value literal(Scalar s, String path, VarType expected, String what) {
    Object v = s.value();
    if (v == null || expected == null || expected.base() == VarType.Base.ANY) return new Literal(v);
    if (expected.collection()) {
      error(path, s, what + " is a " + expected + "; write it as an expression (exp: '[...]')");
      return new NoValue();
    }
    Object converted =
        switch (expected.base()) {
          case STRING -> v instanceof Boolean ? null : String.valueOf(v);
          case INTEGER -> v instanceof Long ? v : null;
          case DECIMAL ->
              v instanceof Long l ? (Object) l.doubleValue() : v instanceof Double ? v : null;
          case BOOLEAN -> v instanceof Boolean ? v : null;
          case DATETIME -> {
            try {
              yield v instanceof String t ? Instant.parse(t) : null;
            } catch (java.time.format.DateTimeParseException e) {
              yield null;
            }
          }
          case ANY -> v;
        };
    if (converted == null) error(path, s, what + " must be a " + expected + ", got '" + v + "'");
    return converted == null ? new NoValue() : new Literal(converted);
  }

  /** {@code lit: {name: General}} (the queue's name) or an expression that gives the name. */
  private Value queue(SourceNode node, String path) {
    Mapping.Entry e = single(node, path);
    if (e == null) return null;
    if (e.key().equals("lit") && e.value() instanceof Mapping lm) {
      SourceNode n = lm.get("name");
      if (n instanceof Scalar s && s.value() instanceof String name && !name.isBlank()) {
        if (refs.queue(name).isEmpty())
          error(
              path + "/lit/name",
              n,
              "unknown queue '" + name + "' (not a queue of this organization)");
        return new Literal(name);
      }
      error(path + "/lit", lm, "a queue literal is {name: <queue name>}");
      return null;
    }
    return value(node, path, VarType.STRING, "the queue name");
  }

  /**
   * {@code lit: {seconds: 4}} (also minutes, milliseconds) or {@code lit: PT4S}, in milliseconds.
   */
  private Long duration(SourceNode node, String path, long min, long max) {
    Mapping.Entry e = single(node, path);
    if (e == null) return null;
    if (!e.key().equals("lit")) {
      error(path, e, "a duration is a literal: lit: {seconds: 4}");
      return null;
    }
    long ms = -1;
    if (e.value() instanceof Scalar s && s.value() instanceof String iso) {
      try {
        ms = Duration.parse(iso).toMillis();
      } catch (java.time.format.DateTimeParseException x) {
        error(path + "/lit", s, "'" + iso + "' is not an ISO-8601 duration such as PT4S");
        return null;
      }
    } else if (e.value() instanceof Mapping dm) {
      ms = 0;
      for (Mapping.Entry part : dm.entries().values()) {
        long unit =
            switch (part.key()) {
              case "minutes" -> 60_000;
              case "seconds" -> 1000;
              case "milliseconds" -> 1;
              default -> 0;
            };
        if (unit == 0
            || !(part.value() instanceof Scalar ps)
            || !(ps.value() instanceof Number n)) {
          error(
              path + "/lit/" + part.key(),
              part,
              "a duration literal has minutes, seconds or milliseconds, each a number");
          return null;
        }
        ms += Math.round(n.doubleValue() * unit);
      }
    } else {
      error(path + "/lit", e.value(), "a duration literal is {seconds: 4} or PT4S");
      return null;
    }
    if (ms < min || ms > max) {
      error(
          path,
          e,
          "the duration must be between " + min + " ms and " + max + " ms, got " + ms + " ms");
      return null;
    }
    return ms;
  }

  private String variableName(SourceNode node, String path) {
    if (!(node instanceof Scalar s) || !(s.value() instanceof String name)) {
      error(path, node, "a variable name such as Task.tier is expected");
      return null;
    }
    if (!VARIABLE.matcher(name).matches()) {
      error(path, node, "'" + name + "' is not a variable name: use Task.<name> or Flow.<name>");
      return null;
    }
    if (name.startsWith("Call.")) {
      error(path, node, name + " is read-only");
      return null;
    }
    if (reserved(name)) {
      error(path, node, reservedMessage(name));
      return null;
    }
    return name;
  }

  private String taskRef(SourceNode node, String path) {
    if (!(node instanceof Scalar s) || !(s.value() instanceof String ref)) {
      error(path, node, "a task reference such as \"/" + kind + "/tasks/task[main]\" is expected");
      return null;
    }
    Matcher m = TASK_REF.matcher(ref);
    if (!m.matches() || !m.group(1).equals(kind)) {
      error(
          path,
          node,
          "'" + ref + "' is not a task reference; use \"/" + kind + "/tasks/task[<refId>]\"");
      return null;
    }
    return m.group(2);
  }

  // ---- whole-flow checks

  private Map<String, VarType> types(
      Map<String, FlowDefinition.Variable> declared, Map<String, SourceNode> declaredAt) {
    var types = new LinkedHashMap<String, VarType>();
    if (kind.equals("inboundCall")) types.putAll(CALL_VARIABLES);
    declared.forEach((n, v) -> types.put(n, v.type()));
    var firstTypedWrite = new LinkedHashMap<String, Write>();
    for (Write w : writes) {
      if (w.type() == null) continue;
      VarType known = types.get(w.variable());
      if (known == null) {
        types.put(w.variable(), w.type());
        firstTypedWrite.put(w.variable(), w);
      } else if (!known.equals(w.type()) && known.base() != VarType.Base.ANY) {
        Write first = firstTypedWrite.get(w.variable());
        String where =
            first != null
                ? "written as " + known + " at line " + first.line()
                : declaredAt.containsKey(w.variable())
                    ? "declared " + known + " at line " + declaredAt.get(w.variable()).line()
                    : "a " + known;
        errors.add(
            new FlowError(
                w.path(),
                w.line(),
                w.column(),
                w.variable() + " is " + where + "; it cannot be written as " + w.type()));
      }
    }
    for (Write w : writes) types.putIfAbsent(w.variable(), VarType.ANY);
    return types;
  }

  private void compileExpressions(Map<String, VarType> types) {
    if (slots.isEmpty()) return;
    Cel cel = expressions.environment(types);
    for (Slot s : slots) {
      Expression x = s.expression();
      try {
        x.compiled = expressions.compile(cel, x.source);
        if (s.expected() != null && !s.expected().accepts(x.compiled.type())) {
          errors.add(
              new FlowError(
                  x.path,
                  x.line,
                  x.column,
                  s.what()
                      + " must be a "
                      + s.expected()
                      + " but '"
                      + x.source
                      + "' is a "
                      + VarType.describe(x.compiled.type())));
        }
      } catch (Expressions.CompileError e) {
        int line = x.line + e.line - 1;
        errors.add(
            new FlowError(
                x.path,
                line,
                x.column,
                "the expression '"
                    + abbreviate(x.source)
                    + "' does not compile"
                    + (e.column > 0 ? " (at character " + e.column + ")" : "")
                    + ": "
                    + e.getMessage()));
      }
    }
  }

  private void unreachable(
      String start, Map<String, FlowDefinition.Task> tasks, Map<String, SourceNode> nodes) {
    var edges = new LinkedHashMap<String, List<String>>();
    var fromErrorHandling = new ArrayList<String>();
    for (Jump j : jumps) {
      if (j.fromTask() == null) fromErrorHandling.add(j.target());
      else edges.computeIfAbsent(j.fromTask(), k -> new ArrayList<>()).add(j.target());
    }
    var seen = new HashSet<String>();
    var todo = new ArrayDeque<String>();
    todo.add(start);
    todo.addAll(fromErrorHandling);
    while (!todo.isEmpty()) {
      String t = todo.poll();
      if (!seen.add(t)) continue;
      todo.addAll(edges.getOrDefault(t, List.of()));
    }
    for (FlowDefinition.Task t : tasks.values()) {
      if (!seen.contains(t.refId()))
        error(
            t.path(),
            nodes.get(t.refId()),
            "the task '"
                + t.name()
                + "' is unreachable: neither startUpRef nor any jumpToTask leads to it");
    }
  }

  /** True when every path through {@code list} ends in an action that leaves the task. */
  private static boolean exits(List<Action> list) {
    for (Action a : list) {
      boolean leaves =
          switch (a) {
            case FlowDefinition.Disconnect d -> true;
            case FlowDefinition.TransferToAcd t -> true;
            case FlowDefinition.JumpToTask j -> true;
            case FlowDefinition.EndWorkflow w -> true;
            case FlowDefinition.Decision d -> exits(d.yes()) && exits(d.no());
            case FlowDefinition.CallData c ->
                exits(c.success()) && exits(c.failure()) && exits(c.timeout());
            case FlowDefinition.Switch s ->
                exits(s.otherwise()) && s.cases().stream().allMatch(c -> exits(c.actions()));
            default -> false;
          };
      if (leaves) return true;
    }
    return false;
  }

  // ---- shape helpers

  /** {@code key:} with nothing after it: YAML gives an empty or null scalar. */
  private static boolean empty(SourceNode n) {
    return n instanceof Scalar s && (s.value() == null || "".equals(s.value()));
  }

  private Mapping mapping(SourceNode n, String path) {
    if (n instanceof Mapping m) return m;
    error(path, n, "a mapping (key: value) is expected here");
    return null;
  }

  private Sequence sequence(SourceNode n, String path) {
    if (n instanceof Sequence s) return s;
    error(path, n, "a list (- item) is expected here");
    return null;
  }

  /** A mapping with exactly one key (how Archy writes an action, a value or a reference). */
  private Mapping.Entry single(SourceNode n, String path) {
    Mapping m = mapping(n, path);
    if (m == null) return null;
    if (m.entries().size() != 1) {
      error(
          path,
          n,
          "exactly one key is expected here"
              + (m.entries().isEmpty()
                  ? ""
                  : ", found " + String.join(", ", m.entries().keySet())));
      return null;
    }
    return m.entries().values().iterator().next();
  }

  private void keys(Mapping m, String path, Set<String> allowed, Set<String> ignored) {
    for (Mapping.Entry e : m.entries().values()) {
      if (!allowed.contains(e.key()) && !ignored.contains(e.key()))
        error(
            path + "/" + e.key(),
            e,
            "unsupported key '"
                + e.key()
                + "' here; expected "
                + String.join(", ", new java.util.TreeSet<>(allowed)));
    }
  }

  private String text(Mapping m, String key, String path, boolean required) {
    SourceNode n = m.get(key);
    if (n == null) {
      if (required) error(path, m, key + " is required");
      return null;
    }
    if (n instanceof Scalar s
        && s.value() != null
        && !(s.value() instanceof Boolean)
        && !s.text().isBlank()
        && s.text().length() <= 200) return s.text();
    error(path + "/" + key, n, key + " must be a text of 1 to 200 characters");
    return null;
  }

  private boolean bool(Mapping m, String key, String path) {
    SourceNode n = m.get(key);
    if (n == null) return false;
    if (n instanceof Scalar s && s.value() instanceof Boolean b) return b;
    error(path + "/" + key, n, key + " must be true or false");
    return false;
  }

  private void error(String path, SourceNode at, String message) {
    errors.add(
        new FlowError(path, at == null ? 0 : at.line(), at == null ? 0 : at.column(), message));
  }

  private void error(String path, Mapping.Entry at, String message) {
    errors.add(new FlowError(path, at.line(), at.column(), message));
  }

  private static boolean reserved(String variable) {
    return RESERVED.contains(variable.substring(variable.indexOf('.') + 1));
  }

  private static String reservedMessage(String variable) {
    return "'"
        + variable.substring(variable.indexOf('.') + 1)
        + "' is a reserved word in expressions, so "
        + variable
        + " could not be read; rename it";
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}

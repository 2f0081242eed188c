package io.switchboard.server.flows.definition;

import java.util.List;
import java.util.Map;

/**
 * A checked flow definition in the supported subset of Archy's shape, ready to run. Expressions are
 * compiled; references to data actions and scripts are resolved to ids in the org.
 *
 * @param deadlineMillis the flow's own deadline ({@code deadline:}), or null for the server's
 *     default
 * @param errorHandling what runs after an unhandled failure, the deadline or the action limit (or
 *     null)
 */
public record FlowDefinition(
    String kind,
    String name,
    String startTask,
    Map<String, Task> tasks,
    Map<String, Variable> variables,
    Action errorHandling,
    Long deadlineMillis) {

  public record Task(String refId, String name, String path, List<Action> actions) {}

  public record Variable(String name, VarType type, boolean input, boolean output, Value initial) {}

  /** A value slot: a literal, an expression, or Archy's {@code noValue: true}. */
  public sealed interface Value {}

  public record Literal(Object value) implements Value {}

  public record NoValue() implements Value {}

  /** An expression, compiled once the whole flow's variables are known. */
  public static final class Expression implements Value {
    public final String source;
    public final String path;
    public final int line;
    public final int column;
    volatile Expressions.Compiled compiled;

    Expression(String source, String path, int line, int column) {
      this.source = source;
      this.path = path;
      this.line = line;
      this.column = column;
    }

    public Expressions.Compiled compiled() {
      return compiled;
    }
  }

  /** Every action has a name (for the trace) and the path it has in the definition. */
  public sealed interface Action {
    String name();

    String path();

    default String type() {
      String t = getClass().getSimpleName();
      return Character.toLowerCase(t.charAt(0)) + t.substring(1);
    }
  }

  /** {@code successOutputs}: the data action's output name to the variable it is stored in. */
  public record CallData(
      String name,
      String path,
      String dataActionId,
      String dataActionName,
      Map<String, Value> inputs,
      Map<String, String> successOutputs,
      Long timeoutMillis,
      Long cacheTtlMillis,
      List<Action> success,
      List<Action> failure,
      List<Action> timeout)
      implements Action {}

  public record Decision(
      String name, String path, Value condition, List<Action> yes, List<Action> no)
      implements Action {}

  public record Switch(String name, String path, List<Case> cases, List<Action> otherwise)
      implements Action {}

  public record Case(Value condition, List<Action> actions) {}

  public record UpdateData(String name, String path, List<Statement> statements)
      implements Action {}

  public record Statement(String variable, VarType type, Value value) {}

  public record SetScreenPop(
      String name, String path, String scriptId, String scriptName, Map<String, Value> inputs)
      implements Action {}

  public record SetParticipantData(String name, String path, List<Attribute> attributes)
      implements Action {}

  public record Attribute(Value name, Value value) {}

  public record TransferToAcd(String name, String path, Value queue) implements Action {}

  public record JumpToTask(String name, String path, String targetTask) implements Action {}

  public record Disconnect(String name, String path) implements Action {}

  public record EndWorkflow(String name, String path) implements Action {}

  public record Loop(String name, String path, Value count, String indexVariable, List<Action> body)
      implements Action {}
}

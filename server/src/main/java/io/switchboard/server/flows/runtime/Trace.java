package io.switchboard.server.flows.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.server.externalapis.ExecutionReport;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What an execution did, as stored and served: every action (up to {@link
 * FlowRuntime#MAX_TRACE_ENTRIES}; {@code droppedEntries} counts the rest) and the effects the
 * platform acts on.
 *
 * @param actionCount actions started, the error-handling one included
 * @param transferQueue the queue name {@code transferToAcd} chose (routing comes with queues, part
 *     2)
 * @param screenPop the script {@code setScreenPop} chose, with its evaluated inputs
 * @param participantData attributes {@code setParticipantData} set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Trace(
    long durationMs,
    int actionCount,
    List<Entry> actions,
    int droppedEntries,
    String transferQueue,
    ScreenPop screenPop,
    Map<String, String> participantData,
    boolean disconnected) {

  /**
   * One action. {@code outcome}: success, failure, timeout, deadline or error; {@code output}: the
   * branch it took (yes, no, success, failure, timeout, case[1], default, loop).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      String path,
      String type,
      String name,
      long startMs,
      long durationMs,
      String outcome,
      String output,
      String detail,
      DataActionCall dataAction,
      Map<String, Change> variables) {}

  /**
   * A variable an action changed: its value before and after ({@code old} absent when it was
   * unset). Values of variables whose name suggests a secret are {@value FlowRuntime#REDACTED};
   * long values are cut (see {@link FlowRuntime#traced}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Change(JsonNode old, @JsonProperty("new") JsonNode value) {}

  /**
   * A data action's execution: {@code attempts} requests sent (retries included), the last {@code
   * status}, the budget it was given and the engine's error kind when it failed ({@code
   * circuit-open}: the breaker was open and nothing was sent); {@code attemptLog} each request
   * (status or error kind, duration, the wait that followed and why). {@code cache} (only with
   * {@code cache: {ttl}}): {@code miss} (this execution made the call), {@code hit} (a stored
   * answer, no request) or {@code joined} (waited for the same call in flight).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DataActionCall(
      String id,
      String name,
      long budgetMs,
      int attempts,
      Integer status,
      long latencyMs,
      String error,
      String errorDetail,
      String circuit,
      List<ExecutionReport.Attempt> attemptLog,
      String cache) {}

  public record ScreenPop(String scriptId, String scriptName, Map<String, JsonNode> inputs) {}
}

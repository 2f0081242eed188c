package io.switchboard.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Architect flows ({@code /api/v2/flows}, scope {@code architect}): create, read, update, delete,
 * definitions saved as versions ({@code latestconfiguration}), publish, and workflow executions.
 * The shapes are Genesys's; see {@code docs/flows.md} for the definition language.
 *
 * <pre>{@code
 * Flow flow = client.flows().create(new NewFlow("Greeter", null, "WORKFLOW"));
 * client.flows().saveYaml(flow.id(), yaml);
 * client.flows().publish(flow.id());
 * var launched = client.flows().launch(flow.id(), Map.of("Flow.who", "Ada"), null);
 * FlowExecution done = client.flows().awaitExecution(launched.id());
 * }</pre>
 */
public final class FlowsApi {
  private static final String BASE = "/api/v2/flows";
  private final SwitchboardClient client;

  FlowsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * What creates a flow or changes its name and description.
   *
   * @param name unique in the org
   * @param description optional
   * @param type {@code INBOUNDCALL} or {@code WORKFLOW} (not changeable)
   */
  public record NewFlow(String name, String description, String type) {}

  /**
   * A flow.
   *
   * @param id its id
   * @param name its name
   * @param description its description, or null
   * @param type {@code INBOUNDCALL} or {@code WORKFLOW}
   * @param active true once a version is published
   * @param savedVersion the latest saved definition, or null
   * @param publishedVersion the published definition, or null
   * @param selfUri its path
   */
  public record Flow(
      String id,
      String name,
      String description,
      String type,
      boolean active,
      FlowVersion savedVersion,
      FlowVersion publishedVersion,
      String selfUri) {}

  /**
   * One saved definition of a flow.
   *
   * @param id the version's id
   * @param name {@code <n>.0}
   * @param commitVersion the sequence number
   * @param type {@code SAVE} or {@code PUBLISH}
   * @param dateCreated when it was saved, epoch milliseconds (as Genesys types it)
   * @param datePublished when it was published, or null
   * @param selfUri its path
   */
  public record FlowVersion(
      String id,
      String name,
      String commitVersion,
      String type,
      long dateCreated,
      Instant datePublished,
      String selfUri) {}

  /**
   * A reference to the version an execution ran.
   *
   * @param id the version's id
   * @param name {@code <n>.0}
   * @param selfUri its path
   */
  public record VersionRef(String id, String name, String selfUri) {}

  /**
   * The answer to a launch: the execution runs on; read it with {@link #execution}.
   *
   * @param id the execution's id
   * @param name its name
   * @param flowVersion the version it runs
   * @param selfUri its path
   */
  public record Launched(String id, String name, VersionRef flowVersion, String selfUri) {}

  /**
   * Why an execution failed.
   *
   * @param message what happened
   * @param code a stable code ({@code flow.<outcome>})
   * @param status an HTTP-like status
   */
  public record FlowError(String message, String code, int status) {}

  /**
   * A workflow execution (Genesys's FlowRuntimeExecution, with Switchboard's outcome and trace).
   *
   * @param id its id
   * @param name its name
   * @param flowVersion the version it ran
   * @param flowId the flow
   * @param dateLaunched when it started
   * @param status {@code RUNNING}, {@code COMPLETED} or {@code ERROR}
   * @param dateCompleted when it ended, or null
   * @param completionReason why it ended, or null
   * @param flowErrorInfo the error, for {@code ERROR}
   * @param outputData the flow's output variables by name
   * @param outcome Switchboard's outcome code
   * @param trace what the runtime did (actions, data actions, timings)
   * @param selfUri its path
   */
  public record FlowExecution(
      String id,
      String name,
      VersionRef flowVersion,
      String flowId,
      Instant dateLaunched,
      String status,
      Instant dateCompleted,
      String completionReason,
      FlowError flowErrorInfo,
      Map<String, Object> outputData,
      String outcome,
      Map<String, Object> trace,
      String selfUri) {
    /**
     * True once it ended (completed or failed).
     *
     * @return whether it ended
     */
    public boolean finished() {
      return !"RUNNING".equals(status);
    }
  }

  /**
   * Creates a flow (not retried: the server does not deduplicate it).
   *
   * @param flow the name, description and type
   * @return the new flow
   */
  public Flow create(NewFlow flow) {
    return client.call(ApiRequest.post(BASE, flow), Flow.class);
  }

  /**
   * One flow ({@link ApiException.NotFoundException} if not in this org).
   *
   * @param id the flow's id
   * @return the flow
   */
  public Flow get(String id) {
    return client.call(ApiRequest.get(path(id)), Flow.class);
  }

  /**
   * Changes the flow's name and description.
   *
   * @param id the flow's id
   * @param flow the name, description and type
   * @return the flow as changed
   */
  public Flow update(String id, NewFlow flow) {
    return client.call(ApiRequest.put(path(id), flow), Flow.class);
  }

  /**
   * Deletes the flow.
   *
   * @param id the flow's id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(path(id)));
  }

  /**
   * One page of the org's flows; {@code name} (a prefix) and {@code type} may be null.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param name a name prefix, or null for all
   * @param type the flow type ({@code WORKFLOW}, {@code INBOUNDCALL}), or null for all
   * @return the page
   */
  public Page<Flow> list(int pageNumber, int pageSize, String name, String type) {
    var query = new StringBuilder("?pageSize=" + pageSize + "&pageNumber=" + pageNumber);
    if (name != null) query.append("&name=").append(Paths.query(name));
    if (type != null) query.append("&type=").append(Paths.query(type));
    return client.callPage(ApiRequest.get(BASE + query), Flow.class);
  }

  /**
   * Every flow matching the filters, fetched lazily.
   *
   * @param pageSize items per page
   * @param name a name prefix, or null for all
   * @param type the flow type ({@code WORKFLOW}, {@code INBOUNDCALL}), or null for all
   * @return the items, fetched lazily
   */
  public Stream<Flow> stream(int pageSize, String name, String type) {
    return Pages.stream(n -> list(n, pageSize, name, type));
  }

  /**
   * Saves a definition in Archy's YAML shape as the flow's new latest version; problems are
   * reported by {@link #publish}.
   *
   * @param id the flow's id
   * @param yaml the definition as YAML
   * @return the saved version
   */
  public FlowVersion saveYaml(String id, String yaml) {
    return saveConfiguration(id, yaml.getBytes(StandardCharsets.UTF_8), "application/yaml");
  }

  /**
   * Saves a definition given as JSON (the same structure as the YAML).
   *
   * @param id the flow's id
   * @param json the definition as JSON
   * @return the saved version
   */
  public FlowVersion saveJson(String id, String json) {
    return saveConfiguration(id, json.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private FlowVersion saveConfiguration(String id, byte[] body, String contentType) {
    var request =
        new ApiRequest(
            "PUT", path(id) + "/latestconfiguration", Map.of(), body, contentType, null, false);
    return client.call(request, FlowVersion.class);
  }

  /**
   * The latest saved definition as text: the YAML as saved when it was saved as YAML, else JSON.
   *
   * @param id the flow's id
   * @return the definition's text
   */
  public String latestConfiguration(String id) {
    ApiResponse r =
        client.send(
            ApiRequest.get(path(id) + "/latestconfiguration")
                .header("Accept", "application/yaml, application/json"));
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /**
   * The flow's versions, newest first.
   *
   * @param id the flow's id
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<FlowVersion> versions(String id, int pageNumber, int pageSize) {
    return client.callPage(
        ApiRequest.get(path(id) + "/versions?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        FlowVersion.class);
  }

  /**
   * Publishes the latest saved version. Every problem of the definition at once: {@link
   * ApiException.InvalidRequestException} whose {@code error().errors()} name line and column.
   *
   * @param id the flow's id
   * @return the flow, with its published version
   */
  public Flow publish(String id) {
    return client.call(
        ApiRequest.post(BASE + "/actions/publish?flow=" + Paths.query(id), null), Flow.class);
  }

  /**
   * Launches the published version of a workflow with {@code inputs} (variable name → value; null
   * for none); {@code name} is optional. The request carries a new {@code Idempotency-Key}, so it
   * is retried like any safe request and launches one execution however often it is sent.
   *
   * @param flowId the flow
   * @param inputs the inputs by variable name, or null
   * @param name the execution's name, or null
   * @return the new execution's id and version
   */
  public Launched launch(String flowId, Map<String, ?> inputs, String name) {
    return launch(flowId, inputs, name, SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #launch(String, Map, String)} with the caller's {@code Idempotency-Key}: a repeat with
   * the same key (within the server's retention, 24 h by default) answers the first launch again.
   *
   * @param flowId the flow
   * @param inputs the inputs by variable name, or null
   * @param name the execution's name, or null
   * @param idempotencyKey the key
   * @return the execution's id and version
   */
  public Launched launch(String flowId, Map<String, ?> inputs, String name, String idempotencyKey) {
    Objects.requireNonNull(flowId, "flowId");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    var body = new LinkedHashMap<String, Object>();
    body.put("flowId", flowId);
    if (inputs != null) body.put("inputData", inputs);
    if (name != null) body.put("name", name);
    return client.call(
        ApiRequest.post(BASE + "/executions", body).idempotencyKey(idempotencyKey), Launched.class);
  }

  /**
   * Outcome counts over a flow's retained executions.
   *
   * @param flowId the flow
   * @param total executions retained
   * @param outcomes count by outcome code
   * @param retentionSeconds how long executions are kept
   */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  public record ExecutionSummary(
      String flowId, long total, Map<String, Long> outcomes, long retentionSeconds) {}

  /**
   * One page of a flow's executions, newest first.
   *
   * @param flowId the flow
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param outcomes only these outcome codes (none: all); an unknown one is {@link
   *     ApiException.InvalidRequestException}
   * @return the page
   */
  public Page<FlowExecution> executions(
      String flowId, int pageNumber, int pageSize, String... outcomes) {
    var query = new StringBuilder("?pageSize=" + pageSize + "&pageNumber=" + pageNumber);
    for (String o : outcomes) query.append("&outcome=").append(Paths.query(o));
    return client.callPage(
        ApiRequest.get(path(flowId) + "/executions" + query), FlowExecution.class);
  }

  /**
   * A flow's executions with the given outcomes, fetched lazily page by page.
   *
   * @param flowId the flow
   * @param pageSize items per page
   * @param outcomes only these outcome codes (none: all)
   * @return the executions
   */
  public Stream<FlowExecution> streamExecutions(String flowId, int pageSize, String... outcomes) {
    return Pages.stream(n -> executions(flowId, n, pageSize, outcomes));
  }

  /**
   * How a flow's retained executions ended.
   *
   * @param flowId the flow
   * @return the counts by outcome
   */
  public ExecutionSummary executionSummary(String flowId) {
    return client.call(
        ApiRequest.get(path(flowId) + "/executions/summary"), ExecutionSummary.class);
  }

  /**
   * An execution as it is now.
   *
   * @param executionId the execution
   * @return the execution
   */
  public FlowExecution execution(String executionId) {
    return client.call(
        ApiRequest.get(BASE + "/executions/" + Paths.segment(executionId)), FlowExecution.class);
  }

  /**
   * Reads the execution until it has finished, pausing between reads (50 ms growing to 1 s), within
   * the call's deadline; {@link DeadlineExceededException} if it is still running then.
   *
   * @param executionId the execution
   * @return the finished execution
   */
  public FlowExecution awaitExecution(String executionId) {
    Instant deadline = client.newDeadline();
    dev.failsafe.RetryPolicy<FlowExecution> untilFinished =
        dev.failsafe.RetryPolicy.<FlowExecution>builder()
            .handleResultIf(e -> !e.finished())
            .withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .withMaxRetries(-1)
            .withMaxDuration(remaining(deadline))
            .build();
    FlowExecution last;
    try {
      last =
          dev.failsafe.Failsafe.with(untilFinished)
              .get(() -> client.withDeadline(remaining(deadline)).flows().execution(executionId));
    } catch (dev.failsafe.FailsafeException f) {
      if (f.getCause() instanceof InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new SwitchboardException("interrupted while waiting for a flow execution", ie);
      }
      throw f;
    }
    if (last.finished()) return last;
    throw new DeadlineExceededException(
        "flow execution " + executionId + " still running at the deadline",
        java.util.List.of(),
        null);
  }

  private Duration remaining(Instant deadline) {
    Duration left = Duration.between(client.core().clock.instant(), deadline);
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }

  private static String path(String id) {
    return BASE + "/" + Paths.segment(id);
  }
}

package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Genesys's web-services data actions: {@code /api/v2/integrations} (integrations of type {@code
 * custom-rest-actions}, which hold the credential) and {@code /api/v2/integrations/actions} (the
 * actions: templates, translation map, JSON Schema contracts; test and execute). Scope {@code
 * integrations}.
 */
public final class DataActionsApi {
  private static final String INTEGRATIONS = "/api/v2/integrations";
  private static final String ACTIONS = INTEGRATIONS + "/actions";
  private static final String TYPE = "custom-rest-actions";

  private final SwitchboardClient client;

  DataActionsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A reference to another entity.
   *
   * @param id its id
   * @param name its name, when the server gives it
   * @param selfUri its path, when the server gives it
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ref(String id, String name, String selfUri) {}

  /**
   * An integration's reported state.
   *
   * @param code {@code ACTIVE} or {@code INACTIVE}
   * @param effective the same, for people
   * @param lastUpdated when it last changed
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ReportedState(String code, String effective, Instant lastUpdated) {}

  /**
   * An integration's current configuration (Genesys's IntegrationConfiguration).
   *
   * @param id the integration's id
   * @param name its name
   * @param version its version
   * @param properties properties (none used)
   * @param advanced advanced settings ({@code retry}: how often a 429/5xx is retried, 0..3)
   * @param notes its notes
   * @param credentials the credential by slot ({@code basicAuth})
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Configuration(
      String id,
      String name,
      long version,
      Map<String, Object> properties,
      Map<String, Object> advanced,
      String notes,
      Map<String, Ref> credentials,
      String selfUri) {}

  /**
   * The configuration holder of an integration.
   *
   * @param current the configuration in force
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ConfigurationInfo(Configuration current) {}

  /**
   * An integration (Genesys's Integration).
   *
   * @param id its id
   * @param name its name
   * @param integrationType its type ({@code custom-rest-actions})
   * @param notes its notes, or null
   * @param intendedState {@code ENABLED} or {@code DISABLED}; only enabled integrations run actions
   * @param config its configuration
   * @param reportedState its state
   * @param version its version
   * @param dateCreated when it was created
   * @param dateModified its last change
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Integration(
      String id,
      String name,
      Ref integrationType,
      String notes,
      String intendedState,
      ConfigurationInfo config,
      ReportedState reportedState,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {
    /**
     * True when its actions can run.
     *
     * @return whether {@code intendedState} is {@code ENABLED}
     */
    public boolean enabled() {
      return "ENABLED".equals(intendedState);
    }
  }

  /**
   * {@code config.request}: how an action calls out (Genesys's RequestConfig).
   *
   * @param requestUrlTemplate a Velocity template resolving to an absolute http(s) URL
   * @param requestType {@code GET}, {@code PUT}, {@code POST}, {@code PATCH} or {@code DELETE}
   * @param headers header templates by name, or null
   * @param requestTemplate the body template, or null for the input as JSON
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RequestConfig(
      String requestUrlTemplate,
      String requestType,
      Map<String, String> headers,
      String requestTemplate) {}

  /**
   * {@code config.response}: how the answer becomes the output (Genesys's ResponseConfig).
   *
   * @param translationMap JSONPath by variable name, or null
   * @param translationMapDefaults JSON text by variable name, used when the path finds nothing
   * @param successTemplate the output template, or null for the raw result
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ResponseConfig(
      Map<String, String> translationMap,
      Map<String, String> translationMapDefaults,
      String successTemplate) {}

  /**
   * An action's configuration (Genesys's ActionConfig).
   *
   * @param timeoutSeconds the budget of one run, 1..60 (null: 60)
   * @param request how it calls out
   * @param response how the answer becomes the output
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ActionConfig(
      Integer timeoutSeconds, RequestConfig request, ResponseConfig response) {}

  /**
   * An action's contract: JSON Schemas of its input and of its output.
   *
   * @param input the input schema holder
   * @param output the output schema holder
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Contract(ContractInput input, ContractOutput output) {
    /**
     * A contract from its two schemas.
     *
     * @param inputSchema the input's JSON Schema
     * @param successSchema the output's JSON Schema
     * @return the contract
     */
    public static Contract of(Map<String, ?> inputSchema, Map<String, ?> successSchema) {
      return new Contract(
          new ContractInput(new LinkedHashMap<>(inputSchema)),
          new ContractOutput(new LinkedHashMap<>(successSchema)));
    }
  }

  /**
   * The input side of a contract.
   *
   * @param inputSchema a JSON Schema (draft-04 unless {@code $schema} names another)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContractInput(Map<String, Object> inputSchema) {}

  /**
   * The output side of a contract.
   *
   * @param successSchema a JSON Schema
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ContractOutput(Map<String, Object> successSchema) {}

  /**
   * What creates an action (Genesys's PostActionInput) or changes one (UpdateActionInput: given
   * fields replace, null ones stay).
   *
   * @param name its name (required on create)
   * @param category its category (default: the integration's name)
   * @param integrationId the integration (create only)
   * @param secure whether inputs and outputs are secure
   * @param config its configuration
   * @param contract its contract (create only)
   * @param version on a change, the version it must still have, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewAction(
      String name,
      String category,
      String integrationId,
      Boolean secure,
      ActionConfig config,
      Contract contract,
      Long version) {}

  /**
   * A data action (Genesys's Action).
   *
   * @param id its id ({@code custom_-_<uuid>})
   * @param name its name
   * @param integrationId its integration
   * @param category its category
   * @param contract its contract, when asked for
   * @param version its version
   * @param secure whether inputs and outputs are secure
   * @param config its configuration, when asked for
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Action(
      String id,
      String name,
      String integrationId,
      String category,
      Contract contract,
      long version,
      boolean secure,
      ActionConfig config,
      String selfUri) {}

  /**
   * An error inside a test result.
   *
   * @param message what happened
   * @param code a stable code
   * @param status an HTTP status, or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestError(String message, String code, Integer status) {}

  /**
   * One step of a test run.
   *
   * @param step its number
   * @param name what it did
   * @param success whether it worked
   * @param result what it produced, or null
   * @param error what went wrong, or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestOperation(
      int step, String name, boolean success, Object result, TestError error) {}

  /**
   * A test run (Genesys's TestExecutionResult).
   *
   * @param operations each step
   * @param error what went wrong, or null
   * @param finalResult the output, or null
   * @param success whether it worked
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestResult(
      List<TestOperation> operations, TestError error, Object finalResult, boolean success) {}

  // ---- integrations ----

  /**
   * Creates a {@code custom-rest-actions} integration ({@code DISABLED}, as Genesys). Not retried.
   *
   * @param name its name
   * @param credentialId the org's stored credential its actions call with, or null for none
   * @param enabled whether its actions may run at once
   * @return the new integration
   */
  public Integration createIntegration(String name, String credentialId, boolean enabled) {
    var body = new LinkedHashMap<String, Object>();
    body.put("name", name);
    body.put("integrationType", Map.of("id", TYPE));
    body.put("intendedState", enabled ? "ENABLED" : "DISABLED");
    if (credentialId != null)
      body.put(
          "config",
          Map.of(
              "current", Map.of("credentials", Map.of("basicAuth", Map.of("id", credentialId)))));
    return client.call(ApiRequest.post(INTEGRATIONS, body), Integration.class);
  }

  /**
   * One integration.
   *
   * @param id its id
   * @return the integration ({@link ApiException.NotFoundException} if not in this org)
   */
  public Integration getIntegration(String id) {
    return client.call(ApiRequest.get(integration(id)), Integration.class);
  }

  /**
   * Enables or disables an integration.
   *
   * @param id its id
   * @param enabled whether its actions may run
   * @return the integration as changed
   */
  public Integration setEnabled(String id, boolean enabled) {
    return client.call(
        ApiRequest.patch(
                integration(id),
                Map.of("intendedState", enabled ? "ENABLED" : "DISABLED"),
                "application/json")
            .idempotent(),
        Integration.class);
  }

  /**
   * Deletes an integration and its actions.
   *
   * @param id its id
   * @return the deleted integration
   */
  public Integration deleteIntegration(String id) {
    return client.call(ApiRequest.delete(integration(id)), Integration.class);
  }

  /**
   * One page of the org's integrations.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<Integration> listIntegrations(int pageNumber, int pageSize) {
    return client.callPage(
        ApiRequest.get(INTEGRATIONS + "?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        Integration.class);
  }

  /**
   * Every integration, fetched lazily page by page.
   *
   * @param pageSize items per page
   * @return the integrations
   */
  public Stream<Integration> streamIntegrations(int pageSize) {
    return Pages.stream(n -> listIntegrations(n, pageSize));
  }

  // ---- actions ----

  /**
   * Creates an action. Not retried. A template that does not parse, a bad JSONPath or schema is
   * {@link ApiException.InvalidRequestException} naming the field.
   *
   * @param action what to create
   * @return the new action, with its contract and config
   */
  public Action create(NewAction action) {
    return client.call(ApiRequest.post(ACTIONS, action), Action.class);
  }

  /**
   * Imports an action as Genesys's UI exports it (a Switchboard extension). Not retried.
   *
   * @param integrationId the integration it belongs to
   * @param exportJson the exported JSON file's text
   * @param name a new name, or null for the exported one
   * @return the new action
   */
  public Action importAction(String integrationId, String exportJson, String name) {
    var path = ACTIONS + "/import?integrationId=" + Paths.query(integrationId);
    if (name != null) path += "&name=" + Paths.query(name);
    var request =
        new ApiRequest(
            "POST",
            path,
            Map.of(),
            exportJson.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/json",
            null,
            false);
    return client.call(request, Action.class);
  }

  /**
   * One action with its contract and config.
   *
   * @param id its id
   * @return the action ({@link ApiException.NotFoundException} if not in this org)
   */
  public Action get(String id) {
    return client.call(
        ApiRequest.get(action(id) + "?expand=contract&includeConfig=true"), Action.class);
  }

  /**
   * Changes an action: the given fields replace; with {@code changes.version()} set, only if it
   * still has that version ({@link ApiException.VersionMismatchException} otherwise).
   *
   * @param id its id
   * @param changes the fields to replace
   * @return the action as changed
   */
  public Action update(String id, NewAction changes) {
    return client.call(ApiRequest.patch(action(id), changes, "application/json"), Action.class);
  }

  /**
   * Deletes an action.
   *
   * @param id its id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete(action(id)));
  }

  /**
   * One page of the org's actions (without contract and config).
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param integrationId only this integration's, or null
   * @param name only names containing this (case-insensitive), or null
   * @return the page
   */
  public Page<Action> list(int pageNumber, int pageSize, String integrationId, String name) {
    var query = new StringBuilder("?pageSize=" + pageSize + "&pageNumber=" + pageNumber);
    if (integrationId != null) query.append("&integrationId=").append(Paths.query(integrationId));
    if (name != null) query.append("&name=").append(Paths.query(name));
    return client.callPage(ApiRequest.get(ACTIONS + query), Action.class);
  }

  /**
   * Every action of an integration (or all, with null), fetched lazily page by page.
   *
   * @param pageSize items per page
   * @param integrationId only this integration's, or null
   * @return the actions
   */
  public Stream<Action> stream(int pageSize, String integrationId) {
    return Pages.stream(n -> list(n, pageSize, integrationId, null));
  }

  /**
   * Runs an action and reports each step, whatever happened (a failed run is a result, not an
   * exception). Not retried: it calls out.
   *
   * @param id the action
   * @param input its input (matching the contract's input schema)
   * @return what each step did and the output
   */
  public TestResult test(String id, Map<String, ?> input) {
    return client.call(ApiRequest.post(action(id) + "/test", input), TestResult.class);
  }

  /**
   * Runs an action and returns its output. A failure is an {@link ApiException} with the server's
   * code (for example 409 {@code integration.disabled}). Not retried: it calls out.
   *
   * @param id the action
   * @param input its input (matching the contract's input schema)
   * @return the output, as the contract's success schema describes it
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> execute(String id, Map<String, ?> input) {
    Map<String, Object> out =
        client.call(ApiRequest.post(action(id) + "/execute", input), Map.class);
    return out == null ? Map.of() : out;
  }

  private static String integration(String id) {
    return INTEGRATIONS + "/" + Paths.segment(id);
  }

  private static String action(String id) {
    return ACTIONS + "/" + Paths.segment(id);
  }
}

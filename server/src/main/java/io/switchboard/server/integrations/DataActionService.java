package io.switchboard.server.integrations;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExecutionReport;
import io.switchboard.server.externalapis.ExternalApiEngine;
import io.switchboard.server.externalapis.ExternalApiUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Data actions: validation (templates parse, JSONPaths compile, schemas compile), versioned writes,
 * import of a Genesys export, and runs through {@link DataActionRunner}.
 */
public final class DataActionService {
  static final Set<String> REQUEST_TYPES = Set.of("GET", "PUT", "POST", "PATCH", "DELETE");
  static final int MAX_NAME = 256;
  static final int MAX_HEADERS = 50;
  static final int MAX_TRANSLATIONS = 100;
  static final String ID_PREFIX = "custom_-_";
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie");
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of(
          "host",
          "content-length",
          "connection",
          "expect",
          "upgrade",
          "transfer-encoding",
          "te",
          "trailer",
          "keep-alive");

  /** What a caller sends (Genesys's {@code PostActionInput}, {@code UpdateActionInput}). */
  public record Input(
      String name,
      String category,
      String integrationId,
      Boolean secure,
      DataAction.Config config,
      DataAction.Contract contract,
      Long version) {}

  private final DataActionStore store;
  private final IntegrationService integrations;
  private final DataActionRunner runner;
  private final ExternalApiEngine engine;
  private final Templates templates;
  private final JsonSchemas schemas;
  private final JsonMapper json;
  private final Clock clock;

  /** Which published flows use an action (V22): deleting one in use is refused. */
  private final ExternalApiUsage usage;

  public DataActionService(
      DataActionStore store,
      IntegrationService integrations,
      DataActionRunner runner,
      ExternalApiEngine engine,
      Templates templates,
      JsonSchemas schemas,
      JsonMapper json,
      Clock clock,
      ExternalApiUsage usage) {
    this.usage = usage;
    this.store = store;
    this.integrations = integrations;
    this.runner = runner;
    this.engine = engine;
    this.templates = templates;
    this.schemas = schemas;
    this.json = json;
    this.clock = clock;
  }

  static boolean hasBody(String requestType) {
    return "POST".equals(requestType) || "PUT".equals(requestType) || "PATCH".equals(requestType);
  }

  public DataAction create(String orgId, Input in) {
    Instant now = clock.instant();
    DataAction a =
        validated(
            orgId,
            ID_PREFIX + UUID.randomUUID(),
            in.integrationId(),
            in.name(),
            in.category(),
            in.secure() != null && in.secure(),
            in.config(),
            in.contract(),
            1,
            now,
            now);
    store.insert(a);
    return a;
  }

  /**
   * Imports a data action as Genesys's UI exports it ({@code name, integrationType, actionType,
   * config, contract, secure}) into {@code integrationId}; {@code name} overrides the exported one.
   */
  public DataAction importExport(String orgId, String integrationId, String name, JsonNode export) {
    if (export == null || !export.isObject())
      throw Problem.badRequest("The exported data action must be a JSON object");
    JsonNode type = export.get("integrationType");
    if (type != null && type.isString() && !Integration.TYPE.equals(type.asString()))
      throw Problem.invalid(
          "integrationType",
          "only custom-rest-actions (web services) data actions can be imported, got "
              + type.asString());
    JsonNode actionType = export.get("actionType");
    if (actionType != null
        && actionType.isString()
        && !"custom".equalsIgnoreCase(actionType.asString()))
      throw Problem.invalid("actionType", "only custom actions can be imported");
    DataAction.Config config;
    DataAction.Contract contract;
    try {
      config =
          export.has("config")
              ? json.treeToValue(export.get("config"), DataAction.Config.class)
              : null;
      contract =
          export.has("contract")
              ? json.treeToValue(export.get("contract"), DataAction.Contract.class)
              : null;
    } catch (JacksonException e) {
      throw Problem.invalid("config", "does not have the shape of a Genesys data action export");
    }
    String category = export.path("category").isString() ? export.get("category").asString() : null;
    return create(
        orgId,
        new Input(
            name != null && !name.isBlank() ? name : export.path("name").asString(null),
            category,
            integrationId,
            export.path("secure").asBoolean(false),
            config,
            contract,
            null));
  }

  /** True for the ids this service gives out ({@code custom_-_<uuid>}, as Genesys's). */
  public static boolean isActionId(String id) {
    return id != null && id.startsWith(ID_PREFIX);
  }

  public Optional<DataAction> findById(String orgId, String id) {
    return store.find(orgId, id);
  }

  public DataAction get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Action", id));
  }

  /** By id, else by exact name (case-insensitive): what a flow's {@code callData} may name. */
  public Optional<DataAction> findByIdOrName(String orgId, String idOrName) {
    Optional<DataAction> byId = store.find(orgId, idOrName);
    return byId.isPresent() ? byId : store.findByName(orgId, idOrName);
  }

  public List<DataAction> list(String orgId, DataActionStore.Filter f, int offset, int limit) {
    return store.list(orgId, f, offset, limit);
  }

  public long count(String orgId, DataActionStore.Filter f) {
    return store.count(orgId, f);
  }

  /** Changes {@code name}, {@code category}, {@code config} when given (Genesys's PATCH). */
  public DataAction patch(String orgId, String id, Input in, Long expectedVersion) {
    return write(
        orgId,
        id,
        expectedVersion,
        c ->
            validated(
                orgId,
                c.id(),
                c.integrationId(),
                in.name() != null ? in.name() : c.name(),
                in.category() != null ? in.category() : c.category(),
                in.secure() != null ? in.secure() : c.secure(),
                in.config() != null ? in.config() : c.config(),
                in.contract() != null ? in.contract() : c.contract(),
                c.version() + 1,
                c.createdAt(),
                clock.instant()));
  }

  private DataAction write(
      String orgId, String id, Long expectedVersion, UnaryOperator<DataAction> change) {
    for (int attempt = 0; ; attempt++) {
      DataAction current = get(orgId, id);
      if (expectedVersion != null && current.version() != expectedVersion)
        throw Problem.versionMismatch(current.version(), expectedVersion);
      DataAction next = change.apply(current);
      if (store.update(next, current.version())) {
        engine.forget(id);
        return next;
      }
      if (expectedVersion != null || attempt >= 5) {
        DataAction now = get(orgId, id);
        throw Problem.versionMismatch(
            now.version(), expectedVersion != null ? expectedVersion : current.version());
      }
    }
  }

  public void delete(String orgId, String id) {
    get(orgId, id);
    usage.deleteUnlessUsed(
        orgId,
        id,
        "Action " + id,
        () -> store.delete(orgId, id),
        () -> Problem.notFound("Action", id));
    engine.forget(id);
  }

  /** A run for {@code POST .../test}: never an error status for what the run did. */
  public DataActionRunner.Run test(String orgId, String id, JsonNode inputs) {
    DataAction a = get(orgId, id);
    return runner.run(a, integrations.get(orgId, a.integrationId()), inputs, null);
  }

  /**
   * {@code POST .../execute}: the resolved output, or a {@code Problem}: 400 {@code invalid.input}
   * with the schema errors, 409 for a disabled integration, 502/504/503 for what the call did.
   */
  public JsonNode execute(String orgId, String id, JsonNode inputs) {
    DataAction a = get(orgId, id);
    DataActionRunner.Run run =
        runner.run(a, integrations.get(orgId, a.integrationId()), inputs, null);
    if (run.success()) return run.output();
    throw problem(run);
  }

  /**
   * A flow's data-action step: the run as an {@link ExecutionReport} whose outputs are the resolved
   * output. What stops the call before it is sent (bad input, a template, a disabled integration)
   * is a {@code Problem}, which the flow takes as the failure path.
   */
  public ExecutionReport runForFlow(String orgId, String id, JsonNode inputs, Duration budget) {
    DataAction a = get(orgId, id);
    DataActionRunner.Run run =
        runner.run(a, integrations.get(orgId, a.integrationId()), inputs, budget);
    if (run.report() == null) throw problem(run);
    ExecutionReport r = run.report();
    return run.success()
        ? new ExecutionReport(
            true, r.status(), r.latencyMs(), r.attempts(), run.output(), null, r.circuit())
        : r;
  }

  static Problem problem(DataActionRunner.Run run) {
    String code = run.failureCode();
    if (code.equals("invalid.input")) return DataActionRunner.invalidInput(run.inputErrors());
    Problem.Kind kind;
    if (code.equals("invalid.input") || code.equals("template.failed")) kind = Problem.Kind.INVALID;
    else if (code.equals("integration.disabled")) kind = Problem.Kind.CONFLICT;
    else if (code.endsWith("circuit-open")) kind = Problem.Kind.UNAVAILABLE;
    else kind = Problem.Kind.UNPROCESSABLE;
    var params = new LinkedHashMap<String, Object>();
    if (run.report() != null) {
      params.put("attempts", run.report().attempts());
      if (run.report().status() != null) params.put("status", run.report().status());
      params.put("kind", run.report().error().kind());
    }
    return new Problem(kind, code, "The data action failed: " + run.failure(), params);
  }

  private DataAction validated(
      String orgId,
      String id,
      String integrationId,
      String name,
      String category,
      boolean secure,
      DataAction.Config config,
      DataAction.Contract contract,
      long version,
      Instant created,
      Instant modified) {
    if (integrationId == null || integrationId.isBlank())
      throw Problem.invalid("integrationId", "is required");
    Integration integration;
    try {
      integration = integrations.get(orgId, integrationId.trim());
    } catch (Problem p) {
      throw Problem.invalid("integrationId", "names no integration of this org");
    }
    String n = name == null ? null : name.trim();
    if (n == null || n.isEmpty()) throw Problem.invalid("name", "is required");
    if (n.length() > MAX_NAME) throw Problem.invalid("name", "must be at most 256 characters");
    String cat = category == null || category.isBlank() ? integration.name() : category.trim();
    if (cat.length() > MAX_NAME)
      throw Problem.invalid("category", "must be at most 256 characters");
    if (config == null) throw Problem.invalid("config", "is required");
    if (config.timeoutSeconds() != null
        && (config.timeoutSeconds() < DataAction.MIN_TIMEOUT_SECONDS
            || config.timeoutSeconds() > DataAction.MAX_TIMEOUT_SECONDS))
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "config.timeoutSeconds must be between 1 and 60, got " + config.timeoutSeconds(),
          Map.of("field", "config.timeoutSeconds", "min", 1, "max", 60));
    DataAction.Request rq = config.request();
    if (rq == null) throw Problem.invalid("config.request", "is required");
    if (rq.requestUrlTemplate() == null || rq.requestUrlTemplate().isBlank())
      throw Problem.invalid("config.request.requestUrlTemplate", "is required");
    String type =
        rq.requestType() == null ? null : rq.requestType().trim().toUpperCase(Locale.ROOT);
    if (type == null || !REQUEST_TYPES.contains(type))
      throw Problem.invalid(
          "config.request.requestType", "must be one of GET, PUT, POST, PATCH, DELETE");
    template("config.request.requestUrlTemplate", rq.requestUrlTemplate());
    var headers = new LinkedHashMap<String, String>();
    if (rq.headers() != null) {
      if (rq.headers().size() > MAX_HEADERS)
        throw Problem.invalid("config.request.headers", "at most 50 headers");
      for (var h : rq.headers().entrySet()) {
        String field = "config.request.headers." + h.getKey();
        if (!HEADER_NAME.matcher(h.getKey()).matches())
          throw Problem.invalid(field, "is not a valid header name");
        String lower = h.getKey().toLowerCase(Locale.ROOT);
        // A credential header is the credential's to fill: by its type, or by the header's own
        // template through $credentials (Genesys's userDefined way); never a secret written here.
        if (SECRET_HEADERS.contains(lower) && !DataActionRunner.onlyPlacesCredentials(h.getValue()))
          throw Problem.invalid(
              field,
              "secrets belong in the integration's credential (attached by its type, or placed"
                  + " with $credentials.<field> after at most a scheme word), not in a header");
        if (RESTRICTED_HEADERS.contains(lower))
          throw Problem.invalid(field, "is set by the HTTP client and cannot be configured");
        if (h.getValue() == null) throw Problem.invalid(field, "must be a string");
        template(field, h.getValue());
        headers.put(h.getKey(), h.getValue());
      }
    }
    String requestTemplate =
        rq.requestTemplate() == null ? "${input.rawRequest}" : rq.requestTemplate();
    template("config.request.requestTemplate", requestTemplate);
    DataAction.Response rs = config.response();
    Map<String, String> map =
        rs == null || rs.translationMap() == null ? Map.of() : rs.translationMap();
    Map<String, String> defaults =
        rs == null || rs.translationMapDefaults() == null ? Map.of() : rs.translationMapDefaults();
    if (map.size() > MAX_TRANSLATIONS)
      throw Problem.invalid("config.response.translationMap", "at most 100 entries");
    for (var e : map.entrySet()) {
      String field = "config.response.translationMap." + e.getKey();
      if (e.getValue() == null) throw Problem.invalid(field, "must be a JSONPath string");
      try {
        Translation.check(field, e.getValue());
      } catch (Translation.Failure f) {
        throw Problem.invalid(field, f.getMessage());
      }
    }
    for (var e : defaults.entrySet()) {
      String field = "config.response.translationMapDefaults." + e.getKey();
      try {
        if (e.getValue() == null) throw Problem.invalid(field, "must be a string of JSON");
        json.readTree(e.getValue());
      } catch (JacksonException notJson) {
        throw Problem.invalid(
            field,
            "must be JSON text (a string default is written with its quotes: \"\\\"n/a\\\"\")");
      }
    }
    String success =
        rs == null || rs.successTemplate() == null ? "${rawResult}" : rs.successTemplate();
    template("config.response.successTemplate", success);
    if (contract == null) throw Problem.invalid("contract", "is required");
    JsonNode inSchema = contract.input() == null ? null : contract.input().inputSchema();
    JsonNode outSchema = contract.output() == null ? null : contract.output().successSchema();
    if (inSchema == null || inSchema.isNull())
      throw Problem.invalid("contract.input.inputSchema", "is required");
    if (outSchema == null || outSchema.isNull())
      throw Problem.invalid("contract.output.successSchema", "is required");
    schema("contract.input.inputSchema", inSchema);
    schema("contract.output.successSchema", outSchema);
    return new DataAction(
        id,
        orgId,
        integration.id(),
        n,
        cat,
        secure,
        new DataAction.Config(
            config.timeoutSeconds(),
            new DataAction.Request(rq.requestUrlTemplate(), type, headers, requestTemplate),
            new DataAction.Response(map, defaults, success)),
        new DataAction.Contract(new DataAction.Input(inSchema), new DataAction.Output(outSchema)),
        version,
        created,
        modified);
  }

  private void template(String field, String text) {
    try {
      templates.check(field, text);
    } catch (Templates.TemplateFailure f) {
      throw Problem.invalid(field, f.getMessage());
    }
  }

  private void schema(String field, JsonNode schema) {
    try {
      schemas.compile(schema);
    } catch (JsonSchemas.InvalidSchema e) {
      throw Problem.invalid(field, e.getMessage());
    }
  }
}

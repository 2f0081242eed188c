package io.switchboard.server.flows;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.definition.SourceNode;
import io.switchboard.server.flows.definition.SourceReader;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.SortOrder;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.identity.Scopes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/flows} and the same under {@code /api/v2/architect/flows}: flows, their
 * definitions and versions, publishing, and workflow executions, in Genesys's shapes.
 */
public final class FlowRoutes implements ApiRoutes {
  static final String BASE = "/api/v2/flows";
  static final List<String> BASES = List.of(BASE, "/api/v2/architect/flows");
  static final Set<String> YAML_TYPES =
      Set.of("application/yaml", "application/x-yaml", "text/yaml");
  static final Set<String> DEFINITION_TYPES =
      Set.of("application/yaml", "application/x-yaml", "text/yaml", RequestBodies.JSON);

  private final FlowService flows;
  private final FlowExecutions executions;
  private final Idempotency idempotency;
  private final RequestBodies bodies;

  /** The service behind these routes (the composition root hands it to in-process setup). */
  public FlowService service() {
    return flows;
  }

  public FlowRoutes(
      FlowService flows, FlowExecutions executions, RequestBodies bodies, Idempotency idempotency) {
    this.flows = flows;
    this.executions = executions;
    this.bodies = bodies;
    this.idempotency = idempotency;
  }

  public FlowExecutions executions() {
    return executions;
  }

  /** The org's Home division (see {@code identity.Divisions}). */
  public record DivisionView(String id, String name, String selfUri) {
    static DivisionView home(String orgId) {
      var ref = io.switchboard.server.identity.Divisions.home(orgId);
      return new DivisionView(ref.id(), ref.name(), ref.selfUri());
    }
  }

  /** Genesys's FlowVersion: {@code dateCreated} in epoch milliseconds, as the SDK types it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VersionView(
      String id,
      String name,
      String commitVersion,
      String configurationVersion,
      String type,
      boolean secure,
      boolean debug,
      String configurationUri,
      long dateCreated,
      Instant datePublished,
      String selfUri) {
    static VersionView of(FlowVersion v) {
      String self = BASE + "/" + v.flowId() + "/versions/" + v.id();
      return new VersionView(
          v.id(),
          v.seq() + ".0",
          Integer.toString(v.seq()),
          Integer.toString(v.seq()),
          v.published() ? "PUBLISH" : "SAVE",
          false,
          false,
          self + "/configuration",
          v.createdAt().toEpochMilli(),
          v.publishedAt(),
          self);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FlowView(
      String id,
      String name,
      String description,
      String type,
      DivisionView division,
      boolean active,
      boolean system,
      boolean deleted,
      VersionView savedVersion,
      VersionView publishedVersion,
      String selfUri) {}

  public record VersionRef(String id, String name, String selfUri) {
    static VersionRef of(String flowId, FlowVersion v) {
      return v == null
          ? null
          : new VersionRef(v.id(), v.seq() + ".0", BASE + "/" + flowId + "/versions/" + v.id());
    }
  }

  /** {@code POST /api/v2/flows/executions}: Genesys's FlowExecutionLaunchRequest. */
  public record LaunchRequest(String flowId, String flowVersion, JsonNode inputData, String name) {}

  public record LaunchResponse(String id, String name, VersionRef flowVersion, String selfUri) {}

  public record FlowErrorInfo(String message, String code, int status) {}

  /** Genesys's FlowRuntimeExecution, with Switchboard's {@code outcome} and {@code trace}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ExecutionView(
      String id,
      String name,
      VersionRef flowVersion,
      String flowId,
      Instant dateLaunched,
      String status,
      Instant dateCompleted,
      String completionReason,
      FlowErrorInfo flowErrorInfo,
      JsonNode outputData,
      String outcome,
      JsonNode trace,
      String selfUri) {}

  @Override
  public void register(RoutesConfig routes) {
    for (String base : BASES) {
      // Literal segments first: /executions and /actions/publish are not flow ids.
      routes.post(
          base + "/executions",
          idempotency.wrap(this::launch),
          Scope.write(Scopes.ARCHITECT),
          Doc.of(LaunchRequest.class, LaunchResponse.class)
              .idempotent()
              .error(400, "flow.not.published")
              .error(404, "not.found"));
      routes.get(
          base + "/executions/{executionId}",
          this::execution,
          Scope.read(Scopes.ARCHITECT),
          Doc.returns(ExecutionView.class));
      routes.post(
          base + "/actions/publish",
          this::publish,
          Scope.write(Scopes.ARCHITECT),
          Doc.returns(FlowView.class)
              .requiredQuery("flow", "The id of the flow to publish")
              .query(
                  "version",
                  "The id of the version to publish (default: the saved configuration); an older"
                      + " version goes back into service")
              .error(
                  400,
                  "invalid.value",
                  "flow.configuration.missing",
                  "flow.definition.invalid",
                  "flow.invalid")
              .error(404, "not.found")
              .error(409, "flow.reference.gone"));
      routes.get(
          base,
          this::list,
          Scope.read(Scopes.ARCHITECT),
          Doc.page(FlowView.class)
              .query("name", "Only flows whose name matches")
              .query(
                  "type",
                  "Any of Genesys's flow types, any case; several, repeated or comma-joined, match"
                      + " any. Switchboard has INBOUNDCALL and WORKFLOW flows: another type"
                      + " matches none")
              .query(
                  "id",
                  "Only these flows, repeated or comma-joined; when given, name and type are not"
                      + " applied (as in Genesys). An id of another org matches none")
              .query("divisionId", Doc.HOME_DIVISION_FILTER)
              .query("description", "Only flows whose description contains this")
              .query("nameOrDescription", "Only flows whose name or description contains this")
              .query(
                  "sortBy", "id, name, type or description (default name; Genesys's default is id)")
              .query("sortOrder", "asc (default) or desc")
              .query("secure", "any (default); checkedin or published: none (no flow is secure)")
              .query("lockedBy", "Any value: none (Switchboard does not lock flows)")
              .query("lockedByClientId", "Any value: none")
              .query("editableBy", "Any value: none")
              .query("deleted", "true: none (a deleted flow is gone); false: every flow")
              .query("publishVersionId", "Only flows whose published version is this one")
              .query(
                  "publishedAfter",
                  "Only flows whose published version was published after this (ISO-8601:"
                      + " 2015-01-01, 2015-01-01T18:00:00.000Z, 2015-01-01T12:00:00-0600)")
              .query(
                  "publishedBefore",
                  "Only flows whose published version was published before this"));
      routes.post(
          base,
          this::create,
          Scope.write(Scopes.ARCHITECT),
          Doc.of(FlowInput.class, FlowView.class).error(409, "flow.name.exists"));
      routes.get(
          base + "/{id}", this::get, Scope.read(Scopes.ARCHITECT), Doc.returns(FlowView.class));
      routes.put(
          base + "/{id}",
          this::update,
          Scope.write(Scopes.ARCHITECT),
          Doc.of(FlowInput.class, FlowView.class)
              .error(409, "flow.name.exists", "version.mismatch"));
      routes.delete(
          base + "/{id}",
          this::delete,
          Scope.write(Scopes.ARCHITECT),
          Doc.noContent().error(409, "flow.in.use"));
      routes.put(
          base + "/{id}/latestconfiguration",
          this::saveConfiguration,
          Scope.write(Scopes.ARCHITECT),
          Doc.of(String.class, VersionView.class)
              .consumes("application/yaml", RequestBodies.JSON)
              .error(400, "flow.definition.malformed", "flow.definition.too.large"));
      routes.get(
          base + "/{id}/latestconfiguration",
          this::latestConfiguration,
          Scope.read(Scopes.ARCHITECT),
          Doc.returns(Doc.ANY).error(404, "flow.configuration.not.found"));
      routes.get(
          base + "/{id}/versions",
          this::versions,
          Scope.read(Scopes.ARCHITECT),
          Doc.page(VersionView.class));
      routes.get(
          base + "/{id}/executions",
          this::executions,
          Scope.read(Scopes.ARCHITECT),
          Doc.page(ExecutionView.class)
              .query("outcome", "Only executions with this outcome (repeatable)"));
      routes.get(
          base + "/{id}/executions/summary",
          this::summary,
          Scope.read(Scopes.ARCHITECT),
          Doc.returns(Summary.class));
      routes.get(
          base + "/{id}/versions/{versionId}",
          this::version,
          Scope.read(Scopes.ARCHITECT),
          Doc.returns(VersionView.class));
      routes.get(
          base + "/{id}/versions/{versionId}/configuration",
          this::versionConfiguration,
          Scope.read(Scopes.ARCHITECT),
          Doc.returns(Doc.ANY));
    }
  }

  private static String org(Context ctx) {
    return Requests.principal(ctx).orgId();
  }

  private FlowView view(Flow f) {
    FlowVersion saved =
        f.savedVersionId() == null ? null : flows.version(f.orgId(), f.id(), f.savedVersionId());
    FlowVersion published =
        f.publishedVersionId() == null
            ? null
            : f.publishedVersionId().equals(f.savedVersionId())
                ? saved
                : flows.version(f.orgId(), f.id(), f.publishedVersionId());
    return new FlowView(
        f.id(),
        f.name(),
        f.description(),
        f.type(),
        DivisionView.home(f.orgId()),
        published != null,
        false,
        false,
        saved == null ? null : VersionView.of(saved),
        published == null ? null : VersionView.of(published),
        BASE + "/" + f.id());
  }

  /** The flow types as Genesys's SDKs send them, for a refusal to name. */
  private static final String TYPES_AS_SENT =
      "one of Genesys's flow types ("
          + String.join(", ", new java.util.TreeSet<>(FlowService.GENESYS_TYPES))
              .toLowerCase(Locale.ROOT)
          + ")";

  private void list(Context ctx) {
    var page = Page.Request.of(ctx);
    // Multi-valued in Genesys: the Java SDK repeats type, the JavaScript SDK joins with commas.
    // A Genesys type we have no flows of is valid and matches none (no stored flow has it).
    Set<String> types = Requests.anyOf(ctx, "type", FlowService.GENESYS_TYPES, TYPES_AS_SENT);
    Set<String> ids = Requests.ids(ctx, "id");
    // Genesys: "If one or more IDs are specified, the search will fetch flows that match the given
    // ID(s) and not use any additional supplied query parameters in the search."
    String org = org(ctx);
    var sort =
        new FlowStore.Sort(
            FlowStore.SortField.valueOf(
                Requests.oneOf(ctx, "sortBy", "name", "id", "name", "type", "description")
                    .toUpperCase(Locale.ROOT)),
            SortOrder.of(ctx) == SortOrder.ASCENDING);
    var filter =
        ids != null
            ? new FlowStore.Filter(null, Set.of(), ids, null, null, null, false, sort)
            : new FlowStore.Filter(
                Requests.contains(ctx, "name"),
                types,
                null,
                Requests.contains(ctx, "description"),
                Requests.contains(ctx, "nameOrDescription"),
                new FlowStore.Published(
                    Requests.contains(ctx, "publishVersionId"),
                    Requests.instant(ctx, "publishedAfter"),
                    Requests.instant(ctx, "publishedBefore")),
                matchesNoFlow(ctx, org),
                sort);
    var entities =
        flows.list(org, filter, page.offset(), page.pageSize()).stream().map(this::view).toList();
    ctx.json(Page.of(ctx, page, entities, flows.count(org, filter)));
  }

  /**
   * Filters on what Switchboard's flows never have: a lock ({@code lockedBy}, {@code
   * lockedByClientId}), an editor ({@code editableBy}), a secure version ({@code secure=checkedin}
   * or {@code published}; {@code any} is every flow), deletion ({@code deleted=true}; a deleted
   * flow is gone here, where Genesys keeps it, marked), a division other than Home. Each keeps none
   * rather than being ignored.
   */
  private static boolean matchesNoFlow(Context ctx, String org) {
    boolean secureOnly =
        !Requests.oneOf(ctx, "secure", "any", "any", "checkedin", "published").equals("any");
    return secureOnly
        || Boolean.TRUE.equals(Requests.bool(ctx, "deleted"))
        || Requests.given(ctx, "lockedBy")
        || Requests.given(ctx, "lockedByClientId")
        || Requests.given(ctx, "editableBy")
        || Requests.outsideHomeDivision(ctx, "divisionId", org);
  }

  private void create(Context ctx) {
    Flow f = flows.create(org(ctx), bodies.read(ctx, FlowInput.class));
    ctx.status(200).json(view(f));
  }

  private void get(Context ctx) {
    ctx.json(view(flows.get(org(ctx), ctx.pathParam("id"))));
  }

  private void update(Context ctx) {
    ctx.json(view(flows.update(org(ctx), ctx.pathParam("id"), bodies.read(ctx, FlowInput.class))));
  }

  private void delete(Context ctx) {
    flows.delete(org(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void saveConfiguration(Context ctx) {
    RequestBodies.requireMediaType(ctx, DEFINITION_TYPES);
    String media = ctx.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    byte[] body = bodies.bytes(ctx);
    if (body.length == 0)
      throw Problem.badRequest(
          "The request body is empty; a flow definition (YAML or JSON) is required");
    FlowVersion v =
        flows.saveConfiguration(
            org(ctx),
            ctx.pathParam("id"),
            body,
            YAML_TYPES.contains(media) ? SourceReader.Format.YAML : SourceReader.Format.JSON);
    ctx.json(VersionView.of(v));
  }

  private void latestConfiguration(Context ctx) {
    configuration(ctx, flows.latestConfiguration(org(ctx), ctx.pathParam("id")));
  }

  private void versionConfiguration(Context ctx) {
    configuration(ctx, flows.version(org(ctx), ctx.pathParam("id"), ctx.pathParam("versionId")));
  }

  /**
   * JSON unless the caller asks for YAML (Accept) and the version was saved as YAML: then the text
   * as sent.
   */
  private static void configuration(Context ctx, FlowVersion v) {
    String accept =
        ctx.header("Accept") == null ? "" : ctx.header("Accept").toLowerCase(Locale.ROOT);
    ctx.header("ETag", "\"" + v.id() + "\"");
    if (v.format().equals("yaml") && YAML_TYPES.stream().anyMatch(accept::contains)) {
      ctx.contentType("application/yaml; charset=utf-8").result(v.source());
      return;
    }
    SourceNode root =
        SourceReader.read(
            v.source().getBytes(StandardCharsets.UTF_8),
            v.format().equals("json") ? SourceReader.Format.JSON : SourceReader.Format.YAML);
    ctx.json(SourceNode.plain(root));
  }

  private void versions(Context ctx) {
    var page = Page.Request.of(ctx);
    String org = org(ctx);
    String id = ctx.pathParam("id");
    var entities =
        flows.versions(org, id, page.offset(), page.pageSize()).stream()
            .map(VersionView::of)
            .toList();
    ctx.json(Page.of(ctx, page, entities, flows.countVersions(org, id)));
  }

  private void version(Context ctx) {
    ctx.json(
        VersionView.of(flows.version(org(ctx), ctx.pathParam("id"), ctx.pathParam("versionId"))));
  }

  private void publish(Context ctx) {
    String flowId = ctx.queryParam("flow");
    String version = ctx.queryParam("version");
    ctx.json(
        view(
            flows.publish(
                org(ctx), flowId, version == null || version.isBlank() ? null : version)));
  }

  /** With an {@code Idempotency-Key}, in the key's transaction (see FlowExecutions.launch). */
  private void launch(Context ctx) {
    LaunchRequest r = bodies.read(ctx, LaunchRequest.class);
    String org = org(ctx);
    FlowExecution e = executions.launch(org, r.flowId(), r.flowVersion(), r.inputData(), r.name());
    FlowVersion v = executions.version(org, e.flowVersionId()).orElse(null);
    ctx.json(
        new LaunchResponse(
            e.id(), e.name(), VersionRef.of(e.flowId(), v), BASE + "/executions/" + e.id()));
  }

  /**
   * {@code GET /api/v2/flows/{id}/executions?outcome=&pageSize=&pageNumber=}: the flow's retained
   * executions, newest first, without outputs and traces.
   */
  private void executions(Context ctx) {
    var page = Page.Request.of(ctx);
    String org = org(ctx);
    Set<String> outcomes = Requests.anyOf(ctx, "outcome", FlowExecutions.OUTCOMES);
    var filter = new FlowStore.ExecutionFilter(ctx.pathParam("id"), outcomes);
    var versions = new java.util.HashMap<String, VersionRef>();
    var entities =
        executions.list(org, filter, page.offset(), page.pageSize()).stream()
            .map(e ->
                view(
                    e,
                    versions.computeIfAbsent(
                        e.flowVersionId(),
                        v -> VersionRef.of(e.flowId(), executions.version(org, v).orElse(null)))))
            .toList();
    ctx.json(Page.of(ctx, page, entities, executions.count(org, filter)));
  }

  /** Outcome counts over a flow's retained executions. */
  public record Summary(
      String flowId, long total, java.util.Map<String, Long> outcomes, long retentionSeconds) {}

  private void summary(Context ctx) {
    String id = ctx.pathParam("id");
    var counts = executions.outcomeCounts(org(ctx), id);
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    ctx.json(new Summary(id, total, counts, executions.retention().toSeconds()));
  }

  private ExecutionView view(FlowExecution e, VersionRef version) {
    var json = bodies.mapper();
    FlowErrorInfo error =
        "ERROR".equals(e.status())
            ? new FlowErrorInfo(e.completionReason(), "flow." + e.outcome(), 500)
            : null;
    return new ExecutionView(
        e.id(),
        e.name(),
        version,
        e.flowId(),
        e.launchedAt(),
        e.status(),
        e.completedAt(),
        e.completionReason(),
        error,
        e.outputData() == null ? null : json.readTree(e.outputData()),
        e.outcome(),
        e.trace() == null ? null : json.readTree(e.trace()),
        BASE + "/executions/" + e.id());
  }

  private void execution(Context ctx) {
    String org = org(ctx);
    FlowExecution e = executions.get(org, ctx.pathParam("executionId"));
    FlowVersion v = executions.version(org, e.flowVersionId()).orElse(null);
    ctx.json(view(e, VersionRef.of(e.flowId(), v)));
  }
}

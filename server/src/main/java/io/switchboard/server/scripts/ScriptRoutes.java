package io.switchboard.server.scripts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.ETags;
import io.switchboard.server.http.HotRead;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.SortOrder;
import io.switchboard.server.http.VersionedJson;
import io.switchboard.server.identity.Scopes;
import io.switchboard.server.scripts.ScriptDocument.Variable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v2/scripts} (drafts: list, create, get, replace, delete, pages) and {@code
 * /api/v2/scripts/published} (publish; read with a strong ETag and 304 on If-None-Match).
 */
public final class ScriptRoutes implements ApiRoutes {
  private static final String DRAFT_ONE = "/api/v2/scripts/{id}";
  private static final String PUBLISHED_ONE = "/api/v2/scripts/published/{id}";

  /** The bytes of served published versions this node keeps, at most. */
  static final long REPRESENTATIONS_BYTES = 64L * 1024 * 1024;

  private final ScriptService scripts;
  private final RequestBodies bodies;

  /**
   * A published version's answer to {@code GET /published/{id}}, by version id: its strong tag and
   * its JSON, written once. A version never changes, so neither do they.
   */
  private final Cache<String, HotRead.Answer> representations =
      Caffeine.newBuilder()
          .maximumWeight(REPRESENTATIONS_BYTES)
          .weigher((String version, HotRead.Answer r) -> r.json().length + 64)
          .build();

  /**
   * The JSON of drafts as last read, by what names a draft's whole view: its content's id and its
   * last publish ({@link #draftKey}). A save gives the content a new id, so an entry is never
   * stale, only unused; the row's head is still read on every request.
   */
  private final VersionedJson<String> drafts;

  public ScriptRoutes(ScriptService scripts, RequestBodies bodies) {
    this.scripts = scripts;
    this.drafts = new VersionedJson<>(bodies.mapper(), REPRESENTATIONS_BYTES / 2);
    this.bodies = bodies;
  }

  /** The Genesys PublishScriptRequestData. */
  public record PublishRequest(String scriptId, String versionId) {}

  @Override
  public void register(RoutesConfig routes) {
    // The published routes first: "/scripts/published" must not be taken for a script id.
    routes.get(
        "/api/v2/scripts/published",
        this::listPublished,
        Scope.read(Scopes.SCRIPTS),
        Doc.page(ScriptViews.ScriptView.class)
            .query("name", "Only scripts whose name matches")
            .query("sortBy", "name, createdDate, modifiedDate or publishedDate")
            .query("sortOrder", "ascending or descending")
            .query("divisionIds", Doc.HOME_DIVISION_FILTER)
            .query("flowId", "Any value: none (scripts here run no secure flow)"));
    routes.post(
        "/api/v2/scripts/published",
        this::publish,
        Scope.write(Scopes.SCRIPTS),
        Doc.of(PublishRequest.class, ScriptViews.ScriptView.class)
            .created()
            .error(404, "not.found")
            .error(409, "version.mismatch"));
    routes.get(
        PUBLISHED_ONE,
        this::getPublished,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(ScriptViews.ScriptView.class)
            .query("scriptDataVersion", "A published version id (default: the latest)"));
    routes.get(
        "/api/v2/scripts/published/{id}/variables",
        this::publishedVariables,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(Doc.listOf(Variable.class))
            .error(400, "invalid.value")
            .query("scriptDataVersion", "A published version id (default: the latest)")
            .query("input", "true or false")
            .query("output", "true or false")
            .query("type", "string, number or boolean"));
    routes.get(
        "/api/v2/scripts/published/{id}/pages",
        this::publishedPages,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(Doc.listOf(ScriptViews.PageView.class))
            .query("scriptDataVersion", "A published version id (default: the latest)"));
    routes.get(
        "/api/v2/scripts/published/{id}/pages/{pageId}",
        this::publishedPage,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(ScriptViews.PageView.class)
            .query("scriptDataVersion", "A published version id (default: the latest)"));

    routes.get(
        "/api/v2/scripts",
        this::list,
        Scope.read(Scopes.SCRIPTS),
        Doc.page(ScriptViews.ScriptView.class)
            .query("name", "Only scripts whose name matches")
            .query("sortBy", "name, createdDate, modifiedDate or publishedDate")
            .query("sortOrder", "ascending or descending")
            .query("divisionIds", Doc.HOME_DIVISION_FILTER)
            .query("flowId", "Any value: none (scripts here run no secure flow)"));
    routes.post(
        "/api/v2/scripts",
        this::create,
        Scope.write(Scopes.SCRIPTS),
        Doc.of(ScriptRequest.class, ScriptViews.ScriptView.class).created());
    routes.get(
        DRAFT_ONE,
        this::get,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(ScriptViews.ScriptView.class));
    routes.put(
        "/api/v2/scripts/{id}",
        this::replace,
        Scope.write(Scopes.SCRIPTS),
        Doc.of(ScriptRequest.class, ScriptViews.ScriptView.class).error(409, "version.mismatch"));
    routes.delete(
        "/api/v2/scripts/{id}",
        this::delete,
        Scope.write(Scopes.SCRIPTS),
        Doc.noContent().error(409, "flow.reference.in.use"));
    routes.get(
        "/api/v2/scripts/{id}/pages",
        this::pages,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(Doc.listOf(ScriptViews.PageView.class)));
    routes.get(
        "/api/v2/scripts/{id}/pages/{pageId}",
        this::page,
        Scope.read(Scopes.SCRIPTS),
        Doc.returns(ScriptViews.PageView.class));
  }

  // ---- drafts

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var q = query(ctx, page);
    if (Requests.outsideHomeDivision(ctx, "divisionIds", org) || namesASecureFlow(ctx)) {
      ctx.json(Page.of(ctx, page, List.of(), 0));
      return;
    }
    var entities = scripts.list(org, q).stream().map(ScriptViews::of).toList();
    ctx.json(Page.of(ctx, page, entities, scripts.count(org, q)));
  }

  private void create(Context ctx) {
    Script s =
        scripts.create(Requests.principal(ctx).orgId(), bodies.read(ctx, ScriptRequest.class));
    ctx.status(201)
        .header("Location", "/api/v2/scripts/" + s.id())
        .header(ETags.HEADER, Conditional.strong(s.version()))
        .json(ScriptViews.of(s));
  }

  /**
   * The draft with its version as a strong tag (a 304 for a caller that has it). Its 200 is a hot
   * read too ({@link #hotReads}).
   */
  private void get(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    ScriptStore.Head head = scripts.head(org, id);
    // A caller that has the current version is answered before any JSON is written.
    if (ETags.notModified(ctx, Conditional.strong(head.version()))) return;
    HotRead.Answer a = draft(org, id, head);
    Conditional.ok(ctx, a.etag(), a.json());
  }

  /**
   * The draft's current answer, given its head (the row without the document, read on every
   * request): the JSON of each head is written once and kept, so a hot draft costs one small query.
   */
  private HotRead.Answer draft(String org, String id, ScriptStore.Head head) {
    byte[] kept = drafts.kept(draftKey(head.versionId(), head.publishedAt()));
    if (kept != null) return new HotRead.Answer(Conditional.strong(head.version()), kept);
    // Not yet written: the whole row, which may be newer than the head just read; its JSON is
    // kept under its own key.
    Script s = scripts.get(org, id);
    return new HotRead.Answer(
        Conditional.strong(s.version()),
        drafts.keep(draftKey(s.versionId(), s.publishedAt()), ScriptViews.of(s)));
  }

  private static String draftKey(String versionId, java.time.Instant publishedAt) {
    return versionId + (publishedAt == null ? "" : "@" + publishedAt.toEpochMilli());
  }

  private void replace(Context ctx) {
    ScriptRequest request = bodies.read(ctx, ScriptRequest.class);
    var expected = Conditional.expectedVersion(ctx, request.version());
    Script s =
        scripts.replace(Requests.principal(ctx).orgId(), ctx.pathParam("id"), request, expected);
    ctx.header(ETags.HEADER, Conditional.strong(s.version())).json(ScriptViews.of(s));
  }

  private void delete(Context ctx) {
    scripts.delete(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void pages(Context ctx) {
    ctx.json(
        ScriptViews.of(scripts.get(Requests.principal(ctx).orgId(), ctx.pathParam("id"))).pages());
  }

  private void page(Context ctx) {
    ctx.json(
        onePage(
            ScriptViews.of(scripts.get(Requests.principal(ctx).orgId(), ctx.pathParam("id")))
                .pages(),
            ctx.pathParam("pageId")));
  }

  // ---- published

  private void publish(Context ctx) {
    var request = bodies.read(ctx, PublishRequest.class);
    PublishedScript p =
        scripts.publish(Requests.principal(ctx).orgId(), request.scriptId(), request.versionId());
    ctx.status(201)
        .header("Location", "/api/v2/scripts/published/" + p.scriptId())
        .header(ETags.HEADER, Conditional.strong(p.versionId()))
        .json(ScriptViews.of(p));
  }

  /**
   * Genesys's {@code flowId}: scripts that run this secure flow. Switchboard's scripts run no
   * flows, so the filter keeps none.
   */
  private static boolean namesASecureFlow(Context ctx) {
    String flowId = ctx.queryParam("flowId");
    return flowId != null && !flowId.isBlank();
  }

  private void listPublished(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var q = query(ctx, page);
    if (Requests.outsideHomeDivision(ctx, "divisionIds", org) || namesASecureFlow(ctx)) {
      ctx.json(Page.of(ctx, page, List.of(), 0));
      return;
    }
    var entities = scripts.listPublished(org, q).stream().map(ScriptViews::of).toList();
    ctx.json(Page.of(ctx, page, entities, scripts.countPublished(org, q)));
  }

  /**
   * The published version a request asks for: {@code scriptDataVersion}, or the latest. A request
   * without a query string skips Javalin's query map, which is built on first use and reads the
   * request's charset on the way (1% of a cached read, issue 14).
   */
  private String servedVersion(Context ctx, String org) {
    String asked = ctx.queryString() == null ? null : ctx.queryParam("scriptDataVersion");
    return scripts.servedVersionId(org, ctx.pathParam("id"), asked);
  }

  /**
   * The tag is the published version's id (plus the sub-resource): a version never changes, so
   * equal tags mean byte-identical bodies, which is what a strong ETag promises. Served from
   * memory: the version from {@link ScriptService#servedVersionId}, its tag and JSON written once
   * per version (what {@code ctx.json} of the view would write, byte for byte).
   */
  private void getPublished(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    HotRead.Answer r = published(org, servedVersion(ctx, org));
    Conditional.json(ctx, r.etag(), r.json());
  }

  /** A served version's answer; the version is the org's ({@code servedVersionId} checked it). */
  private HotRead.Answer published(String org, String version) {
    return representations.get(
        version,
        v ->
            new HotRead.Answer(
                Conditional.strong(v),
                bodies.mapper().writeValueAsBytes(ScriptViews.of(scripts.published(org, v)))));
  }

  /**
   * The draft's 200 ({@link #get}), and the latest published version's, asked without a query
   * string ({@link #getPublished}).
   */
  @Override
  public Map<String, HotRead> hotReads() {
    return Map.of(
        DRAFT_ONE,
        (principal, id) -> {
          String org = principal.orgId();
          return draft(org, id, scripts.head(org, id));
        },
        PUBLISHED_ONE,
        (principal, id) -> {
          String org = principal.orgId();
          return published(org, scripts.servedVersionId(org, id, null));
        });
  }

  private void publishedPages(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String version = servedVersion(ctx, org);
    Conditional.json(
        ctx,
        bodies.mapper(),
        Conditional.strong(version + "-pages"),
        () -> ScriptViews.of(scripts.published(org, version)).pages());
  }

  private void publishedPage(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String version = servedVersion(ctx, org);
    var page =
        onePage(ScriptViews.of(scripts.published(org, version)).pages(), ctx.pathParam("pageId"));
    Conditional.json(
        ctx, bodies.mapper(), Conditional.strong(version + "-page-" + page.id()), () -> page);
  }

  /**
   * Optional filters as in the Genesys SDK: {@code input}, {@code output} (true/false) and {@code
   * type}.
   */
  private void publishedVariables(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String version = servedVersion(ctx, org);
    Boolean input = Requests.bool(ctx, "input");
    Boolean output = Requests.bool(ctx, "output");
    String type = ctx.queryParam("type");
    if (type != null && !ScriptValidator.VARIABLE_TYPES.contains(type))
      throw Problem.invalid("type", "must be string, number or boolean");
    Conditional.json(
        ctx,
        bodies.mapper(),
        Conditional.strong(version + "-variables"),
        () -> {
          List<Variable> all = scripts.published(org, version).document().variables();
          return all.stream()
              .filter(v -> input == null || v.input().equals(input))
              .filter(v -> output == null || v.output().equals(output))
              .filter(v -> type == null || v.type().equals(type))
              .toList();
        });
  }

  private static ScriptViews.PageView onePage(List<ScriptViews.PageView> pages, String pageId) {
    return pages.stream()
        .filter(p -> p.id().equals(pageId))
        .findFirst()
        .orElseThrow(() -> Problem.notFound("Page", pageId));
  }

  private static ScriptStore.ListQuery query(Context ctx, Page.Request page) {
    String name = ctx.queryParam("name");
    String sortBy = ctx.queryParam("sortBy");
    ScriptStore.SortField field =
        switch (sortBy == null || sortBy.isBlank()
            ? "name"
            : sortBy.trim().toLowerCase(Locale.ROOT)) {
          case "name" -> ScriptStore.SortField.NAME;
          case "createddate" -> ScriptStore.SortField.CREATED;
          case "modifieddate", "versiondate" -> ScriptStore.SortField.MODIFIED;
          case "publisheddate" -> ScriptStore.SortField.PUBLISHED;
          default ->
              throw new Problem(
                  Problem.Kind.INVALID,
                  "invalid.value",
                  "sortBy: must be name, createdDate, modifiedDate or publishedDate",
                  Map.of("field", "sortBy"));
        };
    return new ScriptStore.ListQuery(
        name == null || name.isBlank() ? null : name.trim(),
        field,
        SortOrder.of(ctx) == SortOrder.ASCENDING,
        page.offset(),
        page.pageSize());
  }
}

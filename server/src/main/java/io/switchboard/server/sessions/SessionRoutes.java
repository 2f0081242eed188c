package io.switchboard.server.sessions;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.ETags;
import io.switchboard.server.http.ErrorBody;
import io.switchboard.server.http.HotRead;
import io.switchboard.server.http.HttpServer;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.VersionedJson;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.identity.Scopes;
import io.switchboard.server.scripts.ScriptDocument;
import io.switchboard.server.scripts.TextPlaceholders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v2/agent-scripting/sessions}: create (one or in bulk), get, merge-patch, put,
 * complete, render.
 */
public final class SessionRoutes implements ApiRoutes {
  private static final String BASE = "/api/v2/agent-scripting/sessions";
  private static final String ONE = BASE + "/{id}";

  private final SessionService sessions;
  private final RequestBodies bodies;
  private final Idempotency idempotency;

  /**
   * The JSON of sessions as last read, by id and version (a GET reads the version first; a
   * session's JSON was a fifth of its GET's CPU). At most this many bytes.
   */
  static final long VIEWS_BYTES = 8L << 20;

  private final VersionedJson<ViewKey> views;

  public SessionRoutes(SessionService sessions, RequestBodies bodies, Idempotency idempotency) {
    this.views = new VersionedJson<>(bodies.mapper(), VIEWS_BYTES);
    this.sessions = sessions;
    this.bodies = bodies;
    this.idempotency = idempotency;
  }

  public record SessionView(
      String id,
      String scriptId,
      String scriptVersionId,
      String conversationId,
      String agentId,
      String state,
      long version,
      ObjectNode data,
      Instant createdDate,
      Instant modifiedDate,
      Instant completedDate,
      String selfUri) {
    public static SessionView of(Session s) {
      return new SessionView(
          s.id(),
          s.scriptId(),
          s.scriptVersionId(),
          s.conversationId(),
          s.agentId(),
          s.state(),
          s.version(),
          s.data(),
          s.createdAt(),
          s.modifiedAt(),
          s.completedAt(),
          BASE + "/" + s.id());
    }
  }

  /** One item of a bulk answer: its index, its status and either the session or the ErrorBody. */
  public record BulkItem(int index, int status, SessionView session, ErrorBody error) {}

  public record BulkResponse(List<BulkItem> results, int created, int failed) {}

  /**
   * The body of PATCH (a merge patch of {@code data}) and PUT: read as a tree, since only these two
   * members may be written and a merge patch's nulls must be kept.
   */
  public record SessionWrite(JsonNode data, Long version) {}

  /**
   * A component as the agent sees it: placeholders filled in, inputs showing their variable's
   * value.
   */
  public record RenderedComponent(
      String id,
      String type,
      String text,
      String label,
      String inputType,
      String variable,
      JsonNode value,
      List<String> options,
      String action,
      JsonNode setValue) {}

  public record RenderedPage(String id, String name, List<RenderedComponent> components) {}

  public record RenderView(
      String sessionId,
      String scriptId,
      String scriptVersionId,
      String scriptName,
      String state,
      long version,
      String startPageId,
      ObjectNode values,
      List<RenderedPage> pages,
      String selfUri) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        BASE,
        this::list,
        Scope.read(Scopes.SESSIONS),
        Doc.page(SessionView.class)
            .error(404, "not.found")
            .requiredQuery("conversationId", "The conversation whose sessions to list"));
    routes.post(
        BASE,
        idempotency.wrap(this::create),
        Scope.write(Scopes.SESSIONS),
        Doc.of(SessionService.NewSession.class, SessionView.class)
            .created()
            .idempotent()
            .error(409, "script.not.published")
            .error(413, "session.data.too.large"));
    routes.post(
        BASE + "/bulk",
        idempotency.wrap(this::createBulk),
        Scope.write(Scopes.SESSIONS),
        Doc.of(Doc.listOf(SessionService.NewSession.class), BulkResponse.class).idempotent());
    routes.get(ONE, this::get, Scope.read(Scopes.SESSIONS), Doc.returns(SessionView.class));
    routes.patch(
        BASE + "/{id}",
        this::patch,
        Scope.write(Scopes.SESSIONS),
        Doc.of(SessionWrite.class, SessionView.class)
            .consumes(RequestBodies.MERGE_PATCH, RequestBodies.JSON)
            .error(409, "version.mismatch", "session.completed")
            .error(413, "session.data.too.large"));
    routes.put(
        BASE + "/{id}",
        this::replace,
        Scope.write(Scopes.SESSIONS),
        Doc.of(SessionWrite.class, SessionView.class)
            .error(409, "version.mismatch", "session.completed")
            .error(413, "session.data.too.large"));
    routes.post(
        BASE + "/{id}/complete",
        this::complete,
        Scope.write(Scopes.SESSIONS),
        Doc.returns(SessionView.class)
            .error(400, "bad.request")
            .error(409, "version.mismatch", "session.completed"));
    routes.get(
        BASE + "/{id}/render",
        this::render,
        Scope.read(Scopes.SESSIONS),
        Doc.returns(RenderView.class));
  }

  /** {@code GET ?conversationId=...}: the conversation's sessions, a Genesys entity listing. */
  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = io.switchboard.server.http.Page.Request.of(ctx);
    String conversationId = ctx.queryParam("conversationId");
    var entities =
        sessions.listForConversation(org, conversationId, page.offset(), page.pageSize()).stream()
            .map(SessionView::of)
            .toList();
    ctx.json(
        io.switchboard.server.http.Page.of(
            ctx, page, entities, sessions.countForConversation(org, conversationId)));
  }

  private void create(Context ctx) {
    var request = bodies.read(ctx, SessionService.NewSession.class);
    Session s = sessions.create(Requests.principal(ctx).orgId(), request);
    ctx.status(201).header("Location", BASE + "/" + s.id());
    respond(ctx, s);
  }

  /** Up to 100 sessions; each item succeeds or fails on its own, and the answer says which. */
  private void createBulk(Context ctx) {
    JsonNode body = bodies.readTree(ctx, Set.of(RequestBodies.JSON));
    if (!body.isArray()) throw Problem.invalid("body", "must be an array of sessions to create");
    if (body.isEmpty() || body.size() > SessionService.MAX_BULK)
      throw Problem.invalid(
          "body", "must hold 1 to " + SessionService.MAX_BULK + " sessions, got " + body.size());
    String org = Requests.principal(ctx).orgId();
    var results = new ArrayList<BulkItem>();
    int created = 0;
    for (int i = 0; i < body.size(); i++) {
      try {
        if (!body.get(i).isObject())
          throw Problem.invalid(
              "[" + i + "]",
              "item "
                  + i
                  + " must be a session object, not "
                  + body.get(i).getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        var request = bodies.bind(body.get(i), SessionService.NewSession.class);
        results.add(new BulkItem(i, 201, SessionView.of(sessions.create(org, request)), null));
        created++;
      } catch (Problem p) {
        results.add(
            new BulkItem(i, HttpServer.statusOf(p.kind()), null, HttpServer.errorBody(ctx, p)));
      }
    }
    ctx.json(new BulkResponse(results, created, results.size() - created));
  }

  /** The session with its version as a strong tag (a 304 for a caller that has it). */
  private void get(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    SessionStore.Head head = sessions.head(org, id);
    // A caller that has the current version is answered before any JSON is written.
    if (ETags.notModified(ctx, Conditional.strong(head.version()))) return;
    HotRead.Answer a = view(org, id, head);
    Conditional.ok(ctx, a.etag(), a.json());
  }

  /**
   * The session's current answer, given its head (read on every request): the JSON of each version
   * is written once.
   */
  private HotRead.Answer view(String org, String id, SessionStore.Head head) {
    byte[] kept = views.kept(new ViewKey(id, head.version()));
    if (kept != null) return new HotRead.Answer(Conditional.strong(head.version()), kept);
    // Not yet kept: the whole row, which may be newer than the head just read; its JSON is kept
    // under its own version.
    Session s = sessions.get(org, id);
    return new HotRead.Answer(
        etag(s), views.keep(new ViewKey(s.id(), s.version()), SessionView.of(s)));
  }

  /** A session's GET is read on every poll of an agent's panel: its 200 is a hot read. */
  @Override
  public Map<String, HotRead> hotReads() {
    return Map.of(
        ONE,
        (principal, id) -> {
          String org = principal.orgId();
          return view(org, id, sessions.head(org, id));
        });
  }

  /** A session's state: every change of a session raises its version. */
  private record ViewKey(String id, long version) {}

  /**
   * RFC 7396 merge patch of the session; only {@code data} changes, {@code version} is a
   * precondition.
   */
  private void patch(Context ctx) {
    JsonNode body = bodies.readTree(ctx, Set.of(RequestBodies.MERGE_PATCH, RequestBodies.JSON));
    ObjectNode patch = sessionDocument(body);
    Long version = version(patch);
    var expected = Conditional.expectedVersion(ctx, version);
    respond(
        ctx,
        sessions.mergePatch(
            Requests.principal(ctx).orgId(), ctx.pathParam("id"), patch.get("data"), expected));
  }

  private void replace(Context ctx) {
    ObjectNode body = sessionDocument(bodies.readTree(ctx, Set.of(RequestBodies.JSON)));
    var expected = Conditional.expectedVersion(ctx, version(body));
    respond(
        ctx,
        sessions.replace(
            Requests.principal(ctx).orgId(), ctx.pathParam("id"), body.get("data"), expected));
  }

  private void complete(Context ctx) {
    respond(
        ctx,
        sessions.complete(
            Requests.principal(ctx).orgId(), ctx.pathParam("id"), Conditional.ifMatchVersion(ctx)));
  }

  private void render(Context ctx) {
    var r = sessions.render(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    Session s = r.session();
    Conditional.json(
        ctx,
        bodies.mapper(),
        etag(s),
        () -> {
          var pages = new ArrayList<RenderedPage>();
          for (ScriptDocument.ScriptPage page : r.script().document().pages()) {
            pages.add(
                new RenderedPage(
                    page.id(),
                    page.name(),
                    page.components().stream().map(c -> rendered(c, r.values())).toList()));
          }
          return new RenderView(
              s.id(),
              s.scriptId(),
              s.scriptVersionId(),
              r.script().name(),
              s.state(),
              s.version(),
              r.script().document().startPageId(),
              r.values(),
              pages,
              BASE + "/" + s.id() + "/render");
        });
  }

  private static RenderedComponent rendered(ScriptDocument.Component c, ObjectNode values) {
    JsonNode value = c.type().equals("input") ? values.get(c.variable()) : null;
    JsonNode setValue = c.type().equals("button") ? c.value() : null;
    String variable = c.type().equals("text") ? null : c.variable();
    return new RenderedComponent(
        c.id(),
        c.type(),
        fill(c.text(), values),
        fill(c.label(), values),
        c.inputType(),
        variable,
        value,
        c.options(),
        c.action(),
        setValue);
  }

  /** Placeholders become the variable's value as text; a variable without a value becomes empty. */
  static String fill(String text, ObjectNode values) {
    if (text == null) return null;
    return TextPlaceholders.fill(
        text,
        name -> {
          JsonNode v = values.get(name);
          return v == null || v.isNull() ? "" : v.asString();
        });
  }

  private static void respond(Context ctx, Session s) {
    ctx.header(ETags.HEADER, etag(s)).json(SessionView.of(s));
  }

  private static String etag(Session s) {
    return Conditional.strong(s.version());
  }

  /** The body must be an object whose only members are {@code data} and {@code version}. */
  private static ObjectNode sessionDocument(JsonNode body) {
    if (!body.isObject())
      throw Problem.invalid("body", "must be an object such as {\"data\": {...}}");
    for (String name : body.propertyNames()) {
      if (!SessionService.PATCHABLE.contains(name)) {
        throw new Problem(
            Problem.Kind.BAD_REQUEST,
            "bad.request",
            "Field '" + name + "' cannot be written; send data (and optionally version)",
            Map.of("field", name));
      }
    }
    return (ObjectNode) body;
  }

  private static Long version(JsonNode body) {
    JsonNode v = body.get("version");
    if (v == null || v.isNull()) return null;
    if (!v.isIntegralNumber() || !v.canConvertToLong())
      throw Problem.invalid("version", "must be a whole number");
    return v.longValue();
  }
}

package io.switchboard.server.externalapis;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.ContinuationTokens;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Scopes;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/architect/external-apis}: CRUD, partial update, continuation-token query and test
 * runs.
 */
public final class ExternalApiRoutes implements ApiRoutes {
  static final String BASE = "/api/v2/architect/external-apis";
  static final String COLLECTION = "external-apis";
  public static final int DEFAULT_LIMIT = 25;
  public static final int MAX_LIMIT = 100;

  private final ExternalApiService apis;
  private final RequestBodies bodies;
  private final ContinuationTokens tokens;

  public ExternalApiRoutes(
      ExternalApiService apis, RequestBodies bodies, ContinuationTokens tokens) {
    this.apis = apis;
    this.bodies = bodies;
    this.tokens = tokens;
  }

  /** The wire shape of an external API. */
  public record ExternalApiView(
      String id,
      String name,
      String description,
      String protocol,
      String method,
      String url,
      int timeout,
      int retry,
      List<ExternalApi.Header> headers,
      String credentialId,
      JsonNode requestTemplate,
      ExternalApi.ResponseMapping responseMapping,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {
    static ExternalApiView of(ExternalApi a) {
      return new ExternalApiView(
          a.id(),
          a.name(),
          a.description(),
          a.protocol(),
          a.method(),
          a.url(),
          a.timeout(),
          a.retry(),
          a.headers(),
          a.credentialId(),
          a.requestTemplate(),
          a.responseMapping(),
          a.version(),
          a.createdAt(),
          a.modifiedAt(),
          BASE + "/" + a.id());
    }
  }

  /**
   * {@code POST .../query}: {@code limit} 1..100 (default 25), the previous page's token, an
   * optional filter.
   */
  public record QueryRequest(Integer limit, String continuationToken, QueryFilter filter) {}

  /**
   * {@code name}: a case-insensitive glob ({@code *}, {@code ?}); {@code timeout}: exact
   * milliseconds.
   */
  public record QueryFilter(String name, Integer timeout) {}

  /** A page of a query; {@code continuationToken} is null on the last page (and always present). */
  public record QueryResponse(
      List<ExternalApiView> entities,
      @JsonInclude(JsonInclude.Include.ALWAYS) String continuationToken) {}

  public record TestRequest(JsonNode inputs) {}

  /**
   * {@code GET .../{id}/circuit}: the API's circuit breaker as this node sees it ({@code closed},
   * {@code open} or {@code half-open}); breakers are per node, like the calls they judge.
   */
  public record CircuitView(String id, String state, String selfUri) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(BASE, this::list, Scope.read(Scopes.ARCHITECT), Doc.page(ExternalApiView.class));
    routes.post(
        BASE,
        this::create,
        Scope.write(Scopes.ARCHITECT),
        Doc.of(ExternalApiInput.class, ExternalApiView.class).created());
    routes.post(
        BASE + "/query",
        this::query,
        Scope.read(Scopes.ARCHITECT),
        Doc.of(QueryRequest.class, QueryResponse.class)
            .bodyOptional()
            .error(400, "invalid.continuation.token"));
    routes.get(
        BASE + "/{id}",
        this::get,
        Scope.read(Scopes.ARCHITECT),
        Doc.returns(ExternalApiView.class));
    routes.put(
        BASE + "/{id}",
        this::replace,
        Scope.write(Scopes.ARCHITECT),
        Doc.of(ExternalApiInput.class, ExternalApiView.class).error(409, "version.mismatch"));
    routes.patch(
        BASE + "/{id}",
        this::patch,
        Scope.write(Scopes.ARCHITECT),
        Doc.of(ExternalApiInput.class, ExternalApiView.class)
            .consumes(RequestBodies.JSON, RequestBodies.MERGE_PATCH)
            .error(409, "version.mismatch"));
    routes.delete(
        BASE + "/{id}",
        this::delete,
        Scope.write(Scopes.ARCHITECT),
        Doc.noContent().error(409, "flow.reference.in.use"));
    // Running one makes an outbound call with a stored credential: a write scope, not a read.
    routes.post(
        BASE + "/{id}/test",
        this::test,
        Scope.write(Scopes.ARCHITECT),
        Doc.of(TestRequest.class, ExecutionReport.class).bodyOptional());
    routes.get(
        BASE + "/{id}/circuit",
        this::circuit,
        Scope.read(Scopes.ARCHITECT),
        Doc.returns(CircuitView.class));
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var entities =
        apis.list(org, page.offset(), page.pageSize()).stream().map(ExternalApiView::of).toList();
    ctx.json(Page.of(ctx, page, entities, apis.count(org)));
  }

  private void create(Context ctx) {
    ExternalApiInput in = input(ctx, bodies.readTree(ctx, Set.of(RequestBodies.JSON)));
    requireMayAttach(ctx, null, in.credentialId());
    ctx.status(201);
    write(ctx, apis.create(Requests.principal(ctx).orgId(), in));
  }

  private void get(Context ctx) {
    write(ctx, apis.get(Requests.principal(ctx).orgId(), ctx.pathParam("id")));
  }

  private void replace(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    ExternalApi current = apis.get(org, id);
    ExternalApiInput in = input(ctx, bodies.readTree(ctx, Set.of(RequestBodies.JSON)));
    requireSameId(in, id);
    requireMayAttach(ctx, current.credentialId(), in.credentialId());
    write(ctx, apis.replace(org, id, in, Conditional.expectedVersionOrNull(ctx, in.version())));
  }

  private void patch(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    ExternalApi current = apis.get(org, id);
    JsonNode tree = bodies.readTree(ctx, Set.of(RequestBodies.JSON, RequestBodies.MERGE_PATCH));
    ExternalApiInput in = input(ctx, tree);
    requireSameId(in, id);
    if (tree.has("credentialId")) requireMayAttach(ctx, current.credentialId(), in.credentialId());
    Set<String> present = new HashSet<>();
    for (String field : ExternalApiInput.WRITABLE) if (tree.has(field)) present.add(field);
    write(
        ctx,
        apis.patch(org, id, in, present, Conditional.expectedVersionOrNull(ctx, in.version())));
  }

  private void delete(Context ctx) {
    apis.delete(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void circuit(Context ctx) {
    String id = ctx.pathParam("id");
    String state = apis.circuit(Requests.principal(ctx).orgId(), id);
    ctx.json(new CircuitView(id, state, BASE + "/" + id + "/circuit"));
  }

  private void query(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    QueryRequest q =
        optionalBody(ctx)
            ? bodies.read(ctx, QueryRequest.class)
            : new QueryRequest(null, null, null);
    int limit =
        q.limit() == null
            ? DEFAULT_LIMIT
            : ExternalApiService.range("limit", q.limit(), 1, MAX_LIMIT, "");
    var filter =
        q.filter() == null
            ? ExternalApiStore.Filter.NONE
            : new ExternalApiStore.Filter(blankToNull(q.filter().name()), q.filter().timeout());
    if (filter.name() != null && filter.name().length() > 200)
      throw Problem.invalid("filter.name", "must be at most 200 characters");
    String filterKey = "name=" + filter.name() + ";timeout=" + filter.timeout();
    String after =
        q.continuationToken() == null || q.continuationToken().isBlank()
            ? null
            : tokens.verify(q.continuationToken(), org, COLLECTION, filterKey);
    // One more than asked tells whether another page exists, so the last page carries no token.
    List<ExternalApi> rows = apis.page(org, after, limit + 1, filter);
    boolean more = rows.size() > limit;
    List<ExternalApi> shown = more ? rows.subList(0, limit) : rows;
    String next =
        more ? tokens.issue(org, COLLECTION, filterKey, shown.get(shown.size() - 1).id()) : null;
    ctx.json(new QueryResponse(shown.stream().map(ExternalApiView::of).toList(), next));
  }

  private void test(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    apis.get(org, id);
    JsonNode inputs = null;
    if (optionalBody(ctx)) {
      TestRequest req = bodies.read(ctx, TestRequest.class);
      inputs = req.inputs();
      if (inputs != null && !inputs.isNull() && !inputs.isObject())
        throw Problem.invalid("inputs", "must be an object of input names to values");
    }
    ctx.json(apis.test(org, id, inputs));
  }

  /** True when the request carries a body (these endpoints accept none, meaning defaults). */
  private static boolean optionalBody(Context ctx) {
    return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
  }

  private ExternalApiInput input(Context ctx, JsonNode tree) {
    if (!tree.isObject()) throw Problem.badRequest("The request body must be a JSON object");
    integral(tree, "timeout", ExternalApi.MIN_TIMEOUT, ExternalApi.MAX_TIMEOUT, " (milliseconds)");
    integral(tree, "retry", 0, ExternalApi.MAX_RETRY, "");
    return bodies.bind(tree, ExternalApiInput.class);
  }

  /**
   * A number that is not a whole int is out of range, said with the range rather than as a type
   * error.
   */
  private static void integral(JsonNode tree, String field, int min, int max, String unit) {
    JsonNode v = tree.get(field);
    if (v == null || v.isNull() || !v.isNumber()) return;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          field + " must be a whole number between " + min + " and " + max + unit + ", got " + v,
          Map.of("field", field, "min", min, "max", max));
    }
  }

  /**
   * Attaching a credential to an API, or switching to another, decides where its secret is sent:
   * that needs {@code integrations} (the scope that manages credentials) besides {@code architect}.
   * Keeping the one an API already has does not (the credential's {@code allowedHosts} bound where
   * it can go), nor does removing it.
   */
  private static void requireMayAttach(Context ctx, String currentCredentialId, String requested) {
    String wanted = requested == null || requested.isBlank() ? null : requested.trim();
    if (wanted == null || wanted.equals(currentCredentialId)) return;
    if (!Requests.principal(ctx).hasScope(Scopes.INTEGRATIONS)) {
      throw new Problem(
          Problem.Kind.FORBIDDEN,
          "missing.scope",
          "Attaching a credential to an external API needs the scope "
              + Scopes.INTEGRATIONS
              + " as well as "
              + Scopes.ARCHITECT,
          Map.of("scope", Scopes.INTEGRATIONS));
    }
  }

  private static void requireSameId(ExternalApiInput in, String id) {
    if (in.id() != null && !in.id().equals(id))
      throw Problem.invalid("id", "must match the id in the path");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static void write(Context ctx, ExternalApi a) {
    ctx.header("ETag", "\"" + a.version() + "\"");
    ctx.json(ExternalApiView.of(a));
  }
}

package io.switchboard.server.ratelimit;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.ETags;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Scopes;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/organizations/limits}: the org's effective limits (Genesys {@code Limit} shape),
 * changing them, and live usage of its buckets.
 */
public final class LimitsRoutes implements ApiRoutes {
  private static final String BASE = "/api/v2/organizations/limits";

  private final LimitService limits;
  private final RateLimiter limiter;
  private final RequestBodies bodies;

  public LimitsRoutes(LimitService limits, RateLimiter limiter, RequestBodies bodies) {
    this.limits = limits;
    this.limiter = limiter;
    this.bodies = bodies;
  }

  /** Genesys {@code LimitsEntityListing}. */
  public record LimitsListing(List<Limit> entities) {}

  public record Namespace(String name, String description) {}

  /** The body of a change: {@code {"limits": [{"key": ..., "value": ...}]}}. */
  public record LimitsUpdate(List<Limit> limits) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        BASE + "/namespaces",
        this::namespaces,
        Scope.read(Scopes.LIMITS),
        Doc.page(Namespace.class));
    routes.get(
        BASE + "/namespaces/{namespace}",
        this::namespace,
        Scope.read(Scopes.LIMITS),
        Doc.returns(LimitsListing.class));
    routes.get(
        BASE + "/namespaces/{namespace}/defaults",
        this::defaults,
        Scope.read(Scopes.LIMITS),
        Doc.returns(LimitsListing.class));
    routes.put(
        BASE + "/namespaces/{namespace}",
        this::update,
        Scope.write(Scopes.LIMITS_EDIT),
        Doc.of(LimitsUpdate.class, LimitsListing.class));
    routes.get(
        BASE + "/usage",
        this::usage,
        Scope.read(Scopes.LIMITS),
        Doc.returns(RateLimiter.UsageReport.class));
  }

  private void namespaces(Context ctx) {
    var page = Page.Request.of(ctx);
    var all =
        List.of(
            new Namespace(
                LimitCatalog.NAMESPACE,
                "Requests per minute to the Platform API, per access token, OAuth client, org and"
                    + " endpoint group"));
    var entities = all.stream().skip(page.offset()).limit(page.pageSize()).toList();
    ctx.json(Page.of(ctx, page, entities, all.size()));
  }

  /**
   * Conditional: the same limits have the same ETag, and a matching If-None-Match is a free 304.
   */
  private void namespace(Context ctx) {
    var body =
        new LimitsListing(
            limits.namespace(Requests.principal(ctx).orgId(), ctx.pathParam("namespace")));
    String json = bodies.mapper().writeValueAsString(body);
    if (ETags.notModified(ctx, ETags.of(json))) return;
    ctx.contentType("application/json").result(json);
  }

  private void defaults(Context ctx) {
    ctx.json(new LimitsListing(limits.defaults(ctx.pathParam("namespace"))));
  }

  private void update(Context ctx) {
    JsonNode tree = bodies.readTree(ctx, Set.of(RequestBodies.JSON));
    JsonNode list = tree.get("limits");
    if (list != null && list.isArray()) {
      for (int i = 0; i < list.size(); i++) {
        JsonNode value = list.get(i).get("value");
        // 20.5 is not a request count; Jackson would otherwise truncate it quietly.
        if (value != null && !value.isNull() && !value.isIntegralNumber())
          throw Problem.invalid(
              "limits[" + i + "].value", "must be a whole number, or null for the default");
      }
    }
    LimitsUpdate request = bodies.bind(tree, LimitsUpdate.class);
    if (request.limits() == null)
      throw Problem.invalid(
          "limits", "is required: {\"limits\": [{\"key\": ..., \"value\": ...}]}");
    String orgId = Requests.principal(ctx).orgId();
    LimitService.Change change = limits.update(orgId, ctx.pathParam("namespace"), request.limits());
    limiter.limitsChanged(change);
    ctx.json(new LimitsListing(limits.namespace(orgId, LimitCatalog.NAMESPACE)));
  }

  private void usage(Context ctx) {
    ctx.json(limiter.usage(Requests.principal(ctx).orgId()));
  }
}

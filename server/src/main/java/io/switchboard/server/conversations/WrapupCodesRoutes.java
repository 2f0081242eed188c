package io.switchboard.server.conversations;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.SortOrder;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.identity.Scopes;
import java.util.List;

/** {@code /api/v2/routing/wrapupcodes}: the org's wrap-up codes. */
public final class WrapupCodesRoutes implements ApiRoutes {
  private final WrapupCodeService codes;
  private final RequestBodies bodies;

  public WrapupCodesRoutes(WrapupCodeService codes, RequestBodies bodies) {
    this.codes = codes;
    this.bodies = bodies;
  }

  /**
   * The Genesys WrapupCodeRequest; server-owned fields that a read-modify-write sends back are
   * ignored.
   */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties({
    "id",
    "dateCreated",
    "dateModified",
    "createdBy",
    "modifiedBy",
    "selfUri",
    "division"
  })
  public record CodeRequest(String name) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v2/routing/wrapupcodes",
        this::list,
        Scope.read(Scopes.ROUTING),
        Doc.page(ConversationViews.WrapupCodeView.class)
            .query("name", "Only codes whose name matches")
            .query(
                "id",
                "Only these codes, repeated or comma-joined, at most "
                    + Requests.MAX_IDS
                    + "; an id of another org matches none")
            .query("divisionId", Doc.HOME_DIVISION_FILTER)
            .query("sortBy", "name (default) or id")
            .error(400, "invalid.value"));
    routes.post(
        "/api/v2/routing/wrapupcodes",
        this::create,
        Scope.write(Scopes.ROUTING),
        Doc.of(CodeRequest.class, ConversationViews.WrapupCodeView.class)
            .created()
            .error(409, "wrapupcode.name.taken"));
    routes.get(
        "/api/v2/routing/wrapupcodes/{id}",
        this::get,
        Scope.read(Scopes.ROUTING),
        Doc.returns(ConversationViews.WrapupCodeView.class));
    routes.put(
        "/api/v2/routing/wrapupcodes/{id}",
        this::update,
        Scope.write(Scopes.ROUTING),
        Doc.of(CodeRequest.class, ConversationViews.WrapupCodeView.class)
            .error(409, "wrapupcode.name.taken"));
    routes.delete(
        "/api/v2/routing/wrapupcodes/{id}",
        this::delete,
        Scope.write(Scopes.ROUTING),
        Doc.noContent());
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    String name = ctx.queryParam("name");
    var ids = Requests.ids(ctx, "id");
    boolean ascending = SortOrder.of(ctx) == SortOrder.ASCENDING;
    boolean byId = Requests.oneOf(ctx, "sortBy", "name", "name", "id").equals("id");
    if (Requests.outsideHomeDivision(ctx, "divisionId", org)) {
      ctx.json(Page.of(ctx, page, List.of(), 0));
      return;
    }
    var entities =
        codes.list(org, name, ids, byId, ascending, page.offset(), page.pageSize()).stream()
            .map(ConversationViews.WrapupCodeView::of)
            .toList();
    ctx.json(Page.of(ctx, page, entities, codes.count(org, name, ids)));
  }

  private void create(Context ctx) {
    Principal p = Requests.principal(ctx);
    var request = bodies.read(ctx, CodeRequest.class);
    WrapupCode code = codes.create(p.orgId(), request.name(), p.clientId());
    ctx.status(201)
        .header("Location", "/api/v2/routing/wrapupcodes/" + code.id())
        .json(ConversationViews.WrapupCodeView.of(code));
  }

  private void get(Context ctx) {
    ctx.json(
        ConversationViews.WrapupCodeView.of(
            codes.get(Requests.principal(ctx).orgId(), ctx.pathParam("id"))));
  }

  private void update(Context ctx) {
    Principal p = Requests.principal(ctx);
    var request = bodies.read(ctx, CodeRequest.class);
    ctx.json(
        ConversationViews.WrapupCodeView.of(
            codes.rename(p.orgId(), ctx.pathParam("id"), request.name(), p.clientId())));
  }

  private void delete(Context ctx) {
    codes.delete(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    ctx.status(204);
  }
}

package io.switchboard.server.identity;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v2/authorization/roles} (built-in and custom roles), {@code
 * /api/v2/authorization/divisions} (the org's one Home division) and {@code
 * /api/v2/users/{id}/roles} (a user's roles, which make its sign-in tokens' scopes).
 */
public final class AuthorizationRoutes implements ApiRoutes {
  private final RoleService roles;
  private final UserAccounts users;
  private final RequestBodies bodies;

  public AuthorizationRoutes(RoleService roles, UserAccounts users, RequestBodies bodies) {
    this.roles = roles;
    this.users = users;
    this.bodies = bodies;
  }

  /**
   * Genesys's {@code DomainOrganizationRole}, plus {@code scopes} (ours: what the role grants);
   * {@code permissions} and {@code permissionPolicies} are those scopes as Genesys permissions.
   */
  public record RoleView(
      String id,
      String name,
      String description,
      String defaultRoleId,
      List<String> scopes,
      List<String> permissions,
      List<Permissions.Policy> permissionPolicies,
      List<String> unusedPermissions,
      boolean base,
      @com.fasterxml.jackson.annotation.JsonProperty("default") boolean isDefault,
      boolean roleNeedsUpdate,
      Instant dateModified,
      Integer userCount,
      String selfUri) {
    static RoleView of(Role r) {
      return of(r, null);
    }

    /** {@code userCount}: how many users hold the role, or null when not asked for. */
    static RoleView of(Role r, Integer userCount) {
      return new RoleView(
          r.id(),
          r.name(),
          r.description(),
          r.builtIn() ? r.name() : null,
          r.scopes().stream().sorted().toList(),
          Permissions.of(sorted(r.scopes())),
          Permissions.policies(sorted(r.scopes())),
          List.of(),
          r.builtIn(),
          r.builtIn(),
          false,
          r.builtIn() ? null : r.modifiedAt(),
          userCount,
          "/api/v2/authorization/roles/" + r.id());
    }

    private static Set<String> sorted(Set<String> scopes) {
      return new java.util.LinkedHashSet<>(scopes.stream().sorted().toList());
    }
  }

  /** A role as written: our scopes, Genesys permissions, or Genesys permission policies. */
  public record RoleBody(
      String name,
      String description,
      List<String> scopes,
      List<String> permissions,
      List<PolicyBody> permissionPolicies) {}

  public record PolicyBody(String domain, String entityName, List<String> actionSet) {}

  /** Genesys's {@code AuthzDivision}. */
  public record DivisionView(
      String id,
      String name,
      String description,
      boolean homeDivision,
      Map<String, Long> objectCounts,
      String selfUri) {
    static DivisionView home(String orgId) {
      var ref = Divisions.home(orgId);
      return new DivisionView(
          ref.id(), ref.name(), "The org's home division", true, Map.of(), ref.selfUri());
    }
  }

  /** Genesys's {@code DomainRole}. */
  public record RoleRef(String id, String name) {}

  /** Genesys's {@code UserAuthorization}. */
  public record UserAuthorizationView(
      List<RoleRef> roles,
      List<RoleRef> unusedRoles,
      List<String> permissions,
      List<Permissions.Policy> permissionPolicies) {
    static UserAuthorizationView of(List<Role> roles) {
      var scopes = new java.util.TreeSet<String>();
      roles.forEach(r -> scopes.addAll(r.scopes()));
      var ordered = new java.util.LinkedHashSet<>(scopes);
      return new UserAuthorizationView(
          roles.stream().map(r -> new RoleRef(r.id(), r.name())).toList(),
          List.of(),
          Permissions.of(ordered),
          Permissions.policies(ordered));
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v2/authorization/roles",
        this::list,
        Scope.read(Scopes.AUTHORIZATION),
        Doc.page(RoleView.class)
            .query("name", "Only the role with this name (case-insensitive)")
            .query(
                "permission",
                "Only roles granting any of these permissions (domain:entity:action; a role's *"
                    + " matches any)")
            .query(
                "defaultRoleId", "Only these built-in roles (admin, integrator, scripter, agent)")
            .query("sortBy", "name; without it, the built-in roles first, then the org's own")
            .query("userCount", "true (default): each role's count of users holding it; false")
            .query(
                "id",
                "Only these roles, repeated or comma-joined, at most "
                    + Requests.MAX_IDS
                    + "; an id of another org matches none")
            .error(400, "invalid.value"));
    routes.post(
        "/api/v2/authorization/roles",
        this::create,
        Scope.write(Scopes.AUTHORIZATION),
        Doc.of(RoleBody.class, RoleView.class)
            .created()
            .error(409, "role.name.taken", "role.limit"));
    routes.get(
        "/api/v2/authorization/roles/{id}",
        this::get,
        Scope.read(Scopes.AUTHORIZATION),
        Doc.returns(RoleView.class)
            .error(400, "invalid.value")
            .query("userCount", "true (default): the count of users holding the role; false"));
    routes.put(
        "/api/v2/authorization/roles/{id}",
        this::update,
        Scope.write(Scopes.AUTHORIZATION),
        Doc.of(RoleBody.class, RoleView.class)
            .error(409, "role.name.taken")
            .error(400, "role.builtin"));
    routes.delete(
        "/api/v2/authorization/roles/{id}",
        this::delete,
        Scope.write(Scopes.AUTHORIZATION),
        Doc.noContent().error(400, "role.builtin"));
    routes.get(
        "/api/v2/authorization/divisions",
        this::divisions,
        Scope.read(Scopes.AUTHORIZATION),
        Doc.page(DivisionView.class)
            .query("id", "Only these division ids (repeatable)")
            .query("name", "Only the division with this name"));
    // Before /divisions/{id}, so "home" is the route, not an id.
    routes.get(
        "/api/v2/authorization/divisions/home",
        this::home,
        Scope.read(Scopes.AUTHORIZATION),
        Doc.returns(DivisionView.class));
    routes.get(
        "/api/v2/authorization/divisions/{id}",
        this::division,
        Scope.read(Scopes.AUTHORIZATION),
        Doc.returns(DivisionView.class));
    routes.get(
        "/api/v2/users/{id}/roles",
        this::userRoles,
        Scope.read(Scopes.AUTHORIZATION),
        Doc.returns(UserAuthorizationView.class));
    routes.put(
        "/api/v2/users/{id}/roles",
        this::setUserRoles,
        Scope.write(Scopes.AUTHORIZATION),
        Doc.of(Doc.listOf(String.class), UserAuthorizationView.class));
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    String name = ctx.queryParam("name");
    Set<String> ids = Requests.ids(ctx, "id");
    List<String[]> permissions = split(Requests.ids(ctx, "permission"));
    Set<String> defaultRoleIds = Requests.ids(ctx, "defaultRoleId");
    boolean byName = Requests.oneOf(ctx, "sortBy", null, "name") != null;
    var stream =
        roles.list(org).stream()
            .filter(r -> name == null || name.isBlank() || r.name().equalsIgnoreCase(name.trim()))
            .filter(r -> ids == null || ids.contains(r.id()))
            .filter(r ->
                defaultRoleIds == null
                    || (r.builtIn()
                        && defaultRoleIds.stream().anyMatch(d -> d.equalsIgnoreCase(r.name()))))
            .filter(r -> permissions == null || grantsAny(r, permissions));
    if (byName)
      stream =
          stream.sorted(
              java.util.Comparator.comparing(
                      (Role r) -> r.name().toLowerCase(java.util.Locale.ROOT))
                  .thenComparing(Role::id));
    var all = stream.toList();
    var onPage = all.stream().skip(page.offset()).limit(page.pageSize()).toList();
    Map<String, Integer> counts = userCounts(ctx, org, onPage);
    var shown = onPage.stream().map(r -> RoleView.of(r, counts.get(r.id()))).toList();
    ctx.json(Page.of(ctx, page, shown, all.size()));
  }

  /**
   * Whether the role grants any of {@code wanted} (Genesys permission strings, {@code
   * domain:entity:action}): a role's permission matches segment by segment, its {@code *} matching
   * any segment.
   */
  private static boolean grantsAny(Role r, List<String[]> wanted) {
    for (String held : Permissions.of(RoleView.sorted(r.scopes()))) {
      String[] h = held.split(":");
      for (String[] p : wanted) {
        if (p.length != h.length) continue;
        boolean match = true;
        for (int i = 0; i < p.length && match; i++) match = h[i].equals("*") || h[i].equals(p[i]);
        if (match) return true;
      }
    }
    return false;
  }

  /** The permissions asked for, split into their segments once per request (null: no filter). */
  private static List<String[]> split(Set<String> permissions) {
    return permissions == null ? null : permissions.stream().map(p -> p.split(":")).toList();
  }

  private void get(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    Role role = roles.get(org, ctx.pathParam("id"));
    ctx.json(RoleView.of(role, userCounts(ctx, org, List.of(role)).get(role.id())));
  }

  /**
   * Genesys's {@code userCount} (default true): each role's count of users holding it, one query
   * for the page; with {@code userCount=false}, none (the field is left out).
   */
  private Map<String, Integer> userCounts(Context ctx, String org, List<Role> shown) {
    if (Boolean.FALSE.equals(Requests.bool(ctx, "userCount"))) return Map.of();
    return roles.userCounts(org, shown.stream().map(Role::id).toList());
  }

  private void create(Context ctx) {
    var role = roles.create(Requests.principal(ctx), request(ctx));
    ctx.status(201)
        .header("Location", "/api/v2/authorization/roles/" + role.id())
        .json(RoleView.of(role));
  }

  private void update(Context ctx) {
    ctx.json(RoleView.of(roles.update(Requests.principal(ctx), ctx.pathParam("id"), request(ctx))));
  }

  private void delete(Context ctx) {
    roles.delete(Requests.principal(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private RoleService.RoleRequest request(Context ctx) {
    RoleBody body = bodies.read(ctx, RoleBody.class);
    var permissions = new ArrayList<String>();
    if (body.permissions() != null) permissions.addAll(body.permissions());
    if (body.permissionPolicies() != null) {
      for (PolicyBody p : body.permissionPolicies()) {
        if (p == null || p.domain() == null || p.entityName() == null || p.actionSet() == null)
          throw Problem.invalid(
              "permissionPolicies", "each policy needs domain, entityName and actionSet");
        for (String action : p.actionSet())
          permissions.add(p.domain() + ":" + p.entityName() + ":" + action);
      }
    }
    if (permissions.size() > 1000) throw Problem.invalid("permissions", "at most 1000");
    return new RoleService.RoleRequest(body.name(), body.description(), body.scopes(), permissions);
  }

  private void divisions(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var ids = Requests.multi(ctx, "id");
    String name = ctx.queryParam("name");
    boolean matches =
        (ids.isEmpty() || ids.stream().anyMatch(id -> Divisions.isHome(org, id)))
            && (name == null
                || name.isBlank()
                || name.trim().equalsIgnoreCase(Divisions.HOME_NAME));
    List<DivisionView> all = matches ? List.of(DivisionView.home(org)) : List.of();
    ctx.json(
        Page.of(
            ctx,
            page,
            all.stream().skip(page.offset()).limit(page.pageSize()).toList(),
            all.size()));
  }

  private void home(Context ctx) {
    ctx.json(DivisionView.home(Requests.principal(ctx).orgId()));
  }

  private void division(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    if (!Divisions.isHome(org, id)) throw Problem.notFound("Division", id);
    ctx.json(DivisionView.home(org));
  }

  private void userRoles(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = requireUser(org, ctx.pathParam("id"));
    ctx.json(UserAuthorizationView.of(roles.userRoles(org, id)));
  }

  private void setUserRoles(Context ctx) {
    Principal p = Requests.principal(ctx);
    String id = requireUser(p.orgId(), ctx.pathParam("id"));
    String[] roleIds =
        bodies.bind(bodies.readTree(ctx, Set.of(RequestBodies.JSON)), String[].class);
    if (Arrays.stream(roleIds).anyMatch(r -> r == null))
      throw Problem.invalid("roleIds", "a role id is null");
    ctx.json(UserAuthorizationView.of(roles.setUserRoles(p, id, Arrays.asList(roleIds))));
  }

  private String requireUser(String orgId, String id) {
    return users.findActive(orgId, id).orElseThrow(() -> Problem.notFound("User", id)).id();
  }
}

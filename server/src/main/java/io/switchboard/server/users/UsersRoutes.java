package io.switchboard.server.users;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.SortOrder;
import io.switchboard.server.identity.Divisions;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.identity.RoleService;
import io.switchboard.server.identity.Scopes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** {@code /api/v2/users}: create, get and list the org's agents. */
public final class UsersRoutes implements ApiRoutes {
  private final UserService users;
  private final RequestBodies bodies;
  private final RoleService roles;
  private final BiConsumer<String, String> signOut;

  /**
   * {@code signOut} (org, user) ends a deleted user's tokens on this node at once (other nodes
   * within the token service's cache TTL).
   */
  public UsersRoutes(
      UserService users,
      RoleService roles,
      RequestBodies bodies,
      BiConsumer<String, String> signOut) {
    this.users = users;
    this.roles = roles;
    this.bodies = bodies;
    this.signOut = signOut;
  }

  /** Genesys's {@code ChangePasswordRequest} and {@code ChangeMyPasswordRequest}. */
  public record PasswordRequest(String newPassword, String oldPassword) {
    @Override
    public String toString() {
      return "PasswordRequest[***]";
    }
  }

  /** The Genesys User shape, reduced to what a directory of agents needs. */
  public record UserView(
      String id,
      String name,
      String email,
      String username,
      String department,
      String title,
      String state,
      List<Contact> primaryContactInfo,
      Divisions.Ref division,
      long version,
      Instant dateCreated,
      String selfUri) {
    static UserView of(User u) {
      return new UserView(
          u.id(),
          u.name(),
          u.email(),
          u.email(),
          u.department(),
          u.title(),
          u.state(),
          List.of(new Contact(u.email(), "EMAIL", "PRIMARY")),
          Divisions.home(u.orgId()),
          u.version(),
          u.createdAt(),
          "/api/v2/users/" + u.id());
    }
  }

  /** Genesys's {@code Contact}: a user's email is its primary contact, as Genesys shows it. */
  public record Contact(String address, String mediaType, String type) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v2/users",
        this::list,
        Scope.read(Scopes.USERS),
        Doc.page(UserView.class)
            .query(
                "id",
                "Only these users, repeated or comma-joined, at most "
                    + Requests.MAX_IDS
                    + "; an id of another org, or of a user in another state, matches none")
            .query("state", "active (the default), inactive, deleted or any")
            .query("sortOrder", "By name: ascending (default) or descending")
            .query("jabberId", "Any value: none (Switchboard's users have no Jabber id)")
            .error(400, "invalid.value"));
    routes.post(
        "/api/v2/users",
        this::create,
        Scope.write(Scopes.USERS),
        Doc.of(UserService.NewUser.class, UserView.class).created().error(409, "user.email.taken"));
    // Before /users/{id}, so "me" is not taken for an id.
    routes.get("/api/v2/users/me", this::me, Doc.returns(UserView.class).error(400, "not.a.user"));
    routes.post(
        "/api/v2/users/me/password",
        this::changeMyPassword,
        Doc.takes(PasswordRequest.class).error(400, "not.a.user", "password.mismatch"));
    routes.post(
        "/api/v2/users/{id}/password",
        this::setPassword,
        Scope.write(Scopes.USERS),
        Doc.takes(PasswordRequest.class));
    routes.get(
        "/api/v2/users/{id}", this::get, Scope.read(Scopes.USERS), Doc.returns(UserView.class));
    routes.delete("/api/v2/users/{id}", this::delete, Scope.write(Scopes.USERS), Doc.noContent());
  }

  /**
   * The signed-in user of a user's token. A client-credentials token has no user; Genesys answers
   * such a call with 400 {@code not.a.user}, and so do we.
   */
  private void me(Context ctx) {
    Principal p = requireUser(ctx);
    ctx.json(UserView.of(users.get(p.orgId(), p.userId())));
  }

  private void changeMyPassword(Context ctx) {
    Principal p = requireUser(ctx);
    var request = bodies.read(ctx, PasswordRequest.class);
    users.changeOwnPassword(p.orgId(), p.userId(), request.oldPassword(), request.newPassword());
    ctx.status(204);
  }

  private void setPassword(Context ctx) {
    Principal p = Requests.principal(ctx);
    String id = ctx.pathParam("id");
    var request = bodies.read(ctx, PasswordRequest.class);
    users.get(p.orgId(), id);
    roles.requireHoldsUserRoles(p, id, "set the password of a user with");
    users.setPassword(p.orgId(), id, request.newPassword());
    ctx.status(204);
  }

  private static Principal requireUser(Context ctx) {
    Principal p = Requests.principal(ctx);
    if (p.isUser()) return p;
    throw new Problem(
        Problem.Kind.BAD_REQUEST,
        "not.a.user",
        "This request requires a user context. Client credentials cannot be used for requests to"
            + " this resource.",
        Map.of());
  }

  private void delete(Context ctx) {
    String orgId = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    users.delete(orgId, id);
    signOut.accept(orgId, id);
    ctx.status(204);
  }

  private void create(Context ctx) {
    var request = bodies.read(ctx, UserService.NewUser.class);
    User user = users.create(Requests.principal(ctx).orgId(), request);
    ctx.status(201).header("Location", "/api/v2/users/" + user.id()).json(UserView.of(user));
  }

  private void get(Context ctx) {
    ctx.json(UserView.of(users.get(Requests.principal(ctx).orgId(), ctx.pathParam("id"))));
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    String state = state(ctx);
    Set<String> ids = Requests.ids(ctx, "id");
    boolean ascending = SortOrder.of(ctx) == SortOrder.ASCENDING;
    // Switchboard's users have no Jabber ids: a jabberId filter keeps none.
    if (Requests.given(ctx, "jabberId")) {
      ctx.json(Page.of(ctx, page, List.of(), 0));
      return;
    }
    var entities =
        users.list(org, state, ids, ascending, page.offset(), page.pageSize()).stream()
            .map(UserView::of)
            .toList();
    ctx.json(Page.of(ctx, page, entities, users.count(org, state, ids)));
  }

  /**
   * The listing's {@code state}: active when absent, as on Genesys; {@code any} is every state
   * (null). Switchboard's users are active or deleted, so {@code inactive} lists none; a word that
   * is no state is a 400 rather than a silent listing of the active users.
   */
  private static String state(Context ctx) {
    String state = Requests.oneOf(ctx, "state", "active", "active", "inactive", "deleted", "any");
    return state.equals("any") ? null : state;
  }
}

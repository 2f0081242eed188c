package io.switchboard.server.routing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
import io.switchboard.server.identity.Scopes;
import io.switchboard.server.users.UserService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/routing/queues} (CRUD), their members, and {@code
 * /api/v2/users/{id}/routingstatus}, in Genesys's shapes (Queue, QueueMember, RoutingStatus).
 */
public final class RoutingRoutes implements ApiRoutes {
  static final String QUEUES = "/api/v2/routing/queues";

  private final QueueService queues;
  private final Acd acd;
  private final UserService users;
  private final io.switchboard.server.conversations.ConversationStore conversations;
  private final AgentStatusStore statuses;
  private final RequestBodies bodies;

  public RoutingRoutes(
      QueueService queues,
      Acd acd,
      AgentStatusStore statuses,
      UserService users,
      io.switchboard.server.conversations.ConversationStore conversations,
      RequestBodies bodies) {
    this.queues = queues;
    this.acd = acd;
    this.statuses = statuses;
    this.users = users;
    this.conversations = conversations;
    this.bodies = bodies;
  }

  /** Genesys's QueueRequest: the fields used here; the rest (media settings...) are ignored. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record QueueInput(String name, String description) {}

  public record Ref(String id, String name, String selfUri) {}

  /**
   * Every queue and IVR is in the org's one division, as flows are (its real id, not the alias).
   */
  static Ref home(String orgId) {
    var home = io.switchboard.server.identity.Divisions.home(orgId);
    return new Ref(home.id(), home.name(), home.selfUri());
  }

  public record QueueView(
      String id,
      String name,
      String description,
      Ref division,
      Instant dateCreated,
      Instant dateModified,
      int memberCount,
      int userMemberCount,
      int joinedMemberCount,
      String selfUri) {
    static QueueView of(Queue q) {
      return new QueueView(
          q.id(),
          q.name(),
          q.description(),
          home(q.orgId()),
          q.createdAt(),
          q.modifiedAt(),
          q.memberCount(),
          q.memberCount(),
          q.joinedMemberCount(),
          QUEUES + "/" + q.id());
    }
  }

  public record RoutingStatusView(String userId, String status, Instant startTime) {
    static RoutingStatusView of(AgentStatus s) {
      return new RoutingStatusView(s.userId(), s.status(), s.startTime());
    }
  }

  /**
   * Genesys's {@code QueueMember.user}: the parts of a {@code User} a member list knows. No email:
   * that is for readers with the {@code users} scope ({@code GET /api/v2/users/{id}}).
   */
  public record MemberUser(String id, String name, String state, Ref division, String selfUri) {}

  public record MemberView(
      String id,
      String name,
      MemberUser user,
      int ringNumber,
      boolean joined,
      String memberBy,
      RoutingStatusView routingStatus,
      String selfUri) {
    static MemberView of(QueueMember m) {
      return new MemberView(
          m.userId(),
          m.name(),
          new MemberUser(
              m.userId(), m.name(), m.userState(), home(m.orgId()), "/api/v2/users/" + m.userId()),
          1,
          true,
          "user",
          RoutingStatusView.of(m.status()),
          QUEUES + "/" + m.queueId() + "/members/" + m.userId());
    }
  }

  /** {@code PUT .../routingstatus}: {@code startTime} is the server's. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StatusInput(String status) {}

  /** An item of {@code POST .../members}: read by hand (a bad item is named by its index). */
  public record MemberId(String id) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        QUEUES,
        this::list,
        Scope.read(Scopes.ROUTING),
        Doc.page(QueueView.class)
            .query(
                "name", "Only queues whose name contains this (leading and trailing * are ignored)")
            .query(
                "id",
                "Only these queues, repeated or comma-joined, at most "
                    + Requests.MAX_IDS
                    + "; an id of another org matches none")
            .query("sortOrder", "By name: ascending (default) or descending")
            .query("divisionId", Doc.HOME_DIVISION_FILTER)
            .query("hasPeer", "true: none (no queue here has a peer); false: every queue")
            .query("peerId", "Any value: none"));
    routes.post(
        QUEUES,
        this::create,
        Scope.write(Scopes.ROUTING),
        Doc.of(QueueInput.class, QueueView.class).error(409, "queue.name.taken"));
    routes.get(
        QUEUES + "/{id}", this::get, Scope.read(Scopes.ROUTING), Doc.returns(QueueView.class));
    routes.put(
        QUEUES + "/{id}",
        this::update,
        Scope.write(Scopes.ROUTING),
        Doc.of(QueueInput.class, QueueView.class).error(409, "queue.name.taken", "queue.in.use"));
    routes.delete(
        QUEUES + "/{id}",
        this::delete,
        Scope.write(Scopes.ROUTING),
        Doc.noContent().error(409, "queue.in.use", "queue.has.calls"));
    routes.get(
        QUEUES + "/{id}/members",
        this::members,
        Scope.read(Scopes.ROUTING),
        Doc.page(MemberView.class)
            .query("name", "Only members whose name contains this (case-insensitive)")
            .query("routingStatus", "Only members in these routing statuses (repeated or joined)")
            .query("joined", "false: none (every member here has joined)")
            .query("memberBy", "user or group (group: none; members here are users)")
            .query("presence", "Any value: none (Switchboard keeps no presence)")
            .query("skills", "Any value: none (Switchboard keeps no skills)")
            .query("profileSkills", "Any value: none")
            .query("languages", "Any value: none")
            .query("sortOrder", "By name: ascending (default) or descending"));
    routes.post(
        QUEUES + "/{id}/members",
        this::changeMembers,
        Scope.write(Scopes.ROUTING),
        Doc.takes(Doc.listOf(MemberId.class))
            .query("delete", "true: remove the listed members instead of adding them"));
    routes.delete(
        QUEUES + "/{id}/members/{memberId}",
        this::removeMember,
        Scope.write(Scopes.ROUTING),
        Doc.noContent());
    routes.get(
        "/api/v2/users/{id}/routingstatus",
        this::status,
        Scope.read(Scopes.ROUTING),
        Doc.returns(RoutingStatusView.class));
    // A signed-in agent sets its own status with routing:readonly (the agent role); anyone else's
    // needs routing (checked in setStatus).
    routes.put(
        "/api/v2/users/{id}/routingstatus",
        this::setStatus,
        Scope.read(Scopes.ROUTING),
        Doc.of(StatusInput.class, RoutingStatusView.class).error(409, "routing.agent.on.call"));
  }

  private static String org(Context ctx) {
    return Requests.principal(ctx).orgId();
  }

  private void list(Context ctx) {
    var page = Page.Request.of(ctx);
    String name = Requests.contains(ctx, "name");
    Set<String> ids = Requests.ids(ctx, "id");
    boolean ascending = SortOrder.of(ctx) == SortOrder.ASCENDING;
    // No queue of Switchboard's has a peer (a queue of a peered org): hasPeer=true or a peerId
    // keeps none.
    boolean peered =
        Boolean.TRUE.equals(Requests.bool(ctx, "hasPeer")) || Requests.given(ctx, "peerId");
    if (peered || Requests.outsideHomeDivision(ctx, "divisionId", org(ctx))) {
      ctx.json(Page.of(ctx, page, List.of(), 0));
      return;
    }
    var entities =
        queues.list(org(ctx), name, ids, ascending, page.offset(), page.pageSize()).stream()
            .map(QueueView::of)
            .toList();
    ctx.json(Page.of(ctx, page, entities, queues.count(org(ctx), name, ids)));
  }

  private void create(Context ctx) {
    var in = bodies.read(ctx, QueueInput.class);
    Queue q = queues.create(org(ctx), in.name(), in.description());
    ctx.status(200).header("Location", QUEUES + "/" + q.id()).json(QueueView.of(q));
  }

  private void get(Context ctx) {
    ctx.json(QueueView.of(queues.get(org(ctx), ctx.pathParam("id"))));
  }

  private void update(Context ctx) {
    var in = bodies.read(ctx, QueueInput.class);
    ctx.json(
        QueueView.of(queues.update(org(ctx), ctx.pathParam("id"), in.name(), in.description())));
  }

  private void delete(Context ctx) {
    queues.delete(org(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void members(Context ctx) {
    var page = Page.Request.of(ctx);
    String id = ctx.pathParam("id");
    var filter = memberFilter(ctx);
    var entities =
        queues.members(org(ctx), id, filter, page.offset(), page.pageSize()).stream()
            .map(MemberView::of)
            .toList();
    ctx.json(Page.of(ctx, page, entities, queues.countMembers(org(ctx), id, filter)));
  }

  /**
   * The members listing's filters as Genesys declares them. Members here are users who joined, with
   * no skills, languages or presence of Switchboard's: a filter on a group ({@code
   * memberBy=group}), on members not joined, or on any of those lists keeps none, rather than being
   * ignored and answering every member.
   */
  private static QueueStore.MemberFilter memberFilter(Context ctx) {
    Set<String> statuses = Requests.anyOf(ctx, "routingStatus", AgentStatus.ALL);
    boolean none =
        Requests.oneOf(ctx, "memberBy", "user", "user", "group").equals("group")
            || Boolean.FALSE.equals(Requests.bool(ctx, "joined"))
            || Requests.given(ctx, "presence")
            || Requests.given(ctx, "skills")
            || Requests.given(ctx, "profileSkills")
            || Requests.given(ctx, "languages");
    return new QueueStore.MemberFilter(
        Requests.contains(ctx, "name"),
        statuses.isEmpty() ? null : statuses,
        none,
        SortOrder.of(ctx) == SortOrder.ASCENDING);
  }

  /** Genesys: a body {@code [{"id": userId}, ...]}; {@code ?delete=true} removes them instead. */
  private void changeMembers(Context ctx) {
    JsonNode body = bodies.readTree(ctx, java.util.Set.of(RequestBodies.JSON));
    if (body == null || !body.isArray())
      throw Problem.invalid("body", "must be an array of members: [{\"id\": \"<userId>\"}]");
    var ids = new ArrayList<String>();
    for (int i = 0; i < body.size(); i++) {
      JsonNode m = body.get(i);
      JsonNode id = m == null || !m.isObject() ? null : m.get("id");
      if (id == null || !id.isString())
        throw Problem.invalid("[" + i + "].id", "is required (a user id)");
      ids.add(id.asString());
    }
    boolean remove = Boolean.TRUE.equals(Requests.bool(ctx, "delete"));
    queues.changeMembers(org(ctx), ctx.pathParam("id"), ids, remove);
    // A new member may be IDLE already: offer them the queue's waiting calls.
    if (!remove) acd.dispatch(org(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void removeMember(Context ctx) {
    queues.removeMember(org(ctx), ctx.pathParam("id"), ctx.pathParam("memberId"));
    ctx.status(204);
  }

  private void status(Context ctx) {
    String user = users.get(org(ctx), ctx.pathParam("id")).id();
    ctx.json(RoutingStatusView.of(statuses.find(user).orElseGet(() -> AgentStatus.offQueue(user))));
  }

  /**
   * An agent sets IDLE or OFF_QUEUE; the other statuses follow from calls (400). IDLE while still
   * on a live call is 409 {@code routing.agent.on.call}.
   */
  private void setStatus(Context ctx) {
    String org = org(ctx);
    var principal = Requests.principal(ctx);
    if (!principal.hasScope(Scopes.ROUTING) && !ctx.pathParam("id").equals(principal.userId()))
      throw new Problem(
          Problem.Kind.FORBIDDEN,
          "missing.scope",
          "Setting another user's routing status needs the scope "
              + Scopes.ROUTING
              + "; a signed-in user may set its own",
          Map.of("scope", Scopes.ROUTING));
    String user = users.get(org, ctx.pathParam("id")).id();
    var in = bodies.read(ctx, StatusInput.class);
    String status = in.status();
    if (status == null || !AgentStatus.ALL.contains(status))
      throw Problem.invalid(
          "status", "must be one of " + List.copyOf(new java.util.TreeSet<>(AgentStatus.ALL)));
    if (!AgentStatus.SETTABLE.contains(status))
      throw Problem.invalid(
          "status", status + " follows from calls; an agent sets IDLE or OFF_QUEUE");
    if (status.equals(AgentStatus.IDLE) && conversations.hasLiveAgentCall(org, user)) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "routing.agent.on.call",
          "User " + user + " is on a live call; IDLE is set when it ends (wrap-up) or after it",
          Map.of("userId", user));
    }
    ctx.json(RoutingStatusView.of(acd.setStatus(org, user, status)));
  }
}

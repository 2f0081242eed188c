package io.switchboard.server.routing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.conversations.ConversationService;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.FlowExecution;
import io.switchboard.server.flows.FlowExecutions;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.ETags;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.SortOrder;
import io.switchboard.server.identity.Scopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v2/architect/ivrs} (Genesys's IVR shape) and {@code GET
 * /api/v2/conversations/{id}/flowexecutions} (the flow executions a call ran, with their routing
 * result).
 */
public final class IvrRoutes implements ApiRoutes {
  static final String IVRS = "/api/v2/architect/ivrs";

  private final IvrService ivrs;
  private final CallStore calls;
  private final FlowExecutions executions;
  private final ConversationService conversations;
  private final RequestBodies bodies;

  public IvrRoutes(
      IvrService ivrs,
      CallStore calls,
      FlowExecutions executions,
      ConversationService conversations,
      RequestBodies bodies) {
    this.ivrs = ivrs;
    this.calls = calls;
    this.executions = executions;
    this.conversations = conversations;
    this.bodies = bodies;
  }

  /** Genesys's IVR as sent: read-only and unsupported fields are ignored. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IvrInput(
      String name,
      String description,
      List<String> dnis,
      IvrService.FlowRef openHoursFlow,
      Long version) {}

  public record Ref(String id, String name, String selfUri) {}

  public record IvrView(
      String id,
      String name,
      String description,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String state,
      List<String> dnis,
      Ref openHoursFlow,
      RoutingRoutes.Ref division,
      String selfUri) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RoutingView(
      String result, Ref ivr, Ref queue, Ref agent, Ref session, String detail) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CallExecutionView(
      String id,
      String name,
      String flowId,
      Ref flowVersion,
      String status,
      String outcome,
      String completionReason,
      Instant dateLaunched,
      Instant dateCompleted,
      RoutingView routing,
      String selfUri) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        IVRS,
        this::list,
        Scope.read(Scopes.ARCHITECT),
        Doc.page(IvrView.class)
            .query("name", "Only the IVR with this name (case-insensitive)")
            .query("dnis", "Only the IVR answering this number (as written in the IVR)")
            .query("sortBy", "name (the default and only order)")
            .query("sortOrder", "ASC (default) or DESC")
            .query("scheduleGroup", "Any value: none (Switchboard has no schedule groups)")
            .error(400, "invalid.value"));
    routes.post(
        IVRS,
        this::create,
        Scope.write(Scopes.ARCHITECT),
        Doc.of(IvrInput.class, IvrView.class).error(409, "ivr.name.taken", "ivr.dnis.taken"));
    routes.get(IVRS + "/{id}", this::get, Scope.read(Scopes.ARCHITECT), Doc.returns(IvrView.class));
    routes.put(
        IVRS + "/{id}",
        this::update,
        Scope.write(Scopes.ARCHITECT),
        Doc.of(IvrInput.class, IvrView.class)
            .error(409, "ivr.name.taken", "ivr.dnis.taken", "version.mismatch"));
    routes.delete(IVRS + "/{id}", this::delete, Scope.write(Scopes.ARCHITECT), Doc.noContent());
    routes.get(
        "/api/v2/conversations/{id}/flowexecutions",
        this::callExecutions,
        Scope.read(Scopes.CONVERSATIONS),
        Doc.returns(Doc.pageOf(CallExecutionView.class)));
  }

  private static String org(Context ctx) {
    return Requests.principal(ctx).orgId();
  }

  private IvrView view(Ivr i) {
    return new IvrView(
        i.id(),
        i.name(),
        i.description(),
        i.version(),
        i.createdAt(),
        i.modifiedAt(),
        "active",
        i.dnis(),
        new Ref(i.flowId(), ivrs.flowName(i.orgId(), i.flowId()), "/api/v2/flows/" + i.flowId()),
        RoutingRoutes.home(i.orgId()),
        IVRS + "/" + i.id());
  }

  private static IvrService.Input input(IvrInput in, Long version) {
    return new IvrService.Input(
        in.name(), in.description(), in.dnis(), in.openHoursFlow(), version);
  }

  private void list(Context ctx) {
    var page = Page.Request.of(ctx);
    String name = ctx.queryParam("name");
    // A number as written in the IVR (Genesys's filter is an exact DNIS, too).
    String dnis = Requests.spaceWasPlus(ctx.queryParam("dnis"));
    Requests.oneOf(ctx, "sortBy", "name", "name"); // the only order there is
    boolean ascending = SortOrder.of(ctx) == SortOrder.ASCENDING;
    // Switchboard has no schedule groups: a filter on one keeps none.
    if (Requests.given(ctx, "scheduleGroup")) {
      ctx.json(Page.of(ctx, page, List.of(), 0));
      return;
    }
    var entities =
        ivrs.list(org(ctx), name, dnis, ascending, page.offset(), page.pageSize()).stream()
            .map(this::view)
            .toList();
    ctx.json(Page.of(ctx, page, entities, ivrs.count(org(ctx), name, dnis)));
  }

  private void create(Context ctx) {
    IvrInput in = bodies.read(ctx, IvrInput.class);
    Ivr i = ivrs.create(org(ctx), input(in, in.version()));
    write(ctx.status(200).header("Location", IVRS + "/" + i.id()), i);
  }

  private void get(Context ctx) {
    write(ctx, ivrs.get(org(ctx), ctx.pathParam("id")));
  }

  /** The version to replace: {@code If-Match} or the body's {@code version}. */
  private void update(Context ctx) {
    IvrInput in = bodies.read(ctx, IvrInput.class);
    Long expected = Conditional.expectedVersionOrNull(ctx, in.version());
    write(ctx, ivrs.update(org(ctx), ctx.pathParam("id"), input(in, expected)));
  }

  /** An IVR with its version as the {@code ETag}, the tag a later {@code If-Match} names. */
  private void write(Context ctx, Ivr i) {
    ctx.header(ETags.HEADER, Conditional.strong(i.version())).json(view(i));
  }

  private void delete(Context ctx) {
    ivrs.delete(org(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void callExecutions(Context ctx) {
    String org = org(ctx);
    String id = ctx.pathParam("id");
    if (conversations.find(org, id).isEmpty()) throw Problem.notFound("Conversation", id);
    var out = new ArrayList<CallExecutionView>();
    for (CallStore.CallExecution c : calls.executions(org, id)) {
      FlowExecution e;
      try {
        e = executions.get(org, c.executionId());
      } catch (Problem pruned) {
        continue;
      }
      var v = executions.version(org, e.flowVersionId()).orElse(null);
      out.add(
          new CallExecutionView(
              e.id(),
              e.name(),
              e.flowId(),
              new Ref(e.flowVersionId(), v == null ? null : v.seq() + ".0", null),
              e.status(),
              e.outcome(),
              e.completionReason(),
              e.launchedAt(),
              e.completedAt(),
              new RoutingView(
                  c.result(),
                  c.ivrId() == null ? null : new Ref(c.ivrId(), null, IVRS + "/" + c.ivrId()),
                  c.queueName() == null && c.queueId() == null
                      ? null
                      : new Ref(
                          c.queueId(),
                          c.queueName(),
                          c.queueId() == null ? null : RoutingRoutes.QUEUES + "/" + c.queueId()),
                  c.agentId() == null
                      ? null
                      : new Ref(c.agentId(), null, "/api/v2/users/" + c.agentId()),
                  c.sessionId() == null
                      ? null
                      : new Ref(
                          c.sessionId(), null, "/api/v2/agent-scripting/sessions/" + c.sessionId()),
                  c.detail()),
              "/api/v2/flows/executions/" + e.id()));
    }
    // A call runs few flows: one page holds them all, in Genesys's page shape.
    ctx.json(Page.of(ctx, new Page.Request(Math.max(out.size(), 1), 1), out, out.size()));
  }
}

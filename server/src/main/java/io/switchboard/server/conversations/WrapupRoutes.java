package io.switchboard.server.conversations;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.identity.Scopes;

/**
 * The wrap-up endpoints, all backed by {@link WrapupService}. Recording ones are idempotent by key.
 */
public final class WrapupRoutes implements ApiRoutes {
  private final WrapupService wrapups;
  private final RequestBodies bodies;
  private final Idempotency idempotency;

  public WrapupRoutes(WrapupService wrapups, RequestBodies bodies, Idempotency idempotency) {
    this.wrapups = wrapups;
    this.bodies = bodies;
    this.idempotency = idempotency;
  }

  /**
   * The seed's scripting wrap-up: the interaction (conversation) and who wraps up, by participant
   * or agent.
   */
  public record InteractionWrapup(
      String participantId,
      String agentId,
      String code,
      String notes,
      java.util.List<String> tags,
      Integer durationSeconds) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(
        "/api/v2/conversations/calls/{cid}/participants/{pid}/communications/{commId}/wrapup",
        idempotency.wrap(this::recordForCommunication),
        Scope.write(Scopes.CONVERSATIONS),
        Doc.takes(WrapupService.WrapupInput.class)
            .accepted()
            .idempotent()
            .error(409, "conversation.not.disconnected", "wrapup.window.closed"));
    routes.get(
        "/api/v2/conversations/{cid}/participants/{pid}/wrapup",
        this::get,
        Scope.read(Scopes.CONVERSATIONS),
        Doc.returns(ConversationViews.AssignedWrapupView.class).or(204, Doc.NONE));
    routes.get(
        "/api/v2/conversations/calls/{cid}/participants/{pid}/wrapup",
        this::get,
        Scope.read(Scopes.CONVERSATIONS),
        Doc.returns(ConversationViews.AssignedWrapupView.class).or(204, Doc.NONE));
    routes.post(
        "/api/v2/integrations/scripting/interactions/{interactionId}/wrapup",
        idempotency.wrap(this::recordForInteraction),
        Scope.write(Scopes.CONVERSATIONS),
        Doc.takes(InteractionWrapup.class)
            .accepted()
            .idempotent()
            .error(409, "conversation.not.disconnected", "wrapup.window.closed"));
  }

  private void recordForCommunication(Context ctx) {
    var input = bodies.read(ctx, WrapupService.WrapupInput.class);
    wrapups.record(
        Requests.principal(ctx).orgId(),
        ctx.pathParam("cid"),
        ctx.pathParam("pid"),
        ctx.pathParam("commId"),
        input);
    ctx.status(202);
  }

  private void recordForInteraction(Context ctx) {
    var body = bodies.read(ctx, InteractionWrapup.class);
    var input =
        new WrapupService.WrapupInput(
            body.code(), body.notes(), body.tags(), body.durationSeconds());
    wrapups.recordForInteraction(
        Requests.principal(ctx).orgId(),
        ctx.pathParam("interactionId"),
        body.participantId(),
        body.agentId(),
        input);
    ctx.status(202);
  }

  /** 200 with the AssignedWrapupCode, or 204 while the participant (which exists) has none yet. */
  private void get(Context ctx) {
    var wrapup =
        wrapups.get(Requests.principal(ctx).orgId(), ctx.pathParam("cid"), ctx.pathParam("pid"));
    if (wrapup.isEmpty()) {
      ctx.status(204);
      return;
    }
    ctx.json(ConversationViews.AssignedWrapupView.of(wrapup.get()));
  }
}

package io.switchboard.server.conversations;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.identity.Scopes;

/** Call conversations: create (idempotent), read, participant PATCH, disconnect. */
public final class ConversationRoutes implements ApiRoutes {
  private final ConversationService conversations;
  private final RequestBodies bodies;
  private final Idempotency idempotency;
  private final InboundCallRouter router;

  public ConversationRoutes(
      ConversationService conversations, RequestBodies bodies, Idempotency idempotency) {
    this(conversations, bodies, idempotency, InboundCallRouter.NONE);
  }

  /** {@code router}: calls without an agent to a routed number (an IVR's DNIS) go there. */
  public ConversationRoutes(
      ConversationService conversations,
      RequestBodies bodies,
      Idempotency idempotency,
      InboundCallRouter router) {
    this.conversations = conversations;
    this.bodies = bodies;
    this.idempotency = idempotency;
    this.router = router;
  }

  /** The Genesys MediaParticipantRequest, reduced to what a call here can change. */
  public record ParticipantPatch(String state, WrapupService.WrapupInput wrapup) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(
        "/api/v2/conversations/calls",
        idempotency.wrap(this::createCall),
        Scope.write(Scopes.CONVERSATIONS));
    routes.get("/api/v2/conversations/calls/{id}", this::get, Scope.read(Scopes.CONVERSATIONS));
    routes.get("/api/v2/conversations/{id}", this::get, Scope.read(Scopes.CONVERSATIONS));
    routes.patch(
        "/api/v2/conversations/{cid}/participants/{pid}",
        this::patchParticipant,
        Scope.write(Scopes.CONVERSATIONS));
    routes.post(
        "/api/v2/conversations/{id}/disconnect",
        this::disconnect,
        Scope.write(Scopes.CONVERSATIONS));
  }

  private void createCall(Context ctx) {
    var call = bodies.read(ctx, ConversationService.NewCall.class);
    String org = Requests.principal(ctx).orgId();
    Conversation c =
        call.agentId() != null
            ? conversations.createCall(org, call)
            : router.route(org, call).orElseGet(() -> conversations.createCall(org, call));
    ctx.status(201)
        .header("Location", "/api/v2/conversations/" + c.id())
        .json(ConversationViews.ConversationView.of(c));
  }

  private void get(Context ctx) {
    ctx.json(
        ConversationViews.ConversationView.of(
            conversations.get(Requests.principal(ctx).orgId(), ctx.pathParam("id"))));
  }

  /** 202 and no body, as Genesys answers; the change is committed before the 202 is sent. */
  private void patchParticipant(Context ctx) {
    var patch =
        bodies.readTree(ctx, java.util.Set.of(RequestBodies.JSON, RequestBodies.MERGE_PATCH));
    var change = bodies.bind(patch, ParticipantPatch.class);
    conversations.changeParticipant(
        Requests.principal(ctx).orgId(),
        ctx.pathParam("cid"),
        ctx.pathParam("pid"),
        change.state(),
        change.wrapup());
    ctx.status(202);
  }

  private void disconnect(Context ctx) {
    conversations.disconnect(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    ctx.status(202);
  }
}

package io.switchboard.server.conversations;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.idempotency.Idempotency;
import io.switchboard.server.identity.Scopes;

/**
 * Call conversations: create (idempotent), read, participant PATCH, disconnect. {@code POST
 * /conversations/calls} takes two forms: ours (an inbound call {@code from} a customer {@code to} a
 * number, with an optional agent) and Genesys's CreateCallRequest (an outbound call an agent places
 * to {@code phoneNumber}).
 */
public final class ConversationRoutes implements ApiRoutes {
  private final ConversationService conversations;
  private final RequestBodies bodies;
  private final Idempotency idempotency;
  private final InboundCallRouter router;
  private final KnownQueues queues;

  public ConversationRoutes(
      ConversationService conversations, RequestBodies bodies, Idempotency idempotency) {
    this(conversations, bodies, idempotency, InboundCallRouter.NONE, KnownQueues.NONE);
  }

  /**
   * {@code router}: calls without an agent to a routed number (an IVR's DNIS) go there; {@code
   * queues}: the queues an outbound call may be placed on behalf of ({@code callFromQueueId}).
   */
  public ConversationRoutes(
      ConversationService conversations,
      RequestBodies bodies,
      Idempotency idempotency,
      InboundCallRouter router,
      KnownQueues queues) {
    this.conversations = conversations;
    this.bodies = bodies;
    this.idempotency = idempotency;
    this.router = router;
    this.queues = queues;
  }

  /**
   * Both forms of {@code POST /conversations/calls}. Ours: {@code from}, {@code to}, {@code
   * agentId}, {@code attributes}. Genesys's CreateCallRequest: {@code phoneNumber} (required),
   * {@code callerId}, {@code callerIdName}, {@code callFromQueueId}, {@code callUserId}; the
   * destinations other than a phone number ({@code callQueueId}, {@code participants}, {@code
   * conversationIds}) are refused. Genesys's other fields are ignored.
   */
  public record CallRequest(
      String from,
      String to,
      String agentId,
      java.util.Map<String, String> attributes,
      String phoneNumber,
      String callerId,
      String callerIdName,
      String callFromQueueId,
      String callQueueId,
      String callUserId,
      java.util.List<String> conversationIds,
      java.util.List<tools.jackson.databind.JsonNode> participants) {
    boolean outbound() {
      return phoneNumber != null;
    }
  }

  /** The Genesys MediaParticipantRequest, reduced to what a call here can change. */
  public record ParticipantPatch(String state, WrapupService.WrapupInput wrapup) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post(
        "/api/v2/conversations/calls",
        idempotency.wrap(this::createCall),
        Scope.write(Scopes.CONVERSATIONS),
        Doc.of(CallRequest.class, ConversationViews.ConversationView.class)
            .created()
            .or(200, ConversationViews.CreateCallView.class)
            .idempotent()
            .error(409, "ivr.flow.not.published"));
    routes.get(
        "/api/v2/conversations/calls/{id}",
        this::getCall,
        Scope.read(Scopes.CONVERSATIONS),
        Doc.returns(ConversationViews.CallConversationView.class));
    routes.get(
        "/api/v2/conversations/{id}",
        this::get,
        Scope.read(Scopes.CONVERSATIONS),
        Doc.returns(ConversationViews.ConversationView.class));
    routes.patch(
        "/api/v2/conversations/{cid}/participants/{pid}",
        this::patchParticipant,
        Scope.write(Scopes.CONVERSATIONS),
        Doc.takes(ParticipantPatch.class)
            .accepted()
            .consumes(RequestBodies.JSON, RequestBodies.MERGE_PATCH)
            .error(
                409,
                "participant.state.invalid",
                "conversation.not.disconnected",
                "wrapup.window.closed"));
    routes.patch(
        "/api/v2/conversations/calls/{cid}/participants/{pid}",
        this::patchParticipant,
        Scope.write(Scopes.CONVERSATIONS),
        Doc.takes(ParticipantPatch.class)
            .accepted()
            .consumes(RequestBodies.JSON, RequestBodies.MERGE_PATCH)
            .error(
                409,
                "participant.state.invalid",
                "conversation.not.disconnected",
                "wrapup.window.closed"));
    routes.post(
        "/api/v2/conversations/{id}/disconnect",
        this::disconnect,
        Scope.write(Scopes.CONVERSATIONS),
        Doc.noContent().accepted());
  }

  private void createCall(Context ctx) {
    var body = bodies.read(ctx, CallRequest.class);
    var principal = Requests.principal(ctx);
    String org = principal.orgId();
    if (body.outbound()) {
      Conversation c = conversations.placeCall(org, outbound(principal, body));
      ctx.status(200)
          .header("Location", "/api/v2/conversations/calls/" + c.id())
          .json(ConversationViews.CreateCallView.of(c));
      return;
    }
    var call =
        new ConversationService.NewCall(body.from(), body.to(), body.agentId(), body.attributes());
    Conversation c =
        call.agentId() != null
            ? conversations.createCall(org, call)
            : router.route(org, call).orElseGet(() -> conversations.createCall(org, call));
    ctx.status(201)
        .header("Location", "/api/v2/conversations/" + c.id())
        .json(ConversationViews.ConversationView.of(c));
  }

  /**
   * The outbound call of a CreateCallRequest. A user's token places the user's own call; a
   * client-credentials token speaks for no user, so {@code callUserId} (or our {@code agentId})
   * names the agent.
   */
  private ConversationService.OutboundCall outbound(
      io.switchboard.server.identity.Principal principal, CallRequest body) {
    String org = principal.orgId();
    if (body.from() != null || body.to() != null)
      throw Problem.invalid(
          "phoneNumber", "give phoneNumber (an outbound call) or from and to (an inbound call)");
    if (body.callQueueId() != null)
      throw Problem.invalid("callQueueId", "calling a queue is not supported; give phoneNumber");
    if (body.participants() != null && !body.participants().isEmpty())
      throw Problem.invalid("participants", "conference calls are not supported");
    if (body.conversationIds() != null && !body.conversationIds().isEmpty())
      throw Problem.invalid("conversationIds", "merging conversations is not supported");
    if (body.callUserId() != null
        && body.agentId() != null
        && !body.callUserId().equals(body.agentId()))
      throw Problem.invalid("callUserId", "names another agent than agentId");
    String agent = body.callUserId() != null ? body.callUserId() : body.agentId();
    if (principal.isUser()) {
      if (agent != null && !agent.equals(principal.userId()))
        throw Problem.invalid(
            body.callUserId() != null ? "callUserId" : "agentId",
            "a user's token places the user's own calls; calling another user is not supported");
      agent = principal.userId();
    }
    String queue = Checks.optionalText("callFromQueueId", body.callFromQueueId(), 36);
    if (queue != null && !queues.exists(org, queue))
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "callFromQueueId: " + queue + " is not a queue of this organization",
          java.util.Map.of("field", "callFromQueueId"));
    return new ConversationService.OutboundCall(
        body.phoneNumber(), body.callerId(), agent, queue, body.attributes());
  }

  private void getCall(Context ctx) {
    ctx.json(
        ConversationViews.CallConversationView.of(
            conversations.get(Requests.principal(ctx).orgId(), ctx.pathParam("id"))));
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

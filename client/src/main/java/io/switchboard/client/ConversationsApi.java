package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v2/conversations}: calls, participants, disconnect and wrap-ups (scope {@code
 * conversations}). Creating a call and recording a wrap-up carry an {@code Idempotency-Key}, so the
 * client retries them safely: a wrap-up sent twice is recorded once.
 */
public final class ConversationsApi {
  private static final String BASE = "/api/v2/conversations";

  private final SwitchboardClient client;

  ConversationsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A conversation in the Genesys shape.
   *
   * @param id the conversation id (also the scripting interaction id)
   * @param startTime when it started
   * @param endTime when it ended, or null
   * @param address the dialled address
   * @param state alerting, connected, disconnected or terminated
   * @param participants the customer and, if any, the agent
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Conversation(
      String id,
      Instant startTime,
      Instant endTime,
      String address,
      String state,
      List<Participant> participants,
      String selfUri) {
    /**
     * The first participant with this purpose ({@code customer}, {@code agent}).
     *
     * @param purpose {@code customer} or {@code agent}
     * @return the participant, or empty
     */
    public Optional<Participant> participant(String purpose) {
      return participants == null
          ? Optional.empty()
          : participants.stream().filter(p -> purpose.equals(p.purpose())).findFirst();
    }
  }

  /**
   * A participant.
   *
   * @param id the participant id
   * @param name its name
   * @param address its address
   * @param startTime when it joined
   * @param connectedTime when it connected
   * @param endTime when it left
   * @param purpose customer or agent
   * @param state its state
   * @param userId the agent's user id
   * @param userUri the agent's path
   * @param wrapupRequired true for agents
   * @param wrapup the recorded wrap-up, or null
   * @param attributes the participant's attributes
   * @param calls its call communications
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Participant(
      String id,
      String name,
      String address,
      Instant startTime,
      Instant connectedTime,
      Instant endTime,
      String purpose,
      String state,
      String userId,
      String userUri,
      Boolean wrapupRequired,
      Wrapup wrapup,
      Map<String, String> attributes,
      List<Call> calls) {}

  /**
   * A call communication.
   *
   * @param id the communication id
   * @param state its state
   * @param direction inbound or outbound
   * @param connectedTime when it connected
   * @param disconnectedTime when it ended
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Call(
      String id, String state, String direction, Instant connectedTime, Instant disconnectedTime) {}

  /**
   * A recorded wrap-up.
   *
   * @param code the wrap-up code's id
   * @param name the code's name when recorded
   * @param notes the agent's notes
   * @param tags tags
   * @param durationSeconds time spent wrapping up
   * @param endTime when it was recorded
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Wrapup(
      String code,
      String name,
      String notes,
      List<String> tags,
      Integer durationSeconds,
      Instant endTime) {}

  /**
   * What records a wrap-up.
   *
   * @param code a wrap-up code id of the org
   * @param notes optional notes
   * @param tags optional tags
   * @param durationSeconds optional
   */
  public record WrapupInput(
      String code, String notes, List<String> tags, Integer durationSeconds) {}

  /**
   * What creates a call.
   *
   * @param from the caller's address
   * @param to the dialled address
   * @param agentId an agent to put on the call, optional
   * @param attributes participant attributes, optional
   */
  public record NewCall(String from, String to, String agentId, Map<String, String> attributes) {}

  /**
   * Creates a call conversation (with an idempotency key, so retried safely).
   *
   * @param call the call
   * @return the new conversation
   */
  public Conversation createCall(NewCall call) {
    return createCall(call, SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #createCall(NewCall)} with the caller's {@code Idempotency-Key}.
   *
   * @param call the call
   * @param idempotencyKey the {@code Idempotency-Key}; a repeat with the same key is applied once
   * @return the new conversation
   */
  public Conversation createCall(NewCall call, String idempotencyKey) {
    java.util.Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return client.call(
        ApiRequest.post(BASE + "/calls", call).idempotencyKey(idempotencyKey), Conversation.class);
  }

  /**
   * An outbound call (Genesys's CreateCallRequest, the fields Switchboard uses): the agent calls a
   * phone number.
   *
   * @param phoneNumber the number to call (required)
   * @param callerId the number the callee sees, or null
   * @param callerIdName the name the callee sees, or null
   * @param callFromQueueId the queue the call is placed for, or null
   * @param callUserId the agent placing it (a client-credentials token speaks for no user)
   * @param attributes participant attributes, or null
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record OutboundCall(
      String phoneNumber,
      String callerId,
      String callerIdName,
      String callFromQueueId,
      String callUserId,
      Map<String, String> attributes) {
    /**
     * An agent's call to a number, with no caller id, queue or attributes.
     *
     * @param phoneNumber the number to call
     * @param agentId the agent placing it
     * @return the request
     */
    public static OutboundCall of(String phoneNumber, String agentId) {
      return new OutboundCall(phoneNumber, null, null, null, agentId, null);
    }
  }

  /**
   * What placing a call answers (Genesys's CreateCallResponse).
   *
   * @param id the new conversation's id
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CreatedCall(String id, String selfUri) {}

  /**
   * A reference to another entity.
   *
   * @param id its id
   * @param name its name, when the server gives it
   * @param selfUri its path, when the server gives it
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ref(String id, String name, String selfUri) {}

  /**
   * Where a call's flow sent it.
   *
   * @param result {@code running}, {@code queued}, {@code connected}, {@code abandoned}, {@code
   *     disconnected}, {@code unknownQueue} or {@code failed}
   * @param ivr the IVR the call arrived on, or null
   * @param queue the queue it was sent to, or null
   * @param agent the agent it reached, or null
   * @param session the screen-pop script session, or null
   * @param detail why, when something went wrong, or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CallRouting(
      String result, Ref ivr, Ref queue, Ref agent, Ref session, String detail) {}

  /**
   * A flow execution a call ran, with where it sent the call.
   *
   * @param id the execution's id (see {@link FlowsApi#execution})
   * @param name its name
   * @param flowId the flow
   * @param flowVersion the version it ran
   * @param status {@code RUNNING}, {@code COMPLETED} or {@code ERROR}
   * @param outcome Switchboard's outcome code, or null while running
   * @param completionReason why it ended, or null
   * @param dateLaunched when it started
   * @param dateCompleted when it ended, or null
   * @param routing where the call went
   * @param selfUri the execution's path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CallFlowExecution(
      String id,
      String name,
      String flowId,
      Ref flowVersion,
      String status,
      String outcome,
      String completionReason,
      Instant dateLaunched,
      Instant dateCompleted,
      CallRouting routing,
      String selfUri) {}

  /**
   * Places an outbound call (with an idempotency key, so retried safely).
   *
   * @param call the number and the agent
   * @return the new conversation's id
   */
  public CreatedCall placeCall(OutboundCall call) {
    return placeCall(call, SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #placeCall(OutboundCall)} with the caller's {@code Idempotency-Key}.
   *
   * @param call the number and the agent
   * @param idempotencyKey the key; a repeat with the same key places no second call
   * @return the new conversation's id
   */
  public CreatedCall placeCall(OutboundCall call, String idempotencyKey) {
    java.util.Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return client.call(
        ApiRequest.post(BASE + "/calls", call).idempotencyKey(idempotencyKey), CreatedCall.class);
  }

  /**
   * The flow executions a call ran (IVR flows), each with where it sent the call.
   *
   * @param conversationId the conversation ({@link ApiException.NotFoundException} if not in this
   *     org)
   * @return the executions, oldest first
   */
  public List<CallFlowExecution> flowExecutions(String conversationId) {
    return client
        .callPage(
            ApiRequest.get(BASE + "/" + Paths.segment(conversationId) + "/flowexecutions"),
            CallFlowExecution.class)
        .entities();
  }

  /**
   * One conversation.
   *
   * @param id the conversation's id
   * @return the conversation ({@link ApiException.NotFoundException} if not in this org)
   */
  public Conversation get(String id) {
    return client.call(ApiRequest.get(BASE + "/" + Paths.segment(id)), Conversation.class);
  }

  /**
   * Disconnects the conversation; committed before this returns. Not retried.
   *
   * @param id the conversation's id
   */
  public void disconnect(String id) {
    client.send(ApiRequest.post(BASE + "/" + Paths.segment(id) + "/disconnect", null));
  }

  /**
   * Changes a participant's state and/or records its wrap-up. Not retried.
   *
   * @param conversationId the conversation
   * @param participantId the participant
   * @param state the participant's new state, or null
   * @param wrapup the wrap-up
   */
  public void updateParticipant(
      String conversationId, String participantId, String state, WrapupInput wrapup) {
    var body = new java.util.LinkedHashMap<String, Object>();
    if (state != null) body.put("state", state);
    if (wrapup != null) body.put("wrapup", wrapup);
    client.send(
        ApiRequest.patch(
            BASE
                + "/"
                + Paths.segment(conversationId)
                + "/participants/"
                + Paths.segment(participantId),
            body,
            "application/json"));
  }

  /**
   * Records a wrap-up on a call communication (idempotency key: retried safely, recorded once).
   *
   * @param conversationId the conversation
   * @param participantId the participant
   * @param communicationId the participant's call communication
   * @param wrapup the wrap-up
   */
  public void wrapup(
      String conversationId, String participantId, String communicationId, WrapupInput wrapup) {
    wrapup(
        conversationId,
        participantId,
        communicationId,
        wrapup,
        SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #wrapup(String, String, String, WrapupInput)} with the caller's {@code Idempotency-Key}.
   *
   * @param conversationId the conversation
   * @param participantId the participant
   * @param communicationId the participant's call communication
   * @param wrapup the wrap-up
   * @param idempotencyKey the {@code Idempotency-Key}; a repeat with the same key is applied once
   */
  public void wrapup(
      String conversationId,
      String participantId,
      String communicationId,
      WrapupInput wrapup,
      String idempotencyKey) {
    java.util.Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    String path =
        BASE
            + "/calls/"
            + Paths.segment(conversationId)
            + "/participants/"
            + Paths.segment(participantId)
            + "/communications/"
            + Paths.segment(communicationId)
            + "/wrapup";
    sendWrapup(ApiRequest.post(path, wrapup).idempotencyKey(idempotencyKey));
  }

  /**
   * Records a wrap-up by scripting interaction (the conversation id), naming the participant or the
   * agent (idempotency key: retried safely).
   *
   * @param interactionId the scripting interaction (the conversation id)
   * @param participantId the participant
   * @param agentId the agent
   * @param wrapup the wrap-up
   */
  public void wrapupInteraction(
      String interactionId, String participantId, String agentId, WrapupInput wrapup) {
    wrapupInteraction(
        interactionId, participantId, agentId, wrapup, SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #wrapupInteraction(String, String, String, WrapupInput)} with the caller's {@code
   * Idempotency-Key}.
   *
   * @param interactionId the scripting interaction (the conversation id)
   * @param participantId the participant
   * @param agentId the agent
   * @param wrapup the wrap-up
   * @param idempotencyKey the {@code Idempotency-Key}; a repeat with the same key is applied once
   */
  public void wrapupInteraction(
      String interactionId,
      String participantId,
      String agentId,
      WrapupInput wrapup,
      String idempotencyKey) {
    java.util.Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    var body = new java.util.LinkedHashMap<String, Object>();
    body.put("participantId", participantId);
    body.put("agentId", agentId);
    body.put("code", wrapup.code());
    body.put("notes", wrapup.notes());
    body.put("tags", wrapup.tags());
    body.put("durationSeconds", wrapup.durationSeconds());
    String path =
        "/api/v2/integrations/scripting/interactions/" + Paths.segment(interactionId) + "/wrapup";
    sendWrapup(ApiRequest.post(path, body).idempotencyKey(idempotencyKey));
  }

  /**
   * How long a wrap-up answered 404 is tried again. Right after a call closes, Genesys can answer
   * the wrap-up of the interaction that just ended with 404 while the close propagates (seed 004;
   * Switchboard's {@code wrapup-after-close-404} fault scenario reproduces it): a 404 right after
   * the close means "not yet". The wrap-up is keyed, so trying it again is safe.
   */
  static final java.time.Duration WRAPUP_NOT_FOUND_WINDOW = java.time.Duration.ofSeconds(3);

  private static final dev.failsafe.RetryPolicy<Object> WRAPUP_NOT_YET =
      dev.failsafe.RetryPolicy.builder()
          .handle(ApiException.NotFoundException.class)
          .withBackoff(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(800))
          .withJitter(0.25)
          .withMaxRetries(-1)
          .withMaxDuration(WRAPUP_NOT_FOUND_WINDOW)
          .build();

  /** Sends a wrap-up, trying a 404 again for up to {@link #WRAPUP_NOT_FOUND_WINDOW}. */
  private void sendWrapup(ApiRequest request) {
    dev.failsafe.Failsafe.with(WRAPUP_NOT_YET).run(() -> client.send(request));
  }

  /**
   * The participant's wrap-up, empty while none is recorded.
   *
   * @param conversationId the conversation
   * @param participantId the participant
   * @return the wrap-up, or empty
   */
  public Optional<Wrapup> getWrapup(String conversationId, String participantId) {
    return Optional.ofNullable(
        client.call(
            ApiRequest.get(
                BASE
                    + "/"
                    + Paths.segment(conversationId)
                    + "/participants/"
                    + Paths.segment(participantId)
                    + "/wrapup"),
            Wrapup.class));
  }
}

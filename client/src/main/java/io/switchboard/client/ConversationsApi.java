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
    /** The first participant with this purpose ({@code customer}, {@code agent}). */
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

  /** Creates a call conversation (with an idempotency key, so retried safely). */
  public Conversation createCall(NewCall call) {
    return createCall(call, SwitchboardClient.newIdempotencyKey());
  }

  /** {@link #createCall(NewCall)} with the caller's {@code Idempotency-Key}. */
  public Conversation createCall(NewCall call, String idempotencyKey) {
    java.util.Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return client.call(
        ApiRequest.post(BASE + "/calls", call).idempotencyKey(idempotencyKey), Conversation.class);
  }

  /** One conversation. */
  public Conversation get(String id) {
    return client.call(ApiRequest.get(BASE + "/" + Paths.segment(id)), Conversation.class);
  }

  /** Disconnects the conversation; committed before this returns. Not retried. */
  public void disconnect(String id) {
    client.send(ApiRequest.post(BASE + "/" + Paths.segment(id) + "/disconnect", null));
  }

  /** Changes a participant's state and/or records its wrap-up. Not retried. */
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

  /** Records a wrap-up on a call communication (idempotency key: retried safely, recorded once). */
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
    client.send(ApiRequest.post(path, wrapup).idempotencyKey(idempotencyKey));
  }

  /**
   * Records a wrap-up by scripting interaction (the conversation id), naming the participant or the
   * agent (idempotency key: retried safely).
   */
  public void wrapupInteraction(
      String interactionId, String participantId, String agentId, WrapupInput wrapup) {
    wrapupInteraction(
        interactionId, participantId, agentId, wrapup, SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #wrapupInteraction(String, String, String, WrapupInput)} with the caller's {@code
   * Idempotency-Key}.
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
    client.send(ApiRequest.post(path, body).idempotencyKey(idempotencyKey));
  }

  /** The participant's wrap-up, empty while none is recorded. */
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

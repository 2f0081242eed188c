package io.switchboard.server.conversations;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A call conversation and its participants, in the order they joined. */
public record Conversation(
    String id,
    String orgId,
    CallState state,
    String from,
    String to,
    Instant startTime,
    Instant endTime,
    List<Participant> participants) {

  public Optional<Participant> participant(String participantId) {
    return participants.stream().filter(p -> p.id().equals(participantId)).findFirst();
  }

  /**
   * Whether an agent placed this call (an outbound call starts with the agent's participant; an
   * inbound one with the customer's).
   */
  public boolean outbound() {
    return !participants.isEmpty() && participants.getFirst().isAgent();
  }

  /** The latest agent participant of this user, if the user took part. */
  public Optional<Participant> agentParticipant(String userId) {
    return participants.reversed().stream()
        .filter(p -> p.isAgent() && userId.equals(p.userId()))
        .findFirst();
  }

  /** The user of the latest agent participant, if any agent took part. */
  public Optional<String> lastAgentUserId() {
    return participants.reversed().stream()
        .filter(Participant::isAgent)
        .map(Participant::userId)
        .findFirst();
  }

  /**
   * The conversation's state follows its participants: connected while anyone is, alerting while
   * anyone rings, terminated once everyone is off the call and every agent has wrapped up, else
   * disconnected.
   */
  static CallState derive(List<Participant> participants) {
    if (participants.stream().anyMatch(p -> p.state() == CallState.CONNECTED))
      return CallState.CONNECTED;
    if (participants.stream().anyMatch(p -> p.state() == CallState.ALERTING))
      return CallState.ALERTING;
    boolean agentsDone =
        participants.stream()
            .filter(Participant::isAgent)
            .allMatch(p -> p.state() == CallState.TERMINATED);
    return agentsDone ? CallState.TERMINATED : CallState.DISCONNECTED;
  }
}

package io.switchboard.server.conversations;

import java.time.Instant;
import java.util.Map;

/** One party of a call conversation, with its one call communication ({@code callId}). */
public record Participant(
    String id,
    String conversationId,
    int seq,
    String purpose,
    String userId,
    String name,
    String address,
    CallState state,
    String callId,
    Map<String, String> attributes,
    Instant startTime,
    Instant connectedTime,
    Instant endTime,
    Wrapup wrapup,
    String queueId) {

  /** A participant of no queue. */
  public Participant(
      String id,
      String conversationId,
      int seq,
      String purpose,
      String userId,
      String name,
      String address,
      CallState state,
      String callId,
      Map<String, String> attributes,
      Instant startTime,
      Instant connectedTime,
      Instant endTime,
      Wrapup wrapup) {
    this(
        id,
        conversationId,
        seq,
        purpose,
        userId,
        name,
        address,
        state,
        callId,
        attributes,
        startTime,
        connectedTime,
        endTime,
        wrapup,
        null);
  }

  public static final String CUSTOMER = "customer";
  public static final String AGENT = "agent";

  public boolean isAgent() {
    return AGENT.equals(purpose);
  }

  Participant withState(CallState next, Instant connected, Instant ended) {
    return new Participant(
        id,
        conversationId,
        seq,
        purpose,
        userId,
        name,
        address,
        next,
        callId,
        attributes,
        startTime,
        connected,
        ended,
        wrapup,
        queueId);
  }

  Participant withWrapup(Wrapup w) {
    return new Participant(
        id,
        conversationId,
        seq,
        purpose,
        userId,
        name,
        address,
        CallState.TERMINATED,
        callId,
        attributes,
        startTime,
        connectedTime,
        endTime,
        w,
        queueId);
  }
}

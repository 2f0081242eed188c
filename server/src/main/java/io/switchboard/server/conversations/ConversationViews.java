package io.switchboard.server.conversations;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The Genesys wire shapes of conversations, participants, calls and wrap-ups. */
public final class ConversationViews {
  private ConversationViews() {}

  public record CallView(
      String id, String state, String direction, Instant connectedTime, Instant disconnectedTime) {}

  public record WrapupView(
      String code,
      String name,
      String notes,
      List<String> tags,
      Integer durationSeconds,
      Instant endTime) {
    static WrapupView of(Wrapup w) {
      return w == null
          ? null
          : new WrapupView(
              w.code(), w.name(), w.notes(), w.tags(), w.durationSeconds(), w.endTime());
    }
  }

  /** A Genesys DomainEntityRef: {@code {id, selfUri}}. */
  public record EntityRef(String id, String selfUri) {
    static EntityRef user(String id) {
      return id == null ? null : new EntityRef(id, "/api/v2/users/" + id);
    }

    static EntityRef queue(String id) {
      return id == null ? null : new EntityRef(id, "/api/v2/routing/queues/" + id);
    }
  }

  static String direction(Conversation c) {
    return c.outbound() ? "outbound" : "inbound";
  }

  /** Genesys's participantType: agents are the org's own, customers are outside it. */
  static String participantType(Participant p) {
    return p.isAgent() ? "Internal" : "External";
  }

  /** The generic Genesys Participant of {@code GET /conversations/{id}}. */
  public record ParticipantView(
      String id,
      String name,
      String address,
      Instant startTime,
      Instant connectedTime,
      Instant endTime,
      String purpose,
      String participantType,
      String state,
      String userId,
      String userUri,
      String queueId,
      String ani,
      String dnis,
      Boolean wrapupRequired,
      WrapupView wrapup,
      Map<String, String> attributes,
      List<CallView> calls) {
    static ParticipantView of(Conversation c, Participant p) {
      var call =
          new CallView(p.callId(), p.state().wire(), direction(c), p.connectedTime(), p.endTime());
      return new ParticipantView(
          p.id(),
          p.name(),
          p.address(),
          p.startTime(),
          p.connectedTime(),
          p.endTime(),
          p.purpose(),
          ConversationViews.participantType(p),
          p.state().wire(),
          p.userId(),
          p.userId() == null ? null : "/api/v2/users/" + p.userId(),
          p.queueId(),
          c.from(),
          c.to(),
          p.isAgent() ? Boolean.TRUE : null,
          WrapupView.of(p.wrapup()),
          p.attributes(),
          List.of(call));
    }
  }

  public record ConversationView(
      String id,
      Instant startTime,
      Instant endTime,
      String address,
      String state,
      List<ParticipantView> participants,
      String selfUri) {
    public static ConversationView of(Conversation c) {
      return new ConversationView(
          c.id(),
          c.startTime(),
          c.endTime(),
          c.to(),
          c.state().wire(),
          c.participants().stream().map(p -> ParticipantView.of(c, p)).toList(),
          "/api/v2/conversations/" + c.id());
    }
  }

  /**
   * The Genesys CallMediaParticipant of {@code GET /conversations/calls/{id}}: flat, the call's
   * state and direction on the participant itself.
   */
  public record CallParticipantView(
      String id,
      String name,
      String address,
      Instant startTime,
      Instant connectedTime,
      Instant endTime,
      String purpose,
      String state,
      String direction,
      Boolean held,
      Boolean wrapupRequired,
      EntityRef user,
      EntityRef queue,
      Map<String, String> attributes,
      WrapupView wrapup,
      String ani,
      String dnis) {
    static CallParticipantView of(Conversation c, Participant p) {
      return new CallParticipantView(
          p.id(),
          p.name(),
          p.address(),
          p.startTime(),
          p.connectedTime(),
          p.endTime(),
          p.purpose(),
          p.state().wire(),
          ConversationViews.direction(c),
          Boolean.FALSE,
          p.isAgent(),
          EntityRef.user(p.userId()),
          EntityRef.queue(p.queueId()),
          p.attributes(),
          WrapupView.of(p.wrapup()),
          c.from(),
          c.to());
    }
  }

  /** The Genesys CallConversation. */
  public record CallConversationView(
      String id,
      List<CallParticipantView> participants,
      List<String> otherMediaUris,
      String selfUri) {
    public static CallConversationView of(Conversation c) {
      return new CallConversationView(
          c.id(),
          c.participants().stream().map(p -> CallParticipantView.of(c, p)).toList(),
          List.of(),
          "/api/v2/conversations/calls/" + c.id());
    }
  }

  /** The Genesys CreateCallResponse of an outbound call. */
  public record CreateCallView(String id, String selfUri) {
    public static CreateCallView of(Conversation c) {
      return new CreateCallView(c.id(), "/api/v2/conversations/calls/" + c.id());
    }
  }

  /** The Genesys AssignedWrapupCode of {@code GET .../participants/{pid}/wrapup}. */
  public record AssignedWrapupView(
      String code,
      String name,
      String notes,
      List<String> tags,
      Integer durationSeconds,
      Instant endTime) {
    static AssignedWrapupView of(Wrapup w) {
      return new AssignedWrapupView(
          w.code(), w.name(), w.notes(), w.tags(), w.durationSeconds(), w.endTime());
    }
  }

  public record WrapupCodeView(
      String id,
      String name,
      Instant dateCreated,
      Instant dateModified,
      String createdBy,
      String modifiedBy,
      io.switchboard.server.identity.Divisions.Ref division,
      String selfUri) {
    static WrapupCodeView of(WrapupCode c) {
      return new WrapupCodeView(
          c.id(),
          c.name(),
          c.createdAt(),
          c.modifiedAt(),
          c.createdBy(),
          c.modifiedBy(),
          io.switchboard.server.identity.Divisions.home(c.orgId()),
          "/api/v2/routing/wrapupcodes/" + c.id());
    }
  }
}

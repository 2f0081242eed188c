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

  public record ParticipantView(
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
      WrapupView wrapup,
      Map<String, String> attributes,
      List<CallView> calls) {
    static ParticipantView of(Participant p) {
      var call =
          new CallView(p.callId(), p.state().wire(), "inbound", p.connectedTime(), p.endTime());
      return new ParticipantView(
          p.id(),
          p.name(),
          p.address(),
          p.startTime(),
          p.connectedTime(),
          p.endTime(),
          p.purpose(),
          p.state().wire(),
          p.userId(),
          p.userId() == null ? null : "/api/v2/users/" + p.userId(),
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
          c.participants().stream().map(ParticipantView::of).toList(),
          "/api/v2/conversations/" + c.id());
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

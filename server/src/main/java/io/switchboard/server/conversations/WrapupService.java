package io.switchboard.server.conversations;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.storage.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Records and reads wrap-ups. Every wrap-up endpoint (the call communication's, the participant
 * PATCH and the scripting interaction's) comes here, so the rules hold the same everywhere:
 *
 * <ul>
 *   <li>only an agent participant wraps up, and only once off the call: before that, 409 {@code
 *       conversation.not.disconnected};
 *   <li>from the participant's disconnect until the window closes ({@code
 *       conversations.wrapup-window-seconds}); after, 409 {@code wrapup.window.closed};
 *   <li>the code must be one of the org's wrap-up codes (400 naming {@code code});
 *   <li>recording it terminates the participant and, in the same transaction, tells the {@link
 *       WrapupHook}s (the agent's script session is completed). Recording again within the window
 *       replaces it.
 * </ul>
 *
 * A wrap-up sent the instant a disconnect returned is accepted: the disconnect committed before it
 * answered, and this transaction locks the conversation's row and reads what was committed.
 */
public final class WrapupService {
  public static final int MAX_NOTES = 4000;
  public static final int MAX_TAGS = 20;

  /** The Genesys WrapupInput; its server-owned fields are accepted and ignored. */
  @JsonIgnoreProperties({"name", "endTime", "provisional", "disableEndTimeUpdates"})
  public record WrapupInput(
      String code, String notes, List<String> tags, Integer durationSeconds) {}

  private final ConversationStore store;
  private final WrapupCodeStore codes;
  private final List<WrapupHook> hooks;
  private final Clock clock;
  private final Duration window;
  private final ConversationEvents events;

  public WrapupService(
      ConversationStore store,
      WrapupCodeStore codes,
      List<WrapupHook> hooks,
      Clock clock,
      Duration window) {
    this(store, codes, hooks, clock, window, io.switchboard.server.notifications.Notifier.NONE);
  }

  /** {@code notifier} announces the conversation with its new wrap-up after the commit. */
  public WrapupService(
      ConversationStore store,
      WrapupCodeStore codes,
      List<WrapupHook> hooks,
      Clock clock,
      Duration window,
      io.switchboard.server.notifications.Notifier notifier) {
    this.events = new ConversationEvents(notifier, store);
    this.store = store;
    this.codes = codes;
    this.hooks = List.copyOf(hooks);
    this.clock = clock;
    this.window = window;
  }

  public Duration window() {
    return window;
  }

  /** {@code POST /conversations/calls/{cid}/participants/{pid}/communications/{commId}/wrapup}. */
  public void record(
      String orgId,
      String conversationId,
      String participantId,
      String communicationId,
      WrapupInput input) {
    check(input);
    store.inTransaction(h -> {
      Conversation c =
          store
              .lock(h, orgId, conversationId)
              .orElseThrow(() -> Problem.notFound("Conversation", conversationId));
      Participant p =
          c.participant(participantId)
              .orElseThrow(() -> Problem.notFound("Participant", participantId));
      if (communicationId != null && !communicationId.equals(p.callId()))
        throw Problem.notFound("Communication", communicationId);
      events.changed(h, apply(h, c, p, input, clock.instant()));
      return null;
    });
  }

  /**
   * {@code POST /integrations/scripting/interactions/{interactionId}/wrapup}: the interaction is
   * the conversation; the body names the participant, or the agent whose participant it is.
   */
  public void recordForInteraction(
      String orgId, String interactionId, String participantId, String agentId, WrapupInput input) {
    if (participantId == null && agentId == null)
      throw Problem.invalid(
          "participantId", "name the participant (participantId) or the agent (agentId)");
    check(input);
    store.inTransaction(h -> {
      Conversation c =
          store
              .lock(h, orgId, interactionId)
              .orElseThrow(() -> Problem.notFound("Interaction", interactionId));
      Participant p;
      if (participantId != null) {
        p =
            c.participant(participantId)
                .orElseThrow(() ->
                    Problem.invalid(
                        "participantId", "is not a participant of interaction " + interactionId));
        if (agentId != null && !agentId.equals(p.userId()))
          throw Problem.invalid("agentId", "is not the agent of participant " + participantId);
      } else {
        p =
            c.agentParticipant(agentId)
                .orElseThrow(() ->
                    Problem.invalid("agentId", "is not an agent of interaction " + interactionId));
      }
      events.changed(h, apply(h, c, p, input, clock.instant()));
      return null;
    });
  }

  /**
   * The participant's wrap-up, empty when none is recorded yet; 404 only for ids not in the org.
   */
  public Optional<Wrapup> get(String orgId, String conversationId, String participantId) {
    Conversation c =
        store
            .find(orgId, conversationId)
            .orElseThrow(() -> Problem.notFound("Conversation", conversationId));
    Participant p =
        c.participant(participantId)
            .orElseThrow(() -> Problem.notFound("Participant", participantId));
    return Optional.ofNullable(p.wrapup());
  }

  /** Records the wrap-up on a conversation whose row the caller's transaction has locked. */
  Conversation apply(Handle h, Conversation c, Participant p, WrapupInput input, Instant now) {
    check(input);
    if (!p.isAgent()) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "Participant " + p.id() + " is a " + p.purpose() + "; only agent participants wrap up",
          Map.of("field", "participantId", "purpose", p.purpose()));
    }
    if (p.state().isLive()) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "conversation.not.disconnected",
          "Participant "
              + p.id()
              + " is still "
              + p.state().wire()
              + "; a wrap-up is accepted once the participant is disconnected",
          Map.of("conversationId", c.id(), "participantId", p.id(), "state", p.state().wire()));
    }
    Instant closesAt = p.endTime().plus(window);
    if (now.isAfter(closesAt)) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "wrapup.window.closed",
          "The wrap-up window of "
              + window.toSeconds()
              + " s closed at "
              + Times.millis(closesAt)
              + "; the participant disconnected at "
              + Times.millis(p.endTime()),
          Map.of(
              "conversationId",
              c.id(),
              "participantId",
              p.id(),
              "disconnectedAt",
              Times.millis(p.endTime()).toString(),
              "windowSeconds",
              window.toSeconds()));
    }
    WrapupCode code =
        codes
            .find(h, c.orgId(), input.code())
            .orElseThrow(() ->
                new Problem(
                    Problem.Kind.INVALID,
                    "invalid.value",
                    "code: " + input.code() + " is not a wrap-up code of this organization",
                    Map.of("field", "code", "code", input.code())));
    var wrapup =
        new Wrapup(
            code.id(),
            code.name(),
            input.notes(),
            input.tags() == null ? null : List.copyOf(input.tags()),
            input.durationSeconds(),
            now);
    var after = new ArrayList<>(c.participants());
    after.replaceAll(x -> x.id().equals(p.id()) ? x.withWrapup(wrapup) : x);
    Conversation result = Transitions.commit(h, store, c, after, now);
    if (p.userId() != null) {
      for (WrapupHook hook : hooks) hook.wrappedUp(h, c.orgId(), c.id(), p.userId(), now);
    }
    return result;
  }

  private static void check(WrapupInput input) {
    if (input == null || input.code() == null || input.code().isBlank())
      throw Problem.invalid("code", "is required (the id of a wrap-up code)");
    if (input.notes() != null && input.notes().length() > MAX_NOTES)
      throw Problem.invalid("notes", "must be at most " + MAX_NOTES + " characters");
    if (input.tags() != null) {
      if (input.tags().size() > MAX_TAGS)
        throw Problem.invalid("tags", "at most " + MAX_TAGS + " tags");
      for (String t : input.tags()) {
        if (t == null || t.isBlank() || t.length() > 100)
          throw Problem.invalid("tags", "each tag must be 1 to 100 characters");
      }
    }
    if (input.durationSeconds() != null
        && (input.durationSeconds() < 0 || input.durationSeconds() > 86_400)) {
      throw Problem.invalid("durationSeconds", "must be between 0 and 86400");
    }
  }
}

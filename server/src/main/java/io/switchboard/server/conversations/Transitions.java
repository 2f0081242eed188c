package io.switchboard.server.conversations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes a conversation's changed participants and its derived state, inside the caller's
 * transaction.
 */
final class Transitions {
  private Transitions() {}

  /**
   * Persists {@code after} (the participants as they should now be) against {@code before}. When
   * the conversation thereby ends, the participants still merely disconnected (customers) become
   * terminated too.
   */
  static Conversation commit(
      Handle h,
      ConversationStore store,
      Conversation before,
      List<Participant> after,
      Instant now) {
    CallState state = Conversation.derive(after);
    List<Participant> settled = new ArrayList<>(after);
    if (state == CallState.TERMINATED) {
      settled.replaceAll(p ->
          p.state() == CallState.DISCONNECTED
              ? p.withState(CallState.TERMINATED, p.connectedTime(), p.endTime())
              : p);
    }
    for (int i = 0; i < settled.size(); i++) {
      if (!settled.get(i).equals(before.participants().get(i)))
        store.updateParticipant(h, settled.get(i));
    }
    Instant endTime = state.isLive() ? null : before.endTime() != null ? before.endTime() : now;
    if (state != before.state() || !java.util.Objects.equals(endTime, before.endTime()))
      store.updateState(h, before.id(), state, endTime, now);
    return new Conversation(
        before.id(),
        before.orgId(),
        state,
        before.from(),
        before.to(),
        before.startTime(),
        endTime,
        List.copyOf(settled));
  }
}

package io.switchboard.server.routing;

import io.switchboard.server.conversations.WrapupHook;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * A wrap-up ends the agent's call: an INTERACTING agent becomes IDLE in the wrap-up's transaction,
 * and once it commits the {@link Acd} offers them the longest-waiting call of their queues. An
 * agent that went OFF_QUEUE meanwhile stays off queue.
 */
public final class WrapupReturnsToIdle implements WrapupHook {
  private final AgentStatusStore statuses;
  private final AcdSignals signals;
  private final io.switchboard.server.notifications.Notifier notifier;

  public WrapupReturnsToIdle(AgentStatusStore statuses, AcdSignals signals) {
    this(statuses, signals, io.switchboard.server.notifications.Notifier.NONE);
  }

  /** {@code notifier} announces the agent's return to IDLE once the wrap-up commits. */
  public WrapupReturnsToIdle(
      AgentStatusStore statuses,
      AcdSignals signals,
      io.switchboard.server.notifications.Notifier notifier) {
    this.statuses = statuses;
    this.signals = signals;
    this.notifier = notifier;
  }

  @Override
  public void wrappedUp(
      Handle handle, String orgId, String conversationId, String agentUserId, Instant at) {
    if (statuses.interactingToIdle(handle, agentUserId, at)) {
      notifier.publish(
          orgId,
          io.switchboard.server.notifications.Topics.routingStatus(agentUserId),
          new AgentStatus(agentUserId, AgentStatus.IDLE, at));
      handle.afterCommit(() -> signals.agentIdle(orgId, agentUserId));
    }
  }
}

package io.switchboard.server.sessions;

import io.switchboard.server.conversations.WrapupHook;
import io.switchboard.server.notifications.Notification;
import io.switchboard.server.notifications.Notifier;
import io.switchboard.server.notifications.Topics;

/**
 * The wrap-up hook of sessions: a wrap-up completes the agent's active sessions in its own
 * transaction, and each completed session is announced after that transaction commits.
 */
public final class SessionCompletion {
  private SessionCompletion() {}

  public static WrapupHook hook(SessionStore store, Notifier notifier) {
    return (h, orgId, conversationId, agentUserId, at) -> {
      for (Session s : store.completeForAgentSessions(h, orgId, conversationId, agentUserId, at))
        notifier.publish(
            new Notification(
                orgId,
                Topics.session(s.id()),
                SessionRoutes.SessionView.of(s),
                notifier.correlationId(),
                "session:" + s.id(),
                s.version()));
    };
  }
}

package io.switchboard.server.conversations;

import io.switchboard.server.notifications.Notification;
import io.switchboard.server.notifications.Notifier;
import io.switchboard.server.notifications.Topics;
import java.util.LinkedHashSet;
import org.jdbi.v3.core.Handle;

/**
 * Announces a conversation's new state on {@code v2.conversations.{id}} and on each of its agents'
 * {@code v2.users.{userId}.conversations}. Called inside the transaction that changed it: the
 * notifier sends after the commit.
 */
public final class ConversationEvents {
  private final Notifier notifier;
  private final ConversationStore store;

  public ConversationEvents(Notifier notifier, ConversationStore store) {
    this.notifier = notifier;
    this.store = store;
  }

  /**
   * Announces {@code c} as changed by the caller's transaction {@code h}. The change takes the
   * conversation's next event number, so a socket delivers one conversation's events in commit
   * order even when they reach it through different nodes; the ordering is per topic (a socket on
   * both the conversation's and its agent's topics gets each event on each).
   */
  public void changed(Handle h, Conversation c) {
    long sequence = store.nextEventSequence(h, c.id());
    var view = ConversationViews.ConversationView.of(c);
    String correlationId = notifier.correlationId();
    String topic = Topics.conversation(c.id());
    notifier.publish(new Notification(c.orgId(), topic, view, correlationId, topic, sequence));
    var users = new LinkedHashSet<String>();
    for (Participant p : c.participants()) if (p.userId() != null) users.add(p.userId());
    for (String userId : users) {
      String userTopic = Topics.userConversations(userId);
      notifier.publish(
          new Notification(
              c.orgId(), userTopic, view, correlationId, userTopic + "/" + c.id(), sequence));
    }
  }
}

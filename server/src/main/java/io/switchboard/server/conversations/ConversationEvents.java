package io.switchboard.server.conversations;

import io.switchboard.server.notifications.Notifier;
import io.switchboard.server.notifications.Topics;
import java.util.LinkedHashSet;

/**
 * Announces a conversation's new state on {@code v2.conversations.{id}} and on each of its agents'
 * {@code v2.users.{userId}.conversations}. Called inside the transaction that changed it: the
 * notifier sends after the commit.
 */
public final class ConversationEvents {
  private final Notifier notifier;

  public ConversationEvents(Notifier notifier) {
    this.notifier = notifier;
  }

  public void changed(Conversation c) {
    var view = ConversationViews.ConversationView.of(c);
    notifier.publish(c.orgId(), Topics.conversation(c.id()), view);
    var users = new LinkedHashSet<String>();
    for (Participant p : c.participants()) if (p.userId() != null) users.add(p.userId());
    for (String userId : users) notifier.publish(c.orgId(), Topics.userConversations(userId), view);
  }
}

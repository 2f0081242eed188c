package io.switchboard.server.conversations;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Told of a wrap-up inside the transaction that records it, so what follows from it (completing the
 * agent's script session) commits with it or not at all. Implemented by features that depend on
 * conversations.
 */
@FunctionalInterface
public interface WrapupHook {
  void wrappedUp(
      Handle handle, String orgId, String conversationId, String agentUserId, Instant at);
}

package io.switchboard.server.conversations;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Told, inside the transaction that records it, that a call's customer left (hung up, or the whole
 * call was disconnected), so what waited for them (a queued call) ends with it. Implemented by
 * features that depend on conversations.
 */
@FunctionalInterface
public interface CustomerLeftHook {
  void customerLeft(Handle handle, String orgId, String conversationId, Instant at);
}

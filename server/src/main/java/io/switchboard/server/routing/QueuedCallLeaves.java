package io.switchboard.server.routing;

import io.switchboard.server.conversations.CustomerLeftHook;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * A customer who hangs up (or whose call is disconnected) while waiting in a queue leaves it at
 * once, in the disconnect's transaction, and the call's flow execution records {@code abandoned}:
 * the queue does not keep dead calls until they reach its head.
 */
public final class QueuedCallLeaves implements CustomerLeftHook {
  static final String DETAIL = "the customer left while the call waited in queue";

  private final CallStore calls;

  public QueuedCallLeaves(CallStore calls) {
    this.calls = calls;
  }

  @Override
  public void customerLeft(Handle handle, String orgId, String conversationId, Instant at) {
    calls
        .remove(handle, conversationId)
        .filter(q -> q.orgId().equals(orgId) && q.executionId() != null)
        .ifPresent(q ->
            calls.result(
                handle,
                conversationId,
                q.executionId(),
                Acd.ABANDONED,
                null,
                null,
                null,
                null,
                DETAIL,
                at));
  }
}

package io.switchboard.server.sessions;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * A running script for one agent on one conversation. {@code scriptVersionId} pins the published
 * version it started on; {@code version} rises by one with every write. Treat {@code data} as
 * read-only: changes make a copy.
 */
public record Session(
    String id,
    String orgId,
    String scriptId,
    String scriptVersionId,
    String conversationId,
    String agentId,
    String state,
    long version,
    ObjectNode data,
    Instant createdAt,
    Instant modifiedAt,
    Instant completedAt) {

  public static final String ACTIVE = "active";
  public static final String COMPLETED = "completed";

  public boolean isCompleted() {
    return COMPLETED.equals(state);
  }

  Session withData(ObjectNode newData, Instant now) {
    return new Session(
        id,
        orgId,
        scriptId,
        scriptVersionId,
        conversationId,
        agentId,
        state,
        version + 1,
        newData,
        createdAt,
        now,
        completedAt);
  }

  Session completed(Instant now) {
    return new Session(
        id,
        orgId,
        scriptId,
        scriptVersionId,
        conversationId,
        agentId,
        COMPLETED,
        version + 1,
        data,
        createdAt,
        now,
        now);
  }
}

package io.switchboard.server.routing;

import java.time.Instant;

/**
 * A user's membership of a queue, with the user's name and state and routing status as last read.
 * Members are always joined here (Genesys's {@code joined}: the agent takes the queue's calls).
 */
public record QueueMember(
    String queueId,
    String userId,
    String orgId,
    String name,
    String userState,
    Instant joinedAt,
    AgentStatus status) {}

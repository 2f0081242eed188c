package io.switchboard.server.routing;

import java.time.Instant;

/** An ACD queue of an org; {@code memberCount} and {@code joinedMemberCount} as last read. */
public record Queue(
    String id,
    String orgId,
    String name,
    String description,
    Instant createdAt,
    Instant modifiedAt,
    int memberCount,
    int joinedMemberCount) {}

package io.switchboard.server.conversations;

import java.time.Instant;

/** A wrap-up code of the org: what an agent picks to say how a conversation ended. */
public record WrapupCode(
    String id,
    String orgId,
    String name,
    String createdBy,
    String modifiedBy,
    Instant createdAt,
    Instant modifiedAt) {}

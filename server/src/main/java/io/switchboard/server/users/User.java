package io.switchboard.server.users;

import java.time.Instant;

/** An agent in the org's directory. */
public record User(
    String id,
    String orgId,
    String name,
    String email,
    String department,
    String title,
    String state,
    long version,
    Instant createdAt,
    Instant modifiedAt) {}

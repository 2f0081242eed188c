package io.switchboard.server.identity;

import java.time.Instant;
import java.util.Set;

/** An authorization role: a named set of our scopes. Built-in roles are defined in code. */
public record Role(
    String id,
    String orgId,
    String name,
    String description,
    Set<String> scopes,
    boolean builtIn,
    Instant createdAt,
    Instant modifiedAt) {}

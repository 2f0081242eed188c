package io.switchboard.server.scripts;

import java.time.Instant;

/**
 * An editable script. {@code version} counts saves (optimistic locking); {@code versionId} names
 * the content of this save; {@code publishedAt} is the last publish, if any.
 */
public record Script(
    String id,
    String orgId,
    String name,
    long version,
    String versionId,
    Instant createdAt,
    Instant modifiedAt,
    Instant publishedAt,
    ScriptDocument document) {}

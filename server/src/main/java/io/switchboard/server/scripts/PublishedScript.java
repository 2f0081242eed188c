package io.switchboard.server.scripts;

import java.time.Instant;

/**
 * An immutable published version of a script, named by {@code versionId}. Sessions pin the version
 * they started on, so they keep rendering it when the script is republished or deleted.
 */
public record PublishedScript(
    String versionId,
    String scriptId,
    String orgId,
    int seq,
    String name,
    Instant scriptCreatedAt,
    Instant scriptModifiedAt,
    Instant publishedAt,
    boolean deleted,
    ScriptDocument document) {}

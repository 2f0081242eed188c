package io.switchboard.server.flows;

import java.time.Instant;

/**
 * One saved definition of a flow, immutable: each save is a new version ({@code seq} 1, 2, ...),
 * and publishing marks one. {@code source} is the document exactly as sent, in {@code format} (yaml
 * or json).
 */
public record FlowVersion(
    String id,
    String flowId,
    String orgId,
    int seq,
    String format,
    String source,
    boolean published,
    Instant createdAt,
    Instant publishedAt) {}

package io.switchboard.server.flows;

import java.time.Instant;

/**
 * An Architect flow of an org: {@code type} is INBOUNDCALL or WORKFLOW; {@code savedVersionId} is
 * the latest saved definition, {@code publishedVersionId} the one new executions run.
 */
public record Flow(
    String id,
    String orgId,
    String name,
    String description,
    String type,
    String savedVersionId,
    String publishedVersionId,
    long version,
    Instant createdAt,
    Instant modifiedAt) {}

package io.switchboard.server.flows;

import java.time.Instant;

/**
 * One run of a published flow version. {@code status} is Genesys's (RUNNING, COMPLETED, ERROR);
 * {@code outcome} is Switchboard's (completed, deadline, actionLimit, error). Outputs and trace are
 * JSON.
 */
public record FlowExecution(
    String id,
    String orgId,
    String flowId,
    String flowVersionId,
    String name,
    String status,
    String outcome,
    String completionReason,
    String outputData,
    String trace,
    Instant launchedAt,
    Instant completedAt) {}

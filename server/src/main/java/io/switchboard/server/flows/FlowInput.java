package io.switchboard.server.flows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a caller sends to create or update a flow. The read-only fields of the Genesys shape are
 * accepted and ignored, so a fetched flow can be sent back with a change.
 */
@JsonIgnoreProperties({
  "id",
  "division",
  "active",
  "system",
  "deleted",
  "savedVersion",
  "publishedVersion",
  "checkedInVersion",
  "debugVersion",
  "selfUri",
  "lockedUser",
  "lockedClient",
  "publishedBy",
  "currentOperation",
  "inputSchema",
  "outputSchema",
  "supportedLanguages",
  "compatibleFlowTypes",
  "nluInfo"
})
public record FlowInput(String name, String description, String type) {}

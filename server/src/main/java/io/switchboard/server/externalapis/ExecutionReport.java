package io.switchboard.server.externalapis;

import tools.jackson.databind.JsonNode;

/**
 * What one execution of an external API did. Exactly one of {@code outputs} (on success) and {@code
 * error} is present.
 *
 * @param success true when the API answered 2xx with a body the mapping could read
 * @param status the HTTP status of the last answer; absent when there was none (timeout, connection
 *     failure, open circuit)
 * @param latencyMs wall time of the whole execution, retries and waits included
 * @param attempts requests sent to the API (0 when the circuit was open)
 * @param circuit the API's circuit after this execution: {@code closed}, {@code open} or {@code
 *     half-open}
 */
public record ExecutionReport(
    boolean success,
    Integer status,
    long latencyMs,
    int attempts,
    JsonNode outputs,
    Failure error,
    String circuit) {

  /** The error kinds, as they appear on the wire. */
  public static final String TIMEOUT = "timeout";

  public static final String HTTP = "http";
  public static final String INVALID_RESPONSE = "invalid-response";
  public static final String CIRCUIT_OPEN = "circuit-open";

  /**
   * Why an execution failed: {@code kind} is one of {@code timeout, http, invalid-response,
   * circuit-open}, {@code egress.denied} ({@link Egress}) or {@code credential.host.denied} (the
   * credential's allowedHosts).
   */
  public record Failure(String kind, String detail) {}
}

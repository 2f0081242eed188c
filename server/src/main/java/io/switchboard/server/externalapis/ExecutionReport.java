package io.switchboard.server.externalapis;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
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
 * @param attemptLog every request sent, in order (at most {@link #MAX_ATTEMPT_LOG}), with what
 *     followed it
 */
public record ExecutionReport(
    boolean success,
    Integer status,
    long latencyMs,
    int attempts,
    JsonNode outputs,
    Failure error,
    String circuit,
    List<Attempt> attemptLog) {

  /** Bound of {@code attemptLog} (retries are bounded by the API's {@code retry} anyway). */
  public static final int MAX_ATTEMPT_LOG = 32;

  public ExecutionReport {
    attemptLog = attemptLog == null ? List.of() : List.copyOf(attemptLog);
  }

  public ExecutionReport(
      boolean success,
      Integer status,
      long latencyMs,
      int attempts,
      JsonNode outputs,
      Failure error,
      String circuit) {
    this(success, status, latencyMs, attempts, outputs, error, circuit, List.of());
  }

  /** What waits after an attempt ({@link Attempt#why}). */
  public static final String WAIT_RETRY_AFTER = "retry-after";

  public static final String WAIT_BACKOFF = "backoff";
  public static final String WAIT_TOKEN_REFRESH = "token-refresh";
  public static final String GAVE_UP_RETRY_AFTER = "retry-after-exceeds-budget";
  public static final String GAVE_UP_BACKOFF = "backoff-exceeds-budget";
  public static final String GAVE_UP_RETRIES = "retries-exhausted";

  /**
   * One request to the API.
   *
   * @param n 1-based
   * @param status the HTTP status, absent when there was no answer
   * @param error the error kind when there was no answer ({@code timeout}, {@code http}, {@code
   *     egress.denied}, {@code invalid-response})
   * @param durationMs from sending to the answer (or the failure)
   * @param waitMs the wait before the next attempt ({@code why} a wait kind), or the wait asked for
   *     that did not fit in the budget ({@code why} a gave-up kind)
   * @param why {@code retry-after} (the answer's Retry-After honoured), {@code backoff}, {@code
   *     token-refresh} (a 401 with a cached OAuth2 token: a new token, once), or why no retry
   *     followed a retryable answer: {@code retry-after-exceeds-budget}, {@code
   *     backoff-exceeds-budget}, {@code retries-exhausted}; absent when the attempt was final
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Attempt(
      int n, Integer status, String error, long durationMs, Long waitMs, String why) {}

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

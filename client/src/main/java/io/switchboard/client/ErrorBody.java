package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's error shape (Genesys ErrorBody).
 *
 * @param message a human-readable sentence
 * @param code the stable dotted code, for example {@code not.found}
 * @param status the HTTP status
 * @param messageParams the error's parameters (never null; values may be null)
 * @param contextId the request's correlation id ({@code ININ-Correlation-Id})
 * @param errors the individual problems when there are several (a flow definition's, each naming
 *     its line and column in {@code messageParams}); never null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(
    String message,
    String code,
    int status,
    Map<String, Object> messageParams,
    String contextId,
    List<ErrorBody> errors) {
  /** Copies the parameters (keeping null values, which {@code Map.copyOf} would refuse). */
  public ErrorBody {
    messageParams =
        messageParams == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(messageParams));
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /**
   * An error without sub-problems.
   *
   * @param message what went wrong
   * @param code a stable code
   * @param status the HTTP status
   * @param messageParams the values named in the message
   * @param contextId the server's correlation id
   */
  public ErrorBody(
      String message,
      String code,
      int status,
      Map<String, Object> messageParams,
      String contextId) {
    this(message, code, status, messageParams, contextId, List.of());
  }
}

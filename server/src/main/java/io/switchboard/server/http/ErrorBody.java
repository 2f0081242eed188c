package io.switchboard.server.http;

import java.util.List;
import java.util.Map;

/**
 * The Genesys ErrorBody: the one error shape under /api/v2. {@code contextId} is the correlation
 * id.
 */
public record ErrorBody(
    String message,
    String code,
    int status,
    Map<String, Object> messageParams,
    String contextId,
    List<Object> details,
    List<ErrorBody> errors) {

  public static ErrorBody of(
      int status, String code, String message, Map<String, Object> params, String contextId) {
    return new ErrorBody(
        message, code, status, params == null ? Map.of() : params, contextId, List.of(), List.of());
  }
}

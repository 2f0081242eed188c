package io.switchboard.server.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception the domain throws for an expected failure. It carries a {@link Kind} (what sort
 * of failure), a stable dotted {@code code} and parameters; the HTTP layer alone turns the kind
 * into a status and the whole into an ErrorBody.
 */
public final class Problem extends RuntimeException {
  public enum Kind {
    BAD_REQUEST,
    INVALID,
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    CONFLICT,
    GONE,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    UNPROCESSABLE,
    TOO_MANY_REQUESTS,
    UNAVAILABLE,
    PRECONDITION_FAILED
  }

  private final Kind kind;
  private final String code;
  private final Map<String, Object> params;
  private final java.util.List<Problem> errors;

  public Problem(Kind kind, String code, String message, Map<String, ?> params) {
    this(kind, code, message, params, java.util.List.of());
  }

  /**
   * A problem made of several, each answered in the ErrorBody's {@code errors} (every publish error
   * at once).
   */
  public Problem(
      Kind kind,
      String code,
      String message,
      Map<String, ?> params,
      java.util.List<Problem> errors) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.params = params == null ? Map.of() : new LinkedHashMap<>(params);
    this.errors = java.util.List.copyOf(errors);
  }

  public Problem(Kind kind, String code, String message) {
    this(kind, code, message, Map.of());
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> params() {
    return params;
  }

  public java.util.List<Problem> errors() {
    return errors;
  }

  /**
   * The id does not exist in the caller's org; deliberately the same whether it exists elsewhere or
   * not.
   */
  public static Problem notFound(String what, String id) {
    return new Problem(
        Kind.NOT_FOUND, "not.found", what + " " + id + " was not found", Map.of("id", id));
  }

  public static Problem invalid(String field, String message) {
    return new Problem(
        Kind.INVALID, "invalid.value", field + ": " + message, Map.of("field", field));
  }

  public static Problem badRequest(String message) {
    return new Problem(Kind.BAD_REQUEST, "bad.request", message);
  }

  public static Problem versionMismatch(long currentVersion, long givenVersion) {
    return new Problem(
        Kind.CONFLICT,
        "version.mismatch",
        "Version " + givenVersion + " is stale; the current version is " + currentVersion,
        Map.of("currentVersion", currentVersion, "givenVersion", givenVersion));
  }

  public static Problem conflict(String code, String message) {
    return new Problem(Kind.CONFLICT, code, message);
  }
}

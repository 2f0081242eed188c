package io.switchboard.client;

import java.util.List;
import java.util.Map;

/**
 * The server answered with an error status. Carries the HTTP status, the ErrorBody {@code code},
 * {@code messageParams} and the correlation id to quote when asking for help. The subclass says
 * what kind of failure it is, so callers catch what they can act on:
 *
 * <pre>{@code
 * try {
 *   client.sessions().get(id);
 * } catch (ApiException.NotFoundException e) {
 *   // no such session in this org
 * }
 * }</pre>
 */
public class ApiException extends SwitchboardException {
  /** The HTTP status. */
  private final int status;

  /** The server's error body. */
  private final ErrorBody error;

  /** Every try of the call. */
  private final List<Attempt> attempts;

  ApiException(int status, ErrorBody error, List<Attempt> attempts) {
    super(
        status
            + " "
            + error.code()
            + ": "
            + error.message()
            + " (correlation id "
            + error.contextId()
            + ")"
            + (attempts.size() > 1 ? "; attempts: " + attempts : ""));
    this.status = status;
    this.error = error;
    this.attempts = List.copyOf(attempts);
  }

  /**
   * The HTTP status.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * The stable dotted error code, for example {@code version.mismatch}.
   *
   * @return the error code
   */
  public String code() {
    return error.code();
  }

  /**
   * The error's parameters, for example {@code currentVersion} or {@code retryAfterSeconds}.
   *
   * @return the parameters by name
   */
  public Map<String, Object> messageParams() {
    return error.messageParams();
  }

  /**
   * The request's correlation id ({@code ININ-Correlation-Id}), to find it in the server's logs.
   *
   * @return the correlation id, or null
   */
  public String correlationId() {
    return error.contextId();
  }

  /**
   * The whole ErrorBody.
   *
   * @return the error body as the server sent it
   */
  public ErrorBody error() {
    return error;
  }

  /**
   * Every attempt of this call, the last one included (one element when it was not retried).
   *
   * @return the attempts, in order
   */
  public List<Attempt> attempts() {
    return attempts;
  }

  /** The most specific exception type for this answer. */
  static ApiException of(int status, ErrorBody error, List<Attempt> attempts) {
    return switch (status) {
      case 401 -> new AuthenticationException(status, error, attempts);
      case 403 -> new ForbiddenException(status, error, attempts);
      case 404 -> new NotFoundException(status, error, attempts);
      case 409 ->
          "version.mismatch".equals(error.code())
              ? new VersionMismatchException(status, error, attempts)
              : new ConflictException(status, error, attempts);
      case 413 -> new PayloadTooLargeException(status, error, attempts);
      case 429 -> new RateLimitedException(status, error, attempts);
      default ->
          status >= 500
              ? new ServerErrorException(status, error, attempts)
              : status == 400 || status == 422
                  ? new InvalidRequestException(status, error, attempts)
                  : new ApiException(status, error, attempts);
    };
  }

  static ApiException of(int status, ErrorBody error) {
    return of(status, error, List.of(new Attempt(status, error.code(), java.time.Duration.ZERO)));
  }

  /**
   * 401: the credentials or the token were refused (the client has already tried a fresh token).
   */
  public static final class AuthenticationException extends ApiException {
    AuthenticationException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /** 403: a missing scope ({@code messageParams.scope}) or an org mismatch. */
  public static final class ForbiddenException extends ApiException {
    ForbiddenException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /** 404: no such id in the caller's org. */
  public static final class NotFoundException extends ApiException {
    NotFoundException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /** 409 for a state conflict other than a version race (for example {@code session.completed}). */
  public static class ConflictException extends ApiException {
    ConflictException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /** 409 {@code version.mismatch}: the write named a stale version. */
  public static final class VersionMismatchException extends ConflictException {
    VersionMismatchException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }

    /**
     * The server's current version, from {@code messageParams.currentVersion}, or -1 if absent.
     *
     * @return the current version, or -1
     */
    public long currentVersion() {
      Object v = messageParams().get("currentVersion");
      if (v instanceof Number n) return n.longValue();
      if (v instanceof String s) {
        try {
          return Long.parseLong(s);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      return -1;
    }
  }

  /** 400 or 422: the request itself is wrong; retrying it will not help. */
  public static final class InvalidRequestException extends ApiException {
    InvalidRequestException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /** 413: the body is above the server's documented limit. */
  public static final class PayloadTooLargeException extends ApiException {
    PayloadTooLargeException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /**
   * 429 that the client did not wait out: the attempts ran out. (When the wait would have ended
   * past the deadline the client throws {@link DeadlineExceededException} instead.)
   */
  public static final class RateLimitedException extends ApiException {
    RateLimitedException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }

  /** 5xx. */
  public static final class ServerErrorException extends ApiException {
    ServerErrorException(int status, ErrorBody error, List<Attempt> attempts) {
      super(status, error, attempts);
    }
  }
}

package io.switchboard.client;

import java.util.Map;

/**
 * The server answered with an error status. Carries the HTTP status, the ErrorBody {@code code},
 * {@code messageParams} and the correlation id to quote when asking for help.
 */
public class ApiException extends SwitchboardException {
  private final int status;
  private final ErrorBody error;

  public ApiException(int status, ErrorBody error) {
    super(status + " " + error.code() + ": " + error.message() + " (correlation id " + error.contextId() + ")");
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  public String code() {
    return error.code();
  }

  public Map<String, Object> messageParams() {
    return error.messageParams();
  }

  public String correlationId() {
    return error.contextId();
  }

  public ErrorBody error() {
    return error;
  }

  /** The most specific exception type for this answer. */
  static ApiException of(int status, ErrorBody error) {
    return switch (status) {
      case 401 -> new AuthenticationException(status, error);
      case 403 -> new ForbiddenException(status, error);
      case 404 -> new NotFoundException(status, error);
      case 409 -> "version.mismatch".equals(error.code()) ? new VersionMismatchException(status, error) : new ConflictException(status, error);
      case 429 -> new RateLimitedException(status, error);
      default -> status >= 500 ? new ServerErrorException(status, error) : status == 400 || status == 422 ? new InvalidRequestException(status, error) : new ApiException(status, error);
    };
  }

  /** 401: the token was refused (the client has already tried a fresh one). */
  public static final class AuthenticationException extends ApiException {
    AuthenticationException(int status, ErrorBody error) {
      super(status, error);
    }
  }

  /** 403: a missing scope ({@code messageParams.scope}) or an org mismatch. */
  public static final class ForbiddenException extends ApiException {
    ForbiddenException(int status, ErrorBody error) {
      super(status, error);
    }
  }

  /** 404: no such id in the caller's org. */
  public static final class NotFoundException extends ApiException {
    NotFoundException(int status, ErrorBody error) {
      super(status, error);
    }
  }

  /** 409 for a state conflict other than a version race (for example {@code session.completed}). */
  public static class ConflictException extends ApiException {
    ConflictException(int status, ErrorBody error) {
      super(status, error);
    }
  }

  /** 409 {@code version.mismatch}: the write named a stale version. */
  public static final class VersionMismatchException extends ConflictException {
    VersionMismatchException(int status, ErrorBody error) {
      super(status, error);
    }

    /** The server's current version, from {@code messageParams.currentVersion}, or -1 if absent. */
    public long currentVersion() {
      Object v = messageParams().get("currentVersion");
      return v instanceof Number n ? n.longValue() : -1;
    }
  }

  /** 400 or 422: the request itself is wrong; retrying it will not help. */
  public static final class InvalidRequestException extends ApiException {
    InvalidRequestException(int status, ErrorBody error) {
      super(status, error);
    }
  }

  /** 429 that the client could not wait out within the deadline. */
  public static final class RateLimitedException extends ApiException {
    RateLimitedException(int status, ErrorBody error) {
      super(status, error);
    }
  }

  /** 5xx. */
  public static final class ServerErrorException extends ApiException {
    ServerErrorException(int status, ErrorBody error) {
      super(status, error);
    }
  }
}

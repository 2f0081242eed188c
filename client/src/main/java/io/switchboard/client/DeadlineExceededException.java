package io.switchboard.client;

import java.time.Duration;
import java.util.List;

/**
 * The call could not succeed within its deadline. {@link #attempts()} says what was tried: each attempt's
 * outcome and the wait that would have followed.
 */
public final class DeadlineExceededException extends SwitchboardException {
  /** One try: its HTTP status (0 for a connection failure), the error code if any, and the wait after it. */
  public record Attempt(int status, String code, Duration waitAfter) {}

  private final List<Attempt> attempts;

  public DeadlineExceededException(String message, List<Attempt> attempts, Throwable lastFailure) {
    super(message + "; attempts: " + attempts, lastFailure);
    this.attempts = List.copyOf(attempts);
  }

  public List<Attempt> attempts() {
    return attempts;
  }
}

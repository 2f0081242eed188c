package io.switchboard.client;

import java.util.List;

/**
 * The call could not succeed within its deadline. {@link #attempts()} says what was tried: each
 * attempt's outcome and the wait that followed or would have followed it. The client throws this as
 * soon as the next wait would end past the deadline; it never sleeps into certain failure.
 */
public final class DeadlineExceededException extends SwitchboardException {
  /** Every try of the call. */
  private final List<Attempt> attempts;

  DeadlineExceededException(String message, List<Attempt> attempts, Throwable lastFailure) {
    super(message + (attempts.isEmpty() ? "" : "; attempts: " + attempts), lastFailure);
    this.attempts = List.copyOf(attempts);
  }

  /**
   * Every attempt made, in order (empty when the deadline passed before the first one could be
   * sent).
   *
   * @return the attempts, in order
   */
  public List<Attempt> attempts() {
    return attempts;
  }
}

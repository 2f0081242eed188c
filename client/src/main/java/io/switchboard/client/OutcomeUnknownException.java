package io.switchboard.client;

import java.util.List;

/**
 * A write was sent more than once and the client cannot tell whether one of its sends landed: an
 * earlier try got no answer (a dropped connection, a 502 or 504 from a gateway) and a later one was
 * refused because the session had moved on, which it would also have done had our own earlier send
 * landed. Nothing more is sent; read the resource to decide. {@link #mayHaveLanded()} is true.
 */
public final class OutcomeUnknownException extends SwitchboardException {
  /** Every try of the call. */
  private final List<Attempt> attempts;

  OutcomeUnknownException(String message, List<Attempt> attempts, Throwable cause) {
    super(message + "; attempts: " + attempts, cause);
    this.attempts = List.copyOf(attempts);
    describing(null, true);
  }

  /**
   * Every attempt of the write, in order.
   *
   * @return the attempts, in order
   */
  public List<Attempt> attempts() {
    return attempts;
  }
}

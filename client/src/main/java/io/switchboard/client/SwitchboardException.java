package io.switchboard.client;

/**
 * The root of everything the client throws. Unchecked: callers catch what they can act on.
 *
 * <ul>
 *   <li>{@link ApiException} and its subclasses: the server answered with an error status.
 *   <li>{@link DeadlineExceededException}: no success within the call's deadline.
 *   <li>{@link CircuitOpenException}: the client's circuit breaker is open; nothing was sent.
 *   <li>{@link TransportException}: the connection failed and the call could not be retried.
 * </ul>
 */
public class SwitchboardException extends RuntimeException {
  /** An error with a message. */
  public SwitchboardException(String message) {
    super(message);
  }

  /** An error with a message and its cause. */
  public SwitchboardException(String message, Throwable cause) {
    super(message, cause);
  }
}

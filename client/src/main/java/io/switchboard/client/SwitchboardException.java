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
  // Set once by the core as the exception leaves a call, before any caller can see it.
  /** The key the failed request carried, or null. */
  private String idempotencyKey;

  /** Whether a write may have been applied. */
  private boolean mayHaveLanded;

  /**
   * An error with a message.
   *
   * @param message what went wrong
   */
  public SwitchboardException(String message) {
    super(message);
  }

  /**
   * An error with a message and its cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public SwitchboardException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The {@code Idempotency-Key} the failed request carried (the caller's own, or the one the client
   * made), if any: send the same request again with this key and the server applies it at most
   * once.
   *
   * @return the key, or empty when the request carried none
   */
  public java.util.Optional<String> idempotencyKey() {
    return java.util.Optional.ofNullable(idempotencyKey);
  }

  /**
   * Whether the server may have acted on the request although the call failed: a write was sent and
   * at least one try got no answer that rules it out (the connection dropped, the deadline cut the
   * answer off, a 5xx other than 503). False when every try was refused (4xx, 429, 503) or nothing
   * was sent, and for reads.
   *
   * @return whether the request may have been applied
   */
  public boolean mayHaveLanded() {
    return mayHaveLanded;
  }

  /** Records what the core knows about the request when the exception leaves a call. */
  SwitchboardException describing(String idempotencyKey, boolean mayHaveLanded) {
    if (this.idempotencyKey == null) this.idempotencyKey = idempotencyKey;
    this.mayHaveLanded |= mayHaveLanded;
    return this;
  }
}

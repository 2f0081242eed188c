package io.switchboard.client;

/** The server could not be reached or the connection failed, and the call was not (or no longer) retryable. */
public final class TransportException extends SwitchboardException {
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.switchboard.client;

/**
 * The server could not be reached or the connection failed, and the call was not (or no longer)
 * retryable. For a non-idempotent call without an idempotency key the client cannot know whether
 * the server acted on it.
 */
public final class TransportException extends SwitchboardException {
  TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.switchboard.client;

/** The root of everything the client throws. Unchecked: callers catch what they can act on. */
public class SwitchboardException extends RuntimeException {
  public SwitchboardException(String message) {
    super(message);
  }

  public SwitchboardException(String message, Throwable cause) {
    super(message, cause);
  }
}

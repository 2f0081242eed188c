package io.switchboard.server.conversations;

import java.util.Locale;

/**
 * The states of a participant's call and of a conversation, as the wire spells them (lower case).
 */
public enum CallState {
  ALERTING,
  CONNECTED,
  DISCONNECTED,
  /**
   * Disconnected and done: an agent that has wrapped up, or everyone once the conversation is over.
   */
  TERMINATED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isLive() {
    return this == ALERTING || this == CONNECTED;
  }

  public static CallState fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}

package io.switchboard.client;

import java.time.Instant;

/** An access token and when the client stops using it (a margin before its real expiry). */
record Token(String value, Instant refreshAt) {
  @Override
  public String toString() {
    return "Token[refreshAt=" + refreshAt + "]";
  }
}

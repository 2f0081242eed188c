package io.switchboard.client;

import java.time.Instant;

/**
 * An access token, when the client starts replacing it ({@code refreshAt}, a margin before expiry)
 * and when the server stops accepting it ({@code expiresAt}).
 */
record Token(String value, Instant refreshAt, Instant expiresAt) {
  @Override
  public String toString() {
    // Never the value: a token in a log line is a credential in a log line.
    return "Token[refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + "]";
  }
}

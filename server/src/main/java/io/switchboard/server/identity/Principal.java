package io.switchboard.server.identity;

import java.time.Instant;
import java.util.Set;

/**
 * Who is calling: the org and client a verified access token speaks for, and for a user's token
 * (the sign-in grants) the user. The org comes from here alone.
 */
public record Principal(
    String orgId,
    String clientId,
    Set<String> scopes,
    String tokenId,
    Instant expiresAt,
    String userId) {
  /** A client-credentials principal: no user. */
  public Principal(
      String orgId, String clientId, Set<String> scopes, String tokenId, Instant expiresAt) {
    this(orgId, clientId, scopes, tokenId, expiresAt, null);
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  public boolean isUser() {
    return userId != null;
  }
}

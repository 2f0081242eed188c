package io.switchboard.server.identity;

import java.time.Instant;
import java.util.Set;

/**
 * Who is calling: the org and client a verified access token speaks for. The org comes from here
 * alone.
 */
public record Principal(
    String orgId, String clientId, Set<String> scopes, String tokenId, Instant expiresAt) {
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }
}

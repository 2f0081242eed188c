package io.switchboard.server.identity;

import java.time.Instant;
import java.util.Set;

/** A stored OAuth client. The secret exists only as a slow hash. */
public record OAuthClient(
    String id,
    String orgId,
    String name,
    String description,
    String secretHash,
    Set<String> scopes,
    int tokenLifetimeSeconds,
    Instant createdAt,
    Instant secretRotatedAt) {

  @Override
  public String toString() {
    return "OAuthClient[id="
        + id
        + ", orgId="
        + orgId
        + ", name="
        + name
        + ", scopes="
        + scopes
        + "]";
  }
}

package io.switchboard.server.identity;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A stored OAuth client. The secret exists only as a slow hash. {@code scopes} are the scopes
 * granted by name; {@code roleDivisions} grant their roles' scopes besides (resolved when a token
 * is issued). {@code grantType} is {@code CLIENT-CREDENTIALS}, {@code CODE} or {@code TOKEN}; the
 * sign-in grants have their exact {@code redirectUris}.
 */
public record OAuthClient(
    String id,
    String orgId,
    String name,
    String description,
    String secretHash,
    Set<String> scopes,
    int tokenLifetimeSeconds,
    Instant createdAt,
    Instant secretRotatedAt,
    String grantType,
    List<String> redirectUris,
    List<RoleDivision> roleDivisions,
    Instant modifiedAt,
    Instant tokensValidFrom) {

  public static final String CLIENT_CREDENTIALS = "CLIENT-CREDENTIALS";
  public static final String CODE = "CODE";
  public static final String TOKEN = "TOKEN";

  /** Genesys's {@code RoleDivision}: a role granted in a division. */
  public record RoleDivision(String roleId, String divisionId) {}

  /** {@code modifiedAt} defaults to the latest of the creation and the last secret rotation. */
  public OAuthClient {
    grantType = grantType == null ? CLIENT_CREDENTIALS : grantType;
    redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    roleDivisions = roleDivisions == null ? List.of() : List.copyOf(roleDivisions);
    modifiedAt = latest(latest(createdAt, secretRotatedAt), modifiedAt);
  }

  /** A client that no PUT has changed. */
  public OAuthClient(
      String id,
      String orgId,
      String name,
      String description,
      String secretHash,
      Set<String> scopes,
      int tokenLifetimeSeconds,
      Instant createdAt,
      Instant secretRotatedAt,
      String grantType,
      List<String> redirectUris,
      List<RoleDivision> roleDivisions) {
    this(
        id,
        orgId,
        name,
        description,
        secretHash,
        scopes,
        tokenLifetimeSeconds,
        createdAt,
        secretRotatedAt,
        grantType,
        redirectUris,
        roleDivisions,
        null,
        null);
  }

  /**
   * What a token must have been issued at or after to live (epoch ms in the token): the last secret
   * rotation, or a later PUT that took something away.
   */
  public Instant tokenStamp() {
    return latest(secretRotatedAt, tokensValidFrom);
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) return b;
    return b == null || b.isBefore(a) ? a : b;
  }

  /** A client-credentials client with scopes only (as every client was before roles). */
  public OAuthClient(
      String id,
      String orgId,
      String name,
      String description,
      String secretHash,
      Set<String> scopes,
      int tokenLifetimeSeconds,
      Instant createdAt,
      Instant secretRotatedAt) {
    this(
        id,
        orgId,
        name,
        description,
        secretHash,
        scopes,
        tokenLifetimeSeconds,
        createdAt,
        secretRotatedAt,
        CLIENT_CREDENTIALS,
        List.of(),
        List.of());
  }

  public OAuthClient withSecret(String hash, Instant rotatedAt) {
    return new OAuthClient(
        id,
        orgId,
        name,
        description,
        hash,
        scopes,
        tokenLifetimeSeconds,
        createdAt,
        rotatedAt,
        grantType,
        redirectUris,
        roleDivisions,
        modifiedAt,
        tokensValidFrom);
  }

  public boolean signsInUsers() {
    return !grantType.equals(CLIENT_CREDENTIALS);
  }

  @Override
  public String toString() {
    return "OAuthClient[id="
        + id
        + ", orgId="
        + orgId
        + ", name="
        + name
        + ", grantType="
        + grantType
        + ", scopes="
        + scopes
        + "]";
  }
}

package io.switchboard.server.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.server.errors.Problem;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues and verifies access tokens: {@link AccessTokenFormat}'s signed binary claims (org, client,
 * scopes, expiry). Verification is one in-memory look-up of the token (its signature checked when
 * first seen) and one of revocations, plus, every {@link #CLIENT_CACHE_TTL} or after a client or
 * user changed on this node, one of short-lived caches of live clients and users: an authenticated
 * request costs microseconds and no database round trip. Tokens issued before that format (HS256
 * JWTs with the same key) are still accepted until they expire, so an upgrade signs nobody out.
 */
public final class TokenService implements Authenticator {
  /** How long a node trusts its cached view that a client still exists. */
  static final Duration CLIENT_CACHE_TTL = Duration.ofSeconds(5);

  private final byte[] signingKey;
  private final MACVerifier legacyVerifier;
  private final Clock clock;
  private final IdentityStore store;
  private final RevocationList revocations;
  private final UserAccounts users;

  /**
   * A user's token works while the user is active: (org, user) to whether it is, and when this node
   * read it, for the TTL.
   */
  private final Cache<String, Read<Boolean>> activeUsers;

  /**
   * Client id to the client, or empty when it is gone, and when this node read it; for {@link
   * #CLIENT_CACHE_TTL} on the service's clock.
   */
  private final Cache<String, Read<Optional<OAuthClient>>> clients;

  /** What this node read of a client or a user, and when (the service's clock, ms). */
  private record Read<T>(T value, long atMillis) {}

  /**
   * Bumped by every change of a client or a user made on this node, after the caches above have it:
   * a token's {@link Verified#liveUntil} taken under an older value is not trusted.
   */
  private final AtomicLong liveness = new AtomicLong();

  /**
   * Tokens whose signature has been checked, so a busy caller's token is parsed and MAC-verified
   * once, and its principal made once. Only the expensive, immutable part is kept for good; expiry
   * and revocation are checked on every request, and the client's (and user's) existence whenever
   * the reads it rests on are older than the TTL or something changed on this node since.
   */
  private final Cache<String, Verified> verified =
      Caffeine.newBuilder().maximumSize(VERIFIED_CACHE_LIMIT).build();

  /**
   * A verified token. {@code liveUntil} remembers the last time its client (and user) were found
   * live: until when that holds, and under which {@link #liveness}. Checked through it, a busy
   * token's request looks up only the token: the client and user caches were two more lookups per
   * request (issue 14), and their answer is the same within their TTL anyway.
   */
  private static final class Verified {
    final Principal principal;
    final long secretStamp;
    final long expiresAtMillis;
    volatile Live liveUntil;

    Verified(AccessTokenFormat.Claims claims) {
      this.principal =
          new Principal(
              claims.orgId(),
              claims.clientId(),
              claims.scopes(),
              claims.tokenId(),
              claims.expiresAt(),
              claims.userId());
      this.secretStamp = claims.secretStamp();
      this.expiresAtMillis = claims.expiresAt().toEpochMilli();
    }
  }

  private record Live(long liveness, long untilMillis) {}

  static final int VERIFIED_CACHE_LIMIT = 50_000;
  static final int CLIENT_CACHE_LIMIT = 100_000;

  /** A JWT of the format before {@link AccessTokenFormat}: three base64url parts. */
  private static final java.util.regex.Pattern LEGACY_JWT =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /** The claim naming the user of a user's token (sign-in grants). */
  static final String USER_CLAIM = "uid";

  /** The claim that ties a token to the client secret it was obtained with. */
  static final String SECRET_STAMP_CLAIM = "srt";

  public record IssuedToken(
      String accessToken, String tokenType, long expiresIn, Principal principal) {}

  public TokenService(
      byte[] signingKey,
      Clock clock,
      IdentityStore store,
      RevocationList revocations,
      UserAccounts users) {
    this.signingKey = signingKey.clone();
    try {
      // Refuses a key shorter than 256 bits, for both formats.
      this.legacyVerifier = new MACVerifier(signingKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("token signing key must be at least 256 bits", e);
    }
    this.clock = clock;
    this.store = store;
    this.revocations = revocations;
    this.users = users;
    this.activeUsers =
        Caffeine.newBuilder()
            .maximumSize(CLIENT_CACHE_LIMIT)
            .expireAfterWrite(CLIENT_CACHE_TTL)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
    // One load per client per TTL, however many of its requests arrive at once.
    this.clients =
        Caffeine.newBuilder()
            .maximumSize(CLIENT_CACHE_LIMIT)
            .expireAfterWrite(CLIENT_CACHE_TTL)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
  }

  /**
   * A token of {@code client} carrying {@code scopes}; {@code userId} is the signed-in user, or
   * null for a client-credentials token.
   */
  public IssuedToken issue(OAuthClient client, Set<String> scopes, String userId) {
    Instant now = clock.instant();
    Instant expires = now.plusSeconds(client.tokenLifetimeSeconds());
    String jti = UUID.randomUUID().toString();
    String token =
        AccessTokenFormat.seal(
            signingKey,
            new AccessTokenFormat.Claims(
                client.orgId(),
                client.id(),
                Set.copyOf(scopes),
                jti,
                expires,
                client.tokenStamp().toEpochMilli(),
                userId));
    var principal =
        new Principal(client.orgId(), client.id(), Set.copyOf(scopes), jti, expires, userId);
    return new IssuedToken(token, "bearer", client.tokenLifetimeSeconds(), principal);
  }

  @Override
  public Principal authenticate(String token) {
    long now = clock.millis();
    // A forged token throws and is not kept; a busy caller's token is parsed and verified once.
    Verified v = verified.get(token, this::verifySignature);
    if (now >= v.expiresAtMillis) {
      verified.invalidate(token);
      throw invalid("The access token has expired.");
    }
    if (revocations.isRevoked(v.principal.tokenId()))
      throw invalid("The access token has been revoked.");
    Live live = v.liveUntil;
    if (live == null || now >= live.untilMillis() || live.liveness() != liveness.get())
      v.liveUntil = checkLive(v.principal, v.secretStamp);
    return v.principal;
  }

  /**
   * Throws unless the token's client exists in its org, its secret was not rotated after the token
   * was issued, and its user (if any) is active; else says until when that holds: the TTL after the
   * oldest read it rests on.
   */
  private Live checkLive(Principal p, long secretStamp) {
    // Read before the caches: a change made while they are read leaves this answer stale.
    long seen = liveness.get();
    if (p.clientId() == null) throw invalid("The OAuth client of this token no longer exists.");
    Read<Optional<OAuthClient>> read =
        clients.get(p.clientId(), id -> new Read<>(store.findClient(id), clock.millis()));
    OAuthClient client =
        read.value().orElseThrow(() -> invalid("The OAuth client of this token no longer exists."));
    if (!client.orgId().equals(p.orgId())) throw invalid("The access token is invalid.");
    if (secretStamp < client.tokenStamp().toEpochMilli())
      throw invalid(
          client.tokenStamp().equals(client.secretRotatedAt())
              ? "The access token was issued before the client's secret was rotated."
              : "The access token was issued before the client's access was reduced.");
    long oldest = read.atMillis();
    if (p.userId() != null) {
      Read<Boolean> active =
          activeUsers.get(
              p.orgId() + "/" + p.userId(),
              k -> new Read<>(users.findActive(p.orgId(), p.userId()).isPresent(), clock.millis()));
      if (!active.value()) throw invalid("The user of this token no longer exists.");
      oldest = Math.min(oldest, active.atMillis());
    }
    return new Live(seen, oldest + CLIENT_CACHE_TTL.toMillis());
  }

  private Verified verifySignature(String token) {
    return new Verified(verifiedClaims(token));
  }

  private AccessTokenFormat.Claims verifiedClaims(String token) {
    // A JWT has dots; the current format is base64url, which has none.
    if (token.indexOf('.') >= 0) return verifyLegacyJwt(token);
    return AccessTokenFormat.open(signingKey, token)
        .orElseThrow(() -> invalid("The access token is invalid."));
  }

  /**
   * A token issued before {@link AccessTokenFormat}: an HS256 JWT signed with the same key. One
   * without the {@code srt} claim (older still) has its issue time as the secret stamp.
   */
  private AccessTokenFormat.Claims verifyLegacyJwt(String token) {
    // Three base64url parts and no more than a JWT of ours ever was (~600 characters): the JWT
    // parser skips characters outside the alphabet, so without this one token had endless
    // spellings, each a separate entry of the verified cache.
    if (token.length() > AccessTokenFormat.MAX_TOKEN_CHARS || !LEGACY_JWT.matcher(token).matches())
      throw invalid("The access token is invalid.");
    JWTClaimsSet claims;
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(legacyVerifier))
        throw invalid("The access token is invalid.");
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | JOSEException | IllegalStateException e) {
      throw invalid("The access token is invalid.");
    }
    Date exp = claims.getExpirationTime();
    String jti = claims.getJWTID();
    String clientId = claims.getSubject();
    if (exp == null
        || jti == null
        || clientId == null
        || !(claims.getClaim("org") instanceof String org))
      throw invalid("The access token is invalid.");
    var scopes = new LinkedHashSet<String>();
    if (claims.getClaim("scp") instanceof List<?> list)
      list.forEach(s -> scopes.add(String.valueOf(s)));
    long stamp;
    if (claims.getClaim(SECRET_STAMP_CLAIM) instanceof Number n) {
      stamp = n.longValue();
    } else {
      // Issued before the claim existed: its issue time, to the second, stands in (rounded up, so a
      // token
      // from the very second of a rotation is not refused for a fraction the JWT cannot express).
      Date iat = claims.getIssueTime();
      stamp = iat == null ? Long.MIN_VALUE : iat.getTime() + 999;
    }
    String userId = claims.getClaim(USER_CLAIM) instanceof String u ? u : null;
    return new AccessTokenFormat.Claims(
        org, clientId, Set.copyOf(scopes), jti, exp.toInstant(), stamp, userId);
  }

  public void revoke(Principal principal) {
    revocations.revoke(principal.tokenId(), principal.expiresAt());
  }

  /**
   * Called when a client's secret was rotated or its settings changed here, so its older tokens
   * stop at once on this node (others within the TTL).
   */
  public void clientChanged(OAuthClient client) {
    // Two rotations on this node may get here in either order: the later secret stays (a gone
    // client stays gone).
    clients
        .asMap()
        .merge(
            client.id(),
            new Read<>(Optional.of(client), clock.millis()),
            (held, mine) ->
                held.value().isEmpty()
                        || held.value().get().tokenStamp().isAfter(client.tokenStamp())
                    ? held
                    : mine);
    liveness.incrementAndGet();
  }

  /**
   * Called when a client is deleted here, so its tokens stop at once on this node (others within
   * the TTL).
   */
  public void forgetClient(String clientId) {
    clients.put(clientId, new Read<>(Optional.empty(), clock.millis()));
    liveness.incrementAndGet();
  }

  /** Called when a user is deleted here, so its tokens stop at once on this node. */
  public void forgetUser(String orgId, String userId) {
    activeUsers.put(orgId + "/" + userId, new Read<>(false, clock.millis()));
    liveness.incrementAndGet();
  }

  private static Problem invalid(String message) {
    return new Problem(Problem.Kind.UNAUTHENTICATED, "bad.credentials", message, Map.of());
  }
}

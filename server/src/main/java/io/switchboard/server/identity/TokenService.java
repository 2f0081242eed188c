package io.switchboard.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies access tokens: HS256 JWTs carrying org, client, scopes and expiry. Verification is a
 * MAC check plus two in-memory look-ups (revocations, and a short-lived cache of live clients), so an
 * authenticated request costs microseconds and no database round trip.
 */
public final class TokenService implements Authenticator {
  /** How long a node trusts its cached view that a client still exists. */
  static final Duration CLIENT_CACHE_TTL = Duration.ofSeconds(5);

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Clock clock;
  private final IdentityStore store;
  private final RevocationList revocations;
  private final ConcurrentHashMap<String, CachedClient> clients = new ConcurrentHashMap<>();

  private record CachedClient(Optional<OAuthClient> client, Instant loadedAt) {}

  public record IssuedToken(String accessToken, String tokenType, long expiresIn, Principal principal) {}

  public TokenService(byte[] signingKey, Clock clock, IdentityStore store, RevocationList revocations) {
    try {
      this.signer = new MACSigner(signingKey);
      this.verifier = new MACVerifier(signingKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("token signing key must be at least 256 bits", e);
    }
    this.clock = clock;
    this.store = store;
    this.revocations = revocations;
  }

  public IssuedToken issue(OAuthClient client) {
    Instant now = clock.instant();
    Instant expires = now.plusSeconds(client.tokenLifetimeSeconds());
    String jti = UUID.randomUUID().toString();
    var claims =
        new JWTClaimsSet.Builder()
            .jwtID(jti)
            .subject(client.id())
            .claim("org", client.orgId())
            .claim("scp", List.copyOf(client.scopes()))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
    var principal = new Principal(client.orgId(), client.id(), client.scopes(), jti, expires);
    return new IssuedToken(jwt.serialize(), "bearer", client.tokenLifetimeSeconds(), principal);
  }

  @Override
  public Principal authenticate(String token) {
    JWTClaimsSet claims;
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) throw invalid("The access token is invalid.");
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | JOSEException | IllegalStateException e) {
      throw invalid("The access token is invalid.");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null || !exp.toInstant().isAfter(now)) throw invalid("The access token has expired.");
    String jti = claims.getJWTID();
    if (jti == null || revocations.isRevoked(jti)) throw invalid("The access token has been revoked.");
    String clientId = claims.getSubject();
    Object org = claims.getClaim("org");
    OAuthClient client = liveClient(clientId, now).orElseThrow(() -> invalid("The OAuth client of this token no longer exists."));
    if (!client.orgId().equals(org)) throw invalid("The access token is invalid.");
    Object scp = claims.getClaim("scp");
    var scopes = new LinkedHashSet<String>();
    if (scp instanceof List<?> list) list.forEach(s -> scopes.add(String.valueOf(s)));
    return new Principal(client.orgId(), clientId, scopes, jti, exp.toInstant());
  }

  public void revoke(Principal principal) {
    revocations.revoke(principal.tokenId(), principal.expiresAt());
  }

  /** Called when a client is deleted here, so its tokens stop at once on this node (others within the TTL). */
  public void forgetClient(String clientId) {
    clients.put(clientId, new CachedClient(Optional.empty(), clock.instant()));
  }

  private Optional<OAuthClient> liveClient(String clientId, Instant now) {
    if (clientId == null) return Optional.empty();
    CachedClient cached = clients.get(clientId);
    if (cached == null || cached.loadedAt().plus(CLIENT_CACHE_TTL).isBefore(now)) {
      cached = new CachedClient(store.findClient(clientId), now);
      clients.put(clientId, cached);
    }
    return cached.client();
  }

  private static Problem invalid(String message) {
    return new Problem(Problem.Kind.UNAUTHENTICATED, "bad.credentials", message, Map.of());
  }
}

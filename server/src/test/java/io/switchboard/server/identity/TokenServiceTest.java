package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.storage.Database;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestDatabases;
import io.switchboard.server.users.UserService;
import io.switchboard.server.users.UserStore;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token service on a real (H2) identity store: the current format and the JWTs before it. */
class TokenServiceTest {
  private final MutableClock clock = new MutableClock();
  private final byte[] key = new byte[32];
  private Database db;
  private TokenService tokens;
  private IdentityService identity;
  private IdentityStore store;
  private RevocationList revocations;

  @BeforeEach
  void start() {
    new Random(3).nextBytes(key);
    db = Database.open(TestDatabases.h2());
    store = new IdentityStore(db.jdbi());
    var users = new UserService(new UserStore(db.jdbi()), new Passwords(4), clock);
    revocations = new RevocationList(store, clock);
    tokens = new TokenService(key, clock, store, revocations, users);
    identity =
        new IdentityService(
            store,
            new SecretHasher(4),
            tokens,
            new RoleService(new RoleStore(db.jdbi()), clock),
            clock,
            3600);
  }

  @AfterEach
  void stop() {
    revocations.close();
    db.close();
  }

  @Test
  void anIssuedTokenIsShortAndAuthenticatesAsItsClient() {
    var admin = identity.createOrg("acme").admin().client();
    var issued = identity.issueToken(admin);
    assertThat(issued.accessToken().length()).isLessThan(130);
    Principal p = tokens.authenticate(issued.accessToken());
    assertThat(p.orgId()).isEqualTo(admin.orgId());
    assertThat(p.clientId()).isEqualTo(admin.id());
    assertThat(p.scopes()).isEqualTo(issued.principal().scopes()).contains(Scopes.SCRIPTS);
    assertThat(p.tokenId()).isEqualTo(issued.principal().tokenId());

    clock.advance(Duration.ofSeconds(3601));
    assertThatThrownBy(() -> tokens.authenticate(issued.accessToken()))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("expired");
  }

  @Test
  void aJwtIssuedBeforeTheFormatChangeStillWorksAndAForgedOneDoesNot() throws Exception {
    var admin = identity.createOrg("acme").admin().client();
    String jti = UUID.randomUUID().toString();
    String legacy = jwt(key, admin, jti);
    Principal p = tokens.authenticate(legacy);
    assertThat(p.orgId()).isEqualTo(admin.orgId());
    assertThat(p.tokenId()).isEqualTo(jti);
    assertThat(p.scopes()).containsExactlyInAnyOrder(Scopes.SCRIPTS, Scopes.USERS + ":readonly");

    // The JWT parser skips characters outside base64url; each such spelling would be a cache entry.
    assertThatThrownBy(() -> tokens.authenticate(legacy + "!!!")).isInstanceOf(Problem.class);
    int dot = legacy.lastIndexOf('.');
    assertThatThrownBy(() ->
            tokens.authenticate(legacy.substring(0, dot + 2) + "$$" + legacy.substring(dot + 2)))
        .isInstanceOf(Problem.class);

    byte[] otherKey = key.clone();
    otherKey[5] ^= 1;
    assertThatThrownBy(() -> tokens.authenticate(jwt(otherKey, admin, jti)))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("invalid");
  }

  @Test
  void aClientDeletedHereStopsItsTokensAtOnceAndOneDeletedElsewhereWithinTheTtlOfTheRead() {
    var elsewhere = identity.createOrg("acme").admin().client();
    var here = identity.createOrg("globex").admin().client();
    String elsewhereToken = identity.issueToken(elsewhere).accessToken();
    var hereIssued = identity.issueToken(here);
    // Both found live now: this node read both clients at this instant.
    tokens.authenticate(elsewhereToken);
    tokens.authenticate(hereIssued.accessToken());

    Duration ttl = TokenService.CLIENT_CACHE_TTL;
    clock.advance(ttl.dividedBy(2));
    // As another node would: straight in the database, this node not told.
    assertThat(store.deleteClient(elsewhere.orgId(), elsewhere.id())).isTrue();
    identity.deleteClient(hereIssued.principal(), here.id());
    assertThatThrownBy(() -> tokens.authenticate(hereIssued.accessToken()))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("no longer exists");

    // The other node's delete shows when this node's read of the client is a TTL old, counted
    // from the read, not from the last request that relied on it.
    assertThat(tokens.authenticate(elsewhereToken).clientId()).isEqualTo(elsewhere.id());
    clock.advance(ttl.dividedBy(2).minusMillis(1));
    assertThat(tokens.authenticate(elsewhereToken).clientId()).isEqualTo(elsewhere.id());
    clock.advance(Duration.ofMillis(1));
    assertThatThrownBy(() -> tokens.authenticate(elsewhereToken))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("no longer exists");
  }

  @Test
  void anOlderRotationArrivingLateDoesNotUndoANewerOne() {
    var admin = identity.createOrg("acme").admin().client();
    var caller = identity.issueToken(admin).principal();
    clock.advance(Duration.ofSeconds(1));
    var older = identity.rotateSecret(caller, admin.id()).client();
    String olderToken = identity.issueToken(older).accessToken();
    assertThat(tokens.authenticate(olderToken).clientId()).isEqualTo(admin.id());
    clock.advance(Duration.ofSeconds(1));
    identity.rotateSecret(caller, admin.id());
    assertThatThrownBy(() -> tokens.authenticate(olderToken))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("rotated");
    // Two rotations on this node whose cache updates land in the other order: the token of the
    // older secret stays refused.
    tokens.clientChanged(older);
    assertThatThrownBy(() -> tokens.authenticate(olderToken))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("rotated");
  }

  private String jwt(byte[] signingKey, OAuthClient client, String jti) throws Exception {
    var claims =
        new JWTClaimsSet.Builder()
            .jwtID(jti)
            .subject(client.id())
            .claim("org", client.orgId())
            .claim("scp", List.of(Scopes.SCRIPTS, Scopes.USERS + ":readonly"))
            .claim(TokenService.SECRET_STAMP_CLAIM, client.secretRotatedAt().toEpochMilli())
            .issueTime(Date.from(clock.instant()))
            .expirationTime(Date.from(clock.instant().plusSeconds(600)))
            .build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(signingKey));
    return jwt.serialize();
  }
}

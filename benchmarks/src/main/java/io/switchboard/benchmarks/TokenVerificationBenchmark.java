package io.switchboard.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.server.identity.AccessTokenFormat;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.IdentityStore;
import io.switchboard.server.identity.RevocationList;
import io.switchboard.server.identity.SecretHasher;
import io.switchboard.server.identity.TokenService;
import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What authenticating a request costs: {@code authenticate} (what every /api/v2 request runs)
 * against the baselines of decoding and MAC-checking the token on every call, and of parsing and
 * verifying a JWT of the same claims (the format before it) with nimbus, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenVerificationBenchmark {
  Database database;
  RevocationList revocations;
  TokenService tokens;
  String token;
  String legacyJwt;
  byte[] key;
  MACVerifier verifier;

  @Setup
  public void setUp() throws Exception {
    database =
        Database.open(
            new StorageConfig(Files.createTempDirectory("jmh"), null, null, null, 4, null));
    var store = new IdentityStore(database.jdbi());
    revocations = new RevocationList(store, Clock.systemUTC());
    key = new byte[32];
    new SecureRandom().nextBytes(key);
    verifier = new MACVerifier(key);
    var users =
        new io.switchboard.server.users.UserService(
            new io.switchboard.server.users.UserStore(database.jdbi()),
            new io.switchboard.server.identity.Passwords(4),
            Clock.systemUTC());
    tokens = new TokenService(key, Clock.systemUTC(), store, revocations, users);
    var roles =
        new io.switchboard.server.identity.RoleService(
            new io.switchboard.server.identity.RoleStore(database.jdbi()), Clock.systemUTC());
    var identity =
        new IdentityService(store, new SecretHasher(4), tokens, roles, Clock.systemUTC(), 86400);
    var org = identity.createOrg("bench");
    var issued = identity.issueToken(org.admin().client());
    token = issued.accessToken();
    var p = issued.principal();
    var claims =
        new JWTClaimsSet.Builder()
            .jwtID(p.tokenId())
            .subject(p.clientId())
            .claim("org", p.orgId())
            .claim("scp", List.copyOf(p.scopes()))
            .claim("srt", 0L)
            .issueTime(new Date())
            .expirationTime(Date.from(p.expiresAt()))
            .build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key));
    legacyJwt = jwt.serialize();
    System.out.printf(
        "token: %d characters (the JWT of the same claims: %d)%n",
        token.length(), legacyJwt.length());
  }

  @TearDown
  public void tearDown() {
    revocations.close();
    database.close();
  }

  @Benchmark
  public Object authenticate() {
    return tokens.authenticate(token);
  }

  /** What a request would pay without the verified-token cache: decode and MAC-check each time. */
  @Benchmark
  public Object baselineOpenToken() {
    return AccessTokenFormat.open(key, token).orElseThrow();
  }

  /** The same claims as the HS256 JWT the server issued before its own format, parsed by nimbus. */
  @Benchmark
  public Object baselineParseAndVerifyJwt() throws Exception {
    SignedJWT jwt = SignedJWT.parse(legacyJwt);
    if (!jwt.verify(verifier)) throw new IllegalStateException();
    return jwt.getJWTClaimsSet();
  }
}

package io.switchboard.benchmarks;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
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
 * against the baseline of parsing and MAC-verifying the same JWT with nimbus on every call, in one
 * run.
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
  MACVerifier verifier;

  @Setup
  public void setUp() throws Exception {
    database =
        Database.open(
            new StorageConfig(Files.createTempDirectory("jmh"), null, null, null, 4, null));
    var store = new IdentityStore(database.jdbi());
    revocations = new RevocationList(store, Clock.systemUTC());
    byte[] key = new byte[32];
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
    token = identity.issueToken(org.admin().client()).accessToken();
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

  @Benchmark
  public Object baselineParseAndVerifyJwt() throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    if (!jwt.verify(verifier)) throw new IllegalStateException();
    return jwt.getJWTClaimsSet();
  }
}

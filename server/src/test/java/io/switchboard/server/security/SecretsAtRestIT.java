package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.credentials.CredentialKeys;
import io.switchboard.server.credentials.KeyRotation;
import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.identity.AccessTokenFormat;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 1: whoever can read the data directory (or a database dump) must not be able to
 * mint tokens. The server secrets are sealed with the credentials key, the data directory and its
 * files are owner-only, and {@code credentials rotate-key} replaces the signing key so older tokens
 * fail.
 */
class SecretsAtRestIT {

  private static Map<String, String> dataDir(Path dir) {
    return Map.of(SettingKeys.DATA_DIR, dir.toString());
  }

  @Test
  void theDataDirectoryAndEveryFileInItAreOwnerOnly() throws Exception {
    // A directory the server creates itself (the umask would make it 0755 and H2's files 0644).
    Path dir = Files.createTempDirectory("switchboard-perms").resolve("data");
    try (TestServer server = TestServer.start(dataDir(dir))) {
      Api api = server.api();
      api.get("/api/v2/users", api.token(server.newOrg()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      List<String> notOwnerOnly = new ArrayList<>();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          if (p.equals(dir)) continue;
          String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          if (!perms.equals(Files.isDirectory(p) ? "rwx------" : "rw-------"))
            notOwnerOnly.add(dir.relativize(p) + " " + perms);
        }
      }
      assertThat(notOwnerOnly).isEmpty();
      assertThat(dir.resolve("switchboard.mv.db")).exists();
    }
  }

  @Test
  void anExistingWorldReadableDataDirectoryIsTightenedAtStart() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-perms");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path stray = Files.writeString(dir.resolve("notes.txt"), "left here by an older version");
    Files.setPosixFilePermissions(stray, PosixFilePermissions.fromString("rw-r--r--"));
    try (TestServer server = TestServer.start(dataDir(dir))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stray)))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dir.resolve("switchboard.mv.db"))))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void theStoredSigningKeyDoesNotMintTokens() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-secrets");
    try (TestServer server = TestServer.start(dataDir(dir))) {
      TestServer.OrgAccess org = server.newOrg();
      Api api = server.api();
      // What someone with a copy of the database file reads.
      String stored =
          server
              .switchboard()
              .database()
              .jdbi()
              .withHandle(h ->
                  h.createQuery(
                          "select secret_value from server_secrets where name ="
                              + " 'token-signing-key'")
                      .mapTo(String.class)
                      .one());
      for (String forged : forge(decodeAny(stored), org)) {
        Api.Response r = api.get("/api/v2/users", forged);
        assertThat(r.status()).isEqualTo(401);
      }
      // (With the key kept in clear, as before, that forgery was a 200.) The server's own tokens
      // work.
      assertThat(api.get("/api/v2/users", api.token(org)).status()).isEqualTo(200);
    }
  }

  @Test
  void rotatingTheCredentialsKeyReplacesTheSigningKeySoOlderTokensFail() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-rotate");
    TestServer.OrgAccess org;
    String before;
    try (TestServer server = TestServer.start(dataDir(dir))) {
      org = server.newOrg();
      before = server.api().token(org);
      assertThat(server.api().get("/api/v2/users", before).status()).isEqualTo(200);
    }
    // What `switchboard credentials rotate-key --generate` does, offline.
    Settings settings = Settings.of(dataDir(dir));
    SecretBox oldKey = CredentialKeys.configured(settings).orElseThrow().box();
    String newKey = SecretBox.newKeyBase64();
    try (Database db = Database.open(StorageConfig.from(settings))) {
      KeyRotation.Result result = KeyRotation.rotate(db, oldKey, SecretBox.fromBase64(newKey));
      assertThat(result.serverSecrets()).isEqualTo(2);
    }
    CredentialKeys.writeOwnerOnly(dir.resolve(CredentialKeys.DEFAULT_KEY_FILE), newKey);

    try (TestServer server = TestServer.start(dataDir(dir))) {
      Api api = server.api();
      Api.Response refused = api.get("/api/v2/users", before);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(api.get("/api/v2/users", api.token(org)).status()).isEqualTo(200);
    }
  }

  private static byte[] decodeAny(String stored) {
    try {
      return Base64.getDecoder().decode(stored);
    } catch (IllegalArgumentException notStandard) {
      return Base64.getUrlDecoder().decode(stored);
    }
  }

  /**
   * An all-scopes token for the org's admin client, signed with {@code key} as the server signs its
   * own: in the current format, and as the JWT the server issued before it (and still accepts).
   */
  private static List<String> forge(byte[] key, TestServer.OrgAccess org) throws Exception {
    Instant now = Instant.now();
    String current =
        AccessTokenFormat.seal(
            key,
            new AccessTokenFormat.Claims(
                org.orgId(),
                org.clientId(),
                IdentityService.allScopes(),
                UUID.randomUUID().toString(),
                now.plusSeconds(600),
                Long.MAX_VALUE,
                null));
    var claims =
        new JWTClaimsSet.Builder()
            .jwtID(UUID.randomUUID().toString())
            .subject(org.clientId())
            .claim("org", org.orgId())
            .claim("scp", List.copyOf(IdentityService.allScopes()))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(600)))
            .build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key.length >= 32 ? key : java.util.Arrays.copyOf(key, 32)));
    return List.of(current, jwt.serialize());
  }
}

package io.switchboard.server.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.storage.Database;
import io.switchboard.server.storage.StorageConfig;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where the credentials key comes from at start-up, what happens when it is missing or wrong, and
 * rotation.
 */
class CredentialKeysIT {
  static final String BASE = "/api/v2/integrations/credentials";

  record Stored(Path dataDir, String orgId, String credentialId) {}

  /**
   * A data directory holding one org and one bearer credential sealed with whatever key the start
   * chose.
   */
  static Stored storeOne(Map<String, String> settings) throws Exception {
    Path dir = Files.createTempDirectory("switchboard-keys");
    var all = new java.util.HashMap<>(settings);
    all.put(SettingKeys.DATA_DIR, dir.toString());
    try (TestServer server = TestServer.start(all)) {
      var org = server.newOrg();
      Api api = server.api();
      var r =
          api.post(
              BASE,
              api.token(org),
              "{\"name\":\"t\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"the-token\"}}");
      assertThat(r.status()).isEqualTo(201);
      return new Stored(dir, org.orgId(), r.json().get("id").asString());
    }
  }

  static TestServer restart(Stored s, Map<String, String> settings) {
    var all = new java.util.HashMap<>(settings);
    all.put(SettingKeys.DATA_DIR, s.dataDir().toString());
    return TestServer.start(all);
  }

  @Test
  void aFirstStartWritesAnOwnerOnlyKeyFileThatLaterStartsUse() throws Exception {
    Stored s = storeOne(Map.of());
    Path keyFile = s.dataDir().resolve("crypto.key");
    assertThat(keyFile).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    assertThat(SecretBox.fromBase64(Files.readString(keyFile).trim()).keyId()).hasSize(16);
    try (TestServer again = restart(s, Map.of())) {
      assertThat(
              again
                  .switchboard()
                  .credentials()
                  .resolve(s.orgId(), s.credentialId())
                  .secret("token"))
          .isEqualTo("the-token");
    }
  }

  @Test
  void aConfiguredKeyIsUsedAndNoFileIsWritten() throws Exception {
    String key = SecretBox.newKeyBase64();
    Stored s = storeOne(Map.of(SettingKeys.CRYPTO_KEY, key));
    assertThat(s.dataDir().resolve("crypto.key")).doesNotExist();
    try (TestServer again = restart(s, Map.of(SettingKeys.CRYPTO_KEY, key))) {
      assertThat(
              again
                  .switchboard()
                  .credentials()
                  .resolve(s.orgId(), s.credentialId())
                  .secret("token"))
          .isEqualTo("the-token");
    }
    assertThatThrownBy(() -> restart(s, Map.of(SettingKeys.CRYPTO_KEY, "not base64!")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("crypto.key");
    assertThatThrownBy(() -> restart(s, Map.of(SettingKeys.CRYPTO_KEY, "c2hvcnQ=")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void storedSecretsWithoutAKeyStopTheStartWithAClearMessage() throws Exception {
    Stored s = storeOne(Map.of());
    String keyId =
        SecretBox.fromBase64(Files.readString(s.dataDir().resolve("crypto.key")).trim()).keyId();
    Files.delete(s.dataDir().resolve("crypto.key"));
    assertThatThrownBy(() -> restart(s, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "1 stored credential(s) and 2 server secret(s) are encrypted, but no credentials key is"
                + " configured")
        .hasMessageContaining("SWITCHBOARD_CRYPTO_KEY")
        .hasMessageContaining(keyId);
    // And no new key was generated behind the user's back.
    assertThat(s.dataDir().resolve("crypto.key")).doesNotExist();
  }

  @Test
  void aWrongKeyStopsTheStartNamingBothKeyIds() throws Exception {
    Stored s = storeOne(Map.of());
    String keyId =
        SecretBox.fromBase64(Files.readString(s.dataDir().resolve("crypto.key")).trim()).keyId();
    String wrong = SecretBox.newKeyBase64();
    assertThatThrownBy(() -> restart(s, Map.of(SettingKeys.CRYPTO_KEY, wrong)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sealed with key id " + keyId)
        .hasMessageContaining("has key id " + SecretBox.fromBase64(wrong).keyId())
        .hasMessageContaining("rotate-key");
  }

  @Test
  void rotationReEncryptsInPlaceAndTheServerRunsOnTheNewKey() throws Exception {
    Stored s = storeOne(Map.of());
    Settings settings = Settings.of(Map.of(SettingKeys.DATA_DIR, s.dataDir().toString()));
    SecretBox oldKey = CredentialKeys.configured(settings).orElseThrow().box();
    String newKey = SecretBox.newKeyBase64();
    try (Database db = Database.open(StorageConfig.from(settings))) {
      assertThat(KeyRotation.rotate(db, oldKey, SecretBox.fromBase64(newKey)))
          .isEqualTo(new KeyRotation.Result(1, 0, 2));
    }
    assertThatThrownBy(() -> restart(s, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sealed with key id " + SecretBox.fromBase64(newKey).keyId());
    try (TestServer again = restart(s, Map.of(SettingKeys.CRYPTO_KEY, newKey))) {
      assertThat(
              again
                  .switchboard()
                  .credentials()
                  .resolve(s.orgId(), s.credentialId())
                  .secret("token"))
          .isEqualTo("the-token");
    }
  }
}

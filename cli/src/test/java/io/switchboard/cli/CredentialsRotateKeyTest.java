package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code switchboard credentials rotate-key}: offline re-encryption against a data directory. */
class CredentialsRotateKeyTest {
  @TempDir Path data;

  record Run(int exitCode, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    CommandLine rotate = cli.getSubcommands().get("credentials").getSubcommands().get("rotate-key");
    ((CredentialsCommand.RotateKey) rotate.getCommand()).environment = env;
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  record Stored(String orgId, String credentialId) {}

  Stored storeOne() {
    try (TestServer server = TestServer.start(Map.of(SettingKeys.DATA_DIR, data.toString()))) {
      var org = server.newOrg();
      Api api = server.api();
      var r =
          api.post(
              "/api/v2/integrations/credentials",
              api.token(org),
              "{\"name\":\"b\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"u\",\"password\":\"rotate-me\"}}");
      assertThat(r.status()).isEqualTo(201);
      return new Stored(org.orgId(), r.json().get("id").asString());
    }
  }

  String resolveAfterRestart(Stored s, Map<String, String> settings) {
    var all = new java.util.HashMap<>(settings);
    all.put(SettingKeys.DATA_DIR, data.toString());
    try (TestServer server = TestServer.start(all)) {
      return server
          .switchboard()
          .credentials()
          .resolve(s.orgId(), s.credentialId())
          .secret("password");
    }
  }

  @Test
  void generateReplacesTheKeyFileAfterReEncrypting() throws Exception {
    Stored s = storeOne();
    Path keyFile = data.resolve("crypto.key");
    String oldKey = Files.readString(keyFile).trim();

    Run r = run(Map.of(), "credentials", "rotate-key", "--generate", "--data", data.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    String newKey = Files.readString(keyFile).trim();
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    assertThat(data.resolve("crypto.key.new")).doesNotExist();
    assertThat(r.out())
        .contains(
            "Re-encrypted 1 credential(s) from key id "
                + SecretBox.fromBase64(oldKey).keyId()
                + " to key id "
                + SecretBox.fromBase64(newKey).keyId());
    assertThat(r.out() + r.err())
        .doesNotContain(newKey)
        .doesNotContain(oldKey)
        .doesNotContain("rotate-me");
    assertThat(resolveAfterRestart(s, Map.of())).isEqualTo("rotate-me");
  }

  @Test
  void aNewKeyFromAFileOrTheEnvironmentAndTheServerThenNeedsIt() throws Exception {
    Stored s = storeOne();
    String second = SecretBox.newKeyBase64();
    Path newKeyFile = data.resolve("second.key");
    Files.writeString(newKeyFile, second + "\n");
    Run r =
        run(
            Map.of(),
            "credentials",
            "rotate-key",
            "--new-key-file",
            newKeyFile.toString(),
            "--data",
            data.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("SWITCHBOARD_CRYPTO_KEY");
    assertThat(resolveAfterRestart(s, Map.of(SettingKeys.CRYPTO_KEY, second)))
        .isEqualTo("rotate-me");

    // The current key now comes from the setting; the next one from the environment.
    String third = SecretBox.newKeyBase64();
    Run again =
        run(
            Map.of("SWITCHBOARD_NEW_CRYPTO_KEY", third),
            "credentials",
            "rotate-key",
            "--data",
            data.toString(),
            "--config",
            config("crypto.key: " + second).toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(resolveAfterRestart(s, Map.of(SettingKeys.CRYPTO_KEY, third)))
        .isEqualTo("rotate-me");
  }

  @Test
  void mistakesAreRefusedBeforeAnythingChanges() throws Exception {
    storeOne();
    String before = Files.readString(data.resolve("crypto.key"));
    Run none = run(Map.of(), "credentials", "rotate-key", "--data", data.toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("exactly one way");
    Run same =
        run(
            Map.of("SWITCHBOARD_NEW_CRYPTO_KEY", before.trim()),
            "credentials",
            "rotate-key",
            "--data",
            data.toString());
    assertThat(same.exitCode()).isEqualTo(2);
    assertThat(same.err()).contains("the new key is the current key");
    Run generateWithSettingKey =
        run(
            Map.of(),
            "credentials",
            "rotate-key",
            "--generate",
            "--data",
            data.toString(),
            "--config",
            config("crypto.key: " + before.trim()).toString());
    assertThat(generateWithSettingKey.exitCode()).isEqualTo(2);
    Run noKey =
        run(
            Map.of("SWITCHBOARD_NEW_CRYPTO_KEY", SecretBox.newKeyBase64()),
            "credentials",
            "rotate-key",
            "--data",
            Files.createTempDirectory("empty").toString());
    assertThat(noKey.exitCode()).isEqualTo(1);
    assertThat(noKey.err()).contains("no current credentials key");
    assertThat(Files.readString(data.resolve("crypto.key"))).isEqualTo(before);
  }

  Path config(String yaml) throws Exception {
    Path file = Files.createTempFile(data, "config", ".yaml");
    Files.writeString(file, yaml + "\n");
    return file;
  }
}

package io.switchboard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.identity.Scopes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void layersAreDefaultsThenFileThenEnvironmentThenFlags() throws Exception {
    Path yaml = dir.resolve("switchboard.yaml");
    Files.writeString(
        yaml,
        "http:\n  port: 9001\n  host: 0.0.0.0\nstorage.pool-size: 4\nlog:\n  access: false\n");
    var env = Map.of("SWITCHBOARD_HTTP_PORT", "9002", "SWITCHBOARD_STORAGE_POOL_SIZE", "5");
    Settings s = new ConfigLoader(env).load(yaml, Map.of(SettingKeys.HTTP_PORT, "9003"));
    assertThat(s.integer(SettingKeys.HTTP_PORT, 0, 65535)).isEqualTo(9003);
    assertThat(s.integer(SettingKeys.DB_POOL_SIZE, 1, 100)).isEqualTo(5);
    assertThat(s.string(SettingKeys.HTTP_HOST)).isEqualTo("0.0.0.0");
    assertThat(s.bool(SettingKeys.ACCESS_LOG)).isFalse();
    assertThat(s.bytes(SettingKeys.HTTP_MAX_BODY)).isEqualTo(1024 * 1024);
    Settings withoutFlag = new ConfigLoader(env).load(yaml, Map.of());
    assertThat(withoutFlag.integer(SettingKeys.HTTP_PORT, 0, 65535)).isEqualTo(9002);
    Settings fileOnly = new ConfigLoader(Map.of()).load(yaml, Map.of());
    assertThat(fileOnly.integer(SettingKeys.HTTP_PORT, 0, 65535)).isEqualTo(9001);
    assertThat(
            new ConfigLoader(Map.of())
                .load(null, Map.of())
                .integer(SettingKeys.HTTP_PORT, 0, 65535))
        .isEqualTo(8080);
  }

  @Test
  void unknownKeysAndBadValuesAreErrorsThatNameTheKey() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "http:\n  prot: 9001\n");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.prot");
    Settings s = new ConfigLoader(Map.of("SWITCHBOARD_HTTP_PORT", "eighty")).load(null, Map.of());
    assertThatThrownBy(() -> s.integer(SettingKeys.HTTP_PORT, 0, 65535))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port");
    Path notYaml = dir.resolve("broken.yaml");
    Files.writeString(notYaml, "http: [unclosed");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(notYaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(dir.resolve("missing.yaml"), Map.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void readmeDocumentsEveryKeyAndEveryScope() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    for (SettingKeys.Key key : SettingKeys.ALL)
      assertThat(text).as("README documents %s", key.name()).contains("| `" + key.name() + "` |");
    for (String scope : Scopes.CATALOG.keySet())
      assertThat(text).as("README documents scope %s", scope).contains("| `" + scope + "` |");
  }
}

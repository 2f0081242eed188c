package io.switchboard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10, item 13: {@code 1GB} was read as 1 byte, {@code 2 GiB} as 2 and {@code 10K} as 10. */
class SizeSettingsTest {
  @TempDir Path dir;

  private static long size(String text) {
    return Settings.of(Map.of(SettingKeys.HTTP_MAX_BODY, text)).bytes(SettingKeys.HTTP_MAX_BODY);
  }

  @Test
  void everyUnitIsBinaryCaseInsensitiveAndMayFollowASpace() {
    assertThat(size("1GB")).isEqualTo(1L << 30);
    assertThat(size("2 GiB")).isEqualTo(2L << 30);
    assertThat(size("10K")).isEqualTo(10_240);
    assertThat(size("10kb")).isEqualTo(10_240);
    assertThat(size("64KiB")).isEqualTo(65_536);
    assertThat(size("1MiB")).isEqualTo(1 << 20);
    assertThat(size("3 mb")).isEqualTo(3L << 20);
    assertThat(size("5m")).isEqualTo(5L << 20);
    assertThat(size("512B")).isEqualTo(512);
    assertThat(size(" 1048576 ")).isEqualTo(1_048_576);
    assertThat(size("8g")).isEqualTo(8L << 30);
  }

  @Test
  void anythingElseIsAnErrorNamingTheKey() {
    for (String bad :
        new String[] {
          "1TB",
          "10X",
          "1.5MB",
          "MB",
          "1  MB",
          "-1",
          "0",
          "0KB",
          "1 M B",
          "1e6",
          "99999999999G",
          "1_000",
          "١٠"
        }) {
      assertThatThrownBy(() -> size(bad))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(SettingKeys.HTTP_MAX_BODY)
          .hasMessageContaining("'" + bad.trim() + "'");
    }
  }

  @Test
  void sizesFromAFileAreReadAndAnUnknownSuffixStopsStartUp() throws Exception {
    Path yaml = dir.resolve("switchboard.yaml");
    Files.writeString(
        yaml, "http:\n  max-body-bytes: 2 GiB\nexternalapis:\n  max-response-bytes: 10K\n");
    Settings s = new ConfigLoader(Map.of()).load(yaml, Map.of());
    assertThat(s.bytes(SettingKeys.HTTP_MAX_BODY)).isEqualTo(2L << 30);
    assertThat(s.bytes(SettingKeys.EXTERNAL_MAX_RESPONSE)).isEqualTo(10_240);

    assertThatThrownBy(
            () -> TestServer.start(Map.of(SettingKeys.SESSION_MAX_DATA, "64 kilobytes")).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SettingKeys.SESSION_MAX_DATA);
    assertThatThrownBy(() -> TestServer.start(Map.of(SettingKeys.HTTP_MAX_BODY, "1TB")).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SettingKeys.HTTP_MAX_BODY);
  }
}

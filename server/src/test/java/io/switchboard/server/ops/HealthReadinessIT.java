package io.switchboard.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} is readiness: 503 while a server is still being set up (serve --demo), 200 once
 * it is ready.
 */
class HealthReadinessIT {
  @Test
  void aServerStartedNotReadyAnswers503StartingUntilMarkedReady() throws Exception {
    Settings settings =
        Settings.of(
            Map.of(
                SettingKeys.HTTP_PORT, "0",
                SettingKeys.DATA_DIR, Files.createTempDirectory("switchboard-ready").toString(),
                SettingKeys.ACCESS_LOG, "false"));
    try (Switchboard server = Switchboard.startNotReady(settings)) {
      Api api = new Api(server.baseUrl());
      Api.Response starting = api.get("/health", null);
      assertThat(starting.status()).isEqualTo(503);
      assertThat(starting.json().get("status").asString()).isEqualTo("STARTING");
      assertThat(starting.json().get("database").asString()).isEqualTo("UP");

      server.markReady();
      Api.Response ready = api.get("/health", null);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().get("status").asString()).isEqualTo("UP");
    }
  }

  @Test
  void aServerStartedTheUsualWayIsReadyAtOnce() {
    try (TestServer server = TestServer.start()) {
      Api.Response health = server.api().get("/health", null);
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("status").asString()).isEqualTo("UP");
    }
  }
}

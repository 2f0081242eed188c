package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, item 14: with every connection taken, a request waited Hikari's 30 s and was answered
 * 500, and {@code /health} hung as long. Now the wait is {@code storage.pool-wait-millis}, the
 * answer 503 with {@code Retry-After}, and the server recovers as soon as a connection is free.
 */
class PoolExhaustionIT {
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aFullPoolIsA503WithRetryAfterWithinThePoolWaitAndHealthSaysSo() {
    try (var server =
        TestServer.start(
            Map.of(
                SettingKeys.DB_POOL_SIZE,
                "2",
                SettingKeys.DB_POOL_WAIT,
                "500",
                "limits.client.credentials.token.rate.per.minute",
                "0"))) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      assertThat(api.get("/api/v2/users", token).status()).isEqualTo(200);

      var held = new ArrayList<Handle>();
      try {
        for (int i = 0; i < 2; i++) {
          Handle h = server.switchboard().database().jdbi().open();
          h.getConnection(); // a Handle holds its connection from open() until close()
          held.add(h);
        }
        long started = System.nanoTime();
        var refused =
            api.post("/api/v2/users", token, "{\"name\":\"A\",\"email\":\"a@example.com\"}");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.json().get("code").asString()).isEqualTo("service.unavailable");
        assertThat(refused.json().get("contextId").asString())
            .isEqualTo(refused.header("ININ-Correlation-Id").orElseThrow());
        assertThat(refused.header("Retry-After")).contains("1");
        assertThat(ms).as("answered after about the pool wait, not 30 s").isLessThan(10_000);

        var health = api.get("/health", null);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().get("database").asString()).isEqualTo("DOWN");
        assertThat(health.header("Retry-After")).contains("1");
      } finally {
        held.forEach(Handle::close);
      }
      assertThat(api.get("/health", null).status()).isEqualTo(200);
      assertThat(
              api.post("/api/v2/users", token, "{\"name\":\"A\",\"email\":\"a@example.com\"}")
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void thePoolWaitIsASettingWithABoundedRange() {
    var s = io.switchboard.server.config.Settings.of(Map.of(SettingKeys.DB_POOL_WAIT, "750"));
    assertThat(StorageConfig.from(s).poolWait().toMillis()).isEqualTo(750);
    assertThat(StorageConfig.from(io.switchboard.server.config.Settings.of(Map.of())).poolWait())
        .isEqualTo(StorageConfig.DEFAULT_POOL_WAIT);
    var tooLong =
        io.switchboard.server.config.Settings.of(Map.of(SettingKeys.DB_POOL_WAIT, "120000"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StorageConfig.from(tooLong))
        .hasMessageContaining(SettingKeys.DB_POOL_WAIT);
  }
}

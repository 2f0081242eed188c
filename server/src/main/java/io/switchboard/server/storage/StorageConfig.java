package io.switchboard.server.storage;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.nio.file.Path;

/** Where the data lives: an H2 file under {@code dataDir}, or the database at {@code jdbcUrl}. */
public record StorageConfig(Path dataDir, String jdbcUrl, String user, String password, int poolSize, String schema) {
  public static StorageConfig from(Settings settings) {
    return new StorageConfig(
        settings.path(SettingKeys.DATA_DIR),
        settings.optional(SettingKeys.JDBC_URL).orElse(null),
        settings.optional(SettingKeys.DB_USER).orElse(null),
        settings.optional(SettingKeys.DB_PASSWORD).orElse(null),
        settings.optional(SettingKeys.DB_POOL_SIZE).isPresent()
            ? settings.integer(SettingKeys.DB_POOL_SIZE, 1, 512)
            : defaultPoolSize(settings.optional(SettingKeys.JDBC_URL).orElse(null)),
        null);
  }

  /**
   * Measured with {@code bench/http.sh}: with 16 connections, 64 concurrent requests on the embedded H2 spent
   * their time parking for a connection (0.49 of the bare handler's throughput; 0.57 with 64). A PostgreSQL
   * connection is a server process, so it keeps a modest default.
   */
  static int defaultPoolSize(String jdbcUrl) {
    return jdbcUrl == null || jdbcUrl.startsWith("jdbc:h2:") ? 64 : 16;
  }

  public StorageConfig withSchema(String newSchema) {
    return new StorageConfig(dataDir, jdbcUrl, user, password, poolSize, newSchema);
  }

  @Override
  public String toString() {
    // The password never reaches a log line.
    return "StorageConfig[dataDir=" + dataDir + ", jdbcUrl=" + jdbcUrl + ", user=" + user + ", poolSize=" + poolSize + "]";
  }
}

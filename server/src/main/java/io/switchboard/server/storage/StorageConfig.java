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
        settings.integer(SettingKeys.DB_POOL_SIZE, 1, 512),
        null);
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

package io.switchboard.server.storage;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** Where the data lives: an H2 file under {@code dataDir}, or the database at {@code jdbcUrl}. */
public record StorageConfig(
    Path dataDir,
    String jdbcUrl,
    String user,
    String password,
    int poolSize,
    String schema,
    Duration poolWait) {
  /**
   * How long a request waits for a free connection before it is answered 503: well under a flow's
   * deadline, so a saturated database refuses quickly instead of holding every caller for Hikari's
   * default 30 s.
   */
  public static final Duration DEFAULT_POOL_WAIT = Duration.ofSeconds(2);

  public StorageConfig(
      Path dataDir, String jdbcUrl, String user, String password, int poolSize, String schema) {
    this(dataDir, jdbcUrl, user, password, poolSize, schema, DEFAULT_POOL_WAIT);
  }

  public static StorageConfig from(Settings settings) {
    return new StorageConfig(
        settings.path(SettingKeys.DATA_DIR),
        settings.optional(SettingKeys.JDBC_URL).orElse(null),
        settings.optional(SettingKeys.DB_USER).orElse(null),
        settings.optional(SettingKeys.DB_PASSWORD).orElse(null),
        settings.optional(SettingKeys.DB_POOL_SIZE).isPresent()
            ? settings.integer(SettingKeys.DB_POOL_SIZE, 1, 512)
            : defaultPoolSize(settings.optional(SettingKeys.JDBC_URL).orElse(null)),
        null,
        Duration.ofMillis(settings.integer(SettingKeys.DB_POOL_WAIT, 250, 60_000)));
  }

  /**
   * Measured with {@code bench/http.sh}: with 16 connections, 64 concurrent requests on the
   * embedded H2 spent their time parking for a connection (0.49 of the bare handler's throughput;
   * 0.57 with 64). A PostgreSQL connection is a server process, so it keeps a modest default.
   */
  static int defaultPoolSize(String jdbcUrl) {
    return jdbcUrl == null || jdbcUrl.startsWith("jdbc:h2:") ? 64 : 16;
  }

  public StorageConfig withSchema(String newSchema) {
    return new StorageConfig(dataDir, jdbcUrl, user, password, poolSize, newSchema, poolWait);
  }

  @Override
  public String toString() {
    // The password never reaches a log line.
    return "StorageConfig[dataDir="
        + dataDir
        + ", jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", poolSize="
        + poolSize
        + ", poolWait="
        + poolWait
        + "]";
  }
}

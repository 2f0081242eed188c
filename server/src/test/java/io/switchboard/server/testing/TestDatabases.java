package io.switchboard.server.testing;

import io.switchboard.server.storage.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.UUID;

/**
 * Storage for tests: a fresh H2 file, or the machine's PostgreSQL (127.0.0.1:5432, database test) in a
 * schema of its own so runs never see each other's rows.
 */
public final class TestDatabases {
  public static final String POSTGRES_URL = System.getenv().getOrDefault("SWITCHBOARD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String POSTGRES_USER = System.getenv().getOrDefault("SWITCHBOARD_TEST_PG_USER", "postgres");

  private TestDatabases() {}

  public static StorageConfig h2() {
    try {
      Path dir = Files.createTempDirectory("switchboard-h2");
      return new StorageConfig(dir, null, null, null, 8, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static StorageConfig postgres() {
    String schema = "sbtest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return new StorageConfig(Path.of("."), POSTGRES_URL, POSTGRES_USER, null, 8, schema);
  }

  /** Drops a test schema made by {@link #postgres()}. */
  public static void drop(StorageConfig config) {
    if (config.jdbcUrl() == null || config.schema() == null) return;
    try (var c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password()); var s = c.createStatement()) {
      s.execute("drop schema if exists " + config.schema() + " cascade");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

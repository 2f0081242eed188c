package io.switchboard.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the migrations and the JDBI handle factory. H2 (a file under the data
 * directory) is the embedded default; a {@code jdbc:postgresql:} URL selects PostgreSQL. Migrations
 * under {@code db/migration} are written to run unchanged on both.
 */
public final class Database implements AutoCloseable {
  public enum Dialect {
    H2,
    POSTGRES
  }

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final DirectReads directReads;
  private final Dialect dialect;

  /**
   * The embedded H2's options. PostgreSQL mode keeps the SQL portable; lower-case names match
   * PostgreSQL's folding. Writers that queue on a row lock (SELECT ... FOR UPDATE on a hot session)
   * wait up to 10 s, not H2's default 1 s. No switchboard.trace.db: H2's errors reach our code as
   * exceptions (an offline command that finds the file in use by the server otherwise leaves one
   * behind).
   */
  public static final String H2_OPTIONS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000;TRACE_LEVEL_FILE=0";

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
    this.directReads = new DirectReads(dataSource);
  }

  /**
   * Opens the pool and migrates. {@code jdbcUrl} null means H2 under {@code dataDir}; {@code
   * schema}, when given, is created and used (tests use it to keep runs apart on one PostgreSQL
   * database).
   */
  public static Database open(StorageConfig config) {
    String url = config.jdbcUrl();
    Dialect dialect;
    if (url == null) {
      try {
        OwnerOnlyFile.secureDirectory(config.dataDir());
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot create data directory " + config.dataDir() + ": " + e.getMessage(), e);
      }
      Path file = config.dataDir().toAbsolutePath().resolve("switchboard");
      url = "jdbc:h2:file:" + file + H2_OPTIONS;
      dialect = Dialect.H2;
    } else if (url.startsWith("jdbc:postgresql:")) {
      dialect = Dialect.POSTGRES;
    } else if (url.startsWith("jdbc:h2:")) {
      dialect = Dialect.H2;
    } else {
      throw new IllegalArgumentException(
          "unsupported JDBC URL (use jdbc:postgresql: or jdbc:h2:): " + url);
    }
    if (dialect == Dialect.H2) url = durableH2(url);
    var hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    if (config.user() != null) hikari.setUsername(config.user());
    if (config.password() != null) hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setConnectionTimeout(config.poolWait().toMillis());
    // Hikari checks a connection it hands out at most this long (its default is 5 s, longer than
    // the wait).
    hikari.setValidationTimeout(Math.min(1000, Math.max(250, config.poolWait().toMillis())));
    hikari.setPoolName("switchboard-db");
    if (config.schema() != null) {
      hikari.setSchema(config.schema());
    }
    var dataSource = new HikariDataSource(hikari);
    try {
      var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
      if (config.schema() != null) flyway.schemas(config.schema()).createSchemas(true);
      flyway.load().migrate();
      // The files H2 has just created got the process umask (often 0644): owner-only from here on.
      if (config.jdbcUrl() == null) OwnerOnlyFile.secureDirectory(config.dataDir());
    } catch (IOException e) {
      dataSource.close();
      throw new IllegalStateException(
          "cannot make the data directory " + config.dataDir() + " owner-only: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, dialect);
  }

  /**
   * A 2xx must mean the write survives a crash of the process. H2's default WRITE_DELAY of 500 ms
   * lets a commit return while its changes are only in memory, to be written by a background
   * thread: a kill -9 lost about 1% of acknowledged creates. With 0, MVStore writes its chunk to
   * the file inside the commit (the OS has it, so a process crash cannot lose it; a power loss
   * still needs the disk's own guarantees). An operator's explicit WRITE_DELAY in the URL is left
   * as given. PostgreSQL's default {@code synchronous_commit=on} already waits for the WAL, and
   * nothing here changes it.
   */
  static String durableH2(String url) {
    return url.toUpperCase(java.util.Locale.ROOT).contains(";WRITE_DELAY=")
        ? url
        : url + ";WRITE_DELAY=0";
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** Plain JDBC one-row reads for the hottest paths (see there). */
  public DirectReads directReads() {
    return directReads;
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * True when a connection can be had within the pool wait and answers a trivial query within a
   * second: false, not a hang, when the database is unreachable or every connection is busy.
   */
  public boolean isReady() {
    try (var connection = dataSource.getConnection()) {
      return connection.isValid(1);
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}

package io.switchboard.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One-row reads over plain JDBC from the pool, for the hottest reads only (a session's {@code
 * GET}). A JDBI handle per request (configuration copy, named-parameter binding, statement context
 * and its cleanup) cost about as much CPU as the query itself in the profiles of issue 14
 * (BENCHMARKS.md, "Hot reads"); everything else goes through JDBI.
 */
public final class DirectReads {
  private final DataSource dataSource;

  DirectReads(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Maps the current row of a result set; read columns by position, in the query's order. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /**
   * The first row {@code sql} answers for {@code params} (bound by position), or empty. A failure
   * is a {@link Failure} carrying the {@link SQLException}, so {@link SqlErrors} reads it as it
   * reads JDBI's.
   */
  public <T> Optional<T> one(String sql, Row<T> row, String... params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new Failure(sql, e);
    }
  }

  /** A read that failed; the cause is the driver's (or the pool's) exception. */
  public static final class Failure extends RuntimeException {
    Failure(String sql, SQLException cause) {
      super("query failed: " + sql + ": " + cause.getMessage(), cause);
    }
  }
}

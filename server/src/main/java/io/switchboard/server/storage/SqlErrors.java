package io.switchboard.server.storage;

import java.sql.SQLException;

/** Reading database errors the same way on H2 and PostgreSQL. */
public final class SqlErrors {
  private SqlErrors() {}

  /**
   * True when {@code e} (or a cause) is a unique-constraint violation: SQLState 23505 on both
   * databases.
   */
  public static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
    }
    return false;
  }

  /**
   * True when {@code e} (or a cause) is a foreign-key violation: SQLState 23503 on PostgreSQL (both
   * directions) and on H2 for a row still referenced, 23506 on H2 for a reference to a missing row.
   */
  public static boolean isForeignKeyViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && ("23503".equals(sql.getSQLState()) || "23506".equals(sql.getSQLState()))) return true;
    }
    return false;
  }

  /**
   * True when {@code e} (or a cause) is the pool giving up waiting for a connection ({@code
   * storage.pool-wait-millis}): the database is saturated or unreachable, and a retry may succeed.
   */
  public static boolean isConnectionUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException) return true;
    }
    return false;
  }

  /** Runs an insert; false instead of an exception when a unique constraint refused it. */
  public static boolean insertUnlessDuplicate(Runnable insert) {
    try {
      insert.run();
      return true;
    } catch (RuntimeException e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
}

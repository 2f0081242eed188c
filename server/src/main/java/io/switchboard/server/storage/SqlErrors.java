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
   * True when {@code e} (or a cause) says the database could not be used and nothing was written:
   * the pool gave up waiting for a connection ({@code storage.pool-wait-millis}: the database is
   * saturated or unreachable), or PostgreSQL ended or refused the session before the statement
   * completed (SQLState 57P01 {@code admin_shutdown}, 57P02 {@code crash_shutdown}, 57P03 {@code
   * cannot_connect_now}: a restart or a fast stop). PostgreSQL rolls back an open transaction it
   * terminates, and holds the termination back while a commit is being made, so the request changed
   * nothing and a retry may succeed. A connection that merely broke (SQLState class 08) is not
   * counted: a commit may have been made without its answer arriving.
   */
  public static boolean isConnectionUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException) return true;
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && TERMINATED.contains(sql.getSQLState())) return true;
    }
    return false;
  }

  private static final java.util.Set<String> TERMINATED =
      java.util.Set.of("57P01", "57P02", "57P03");

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

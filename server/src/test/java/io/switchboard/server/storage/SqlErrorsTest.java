package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
  private static RuntimeException wrapped(SQLException e) {
    return new RuntimeException("statement failed", new IllegalStateException("inner", e));
  }

  @Test
  void aSessionTheDatabaseEndedOrRefusedIsUnavailableNotABug() {
    // What a request meets while PostgreSQL is stopped (fast or crash) or starting up.
    for (String state : new String[] {"57P01", "57P02", "57P03"})
      assertThat(
              SqlErrors.isConnectionUnavailable(
                  wrapped(new SQLException("FATAL: terminating connection", state))))
          .as(state)
          .isTrue();
    assertThat(
            SqlErrors.isConnectionUnavailable(
                wrapped(new SQLTransientConnectionException("pool wait over"))))
        .isTrue();
  }

  @Test
  void aBrokenConnectionOrAnyOtherErrorIsNot() {
    // 08006: the connection broke; a commit may have landed without its answer.
    for (String state : new String[] {"08006", "23505", "40001", "57014", null})
      assertThat(SqlErrors.isConnectionUnavailable(wrapped(new SQLException("x", state))))
          .as(String.valueOf(state))
          .isFalse();
    assertThat(SqlErrors.isConnectionUnavailable(new RuntimeException("no SQL here"))).isFalse();
  }
}

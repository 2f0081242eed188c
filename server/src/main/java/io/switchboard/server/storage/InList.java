package io.switchboard.server.storage;

import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * An optional {@code column in (...)} filter on a set of values bound as a list (JDBI's {@code
 * bindList}: one bound parameter per value, the same on H2 and PostgreSQL). Null is no filter; an
 * empty set matches no row (SQL has no empty in-list, and JDBI refuses to bind one).
 */
public final class InList {
  private InList() {}

  /** {@code " and column in (<name>)"}, a clause no row meets for an empty set, "" for null. */
  public static String and(String column, String name, Collection<String> values) {
    if (values == null) return "";
    return values.isEmpty() ? " and 1 = 0" : " and " + column + " in (<" + name + ">)";
  }

  /** Binds the list {@link #and} names; nothing for null or an empty set. */
  public static <S extends SqlStatement<S>> S bind(
      S statement, String name, Collection<String> values) {
    if (values != null && !values.isEmpty()) statement.bindList(name, List.copyOf(values));
    return statement;
  }
}

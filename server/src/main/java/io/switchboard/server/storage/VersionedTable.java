package io.switchboard.server.storage;

import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * The writes of an org-scoped table of versioned entities ({@code id}, {@code org_id}, {@code
 * created_at}, {@code row_version} and the entity's own columns): insert, and an optimistic update
 * that only lands while the row is still at the version the caller read. The store binds {@code
 * :id}, {@code :org} and its own named values; {@code :created} only on insert.
 *
 * @param columns the columns written by both insert and update, {@code row_version} among them
 * @param values the named parameters for {@code columns}, in the same order
 */
public record VersionedTable(String table, String columns, String values) {
  public void insert(Jdbi jdbi, UnaryOperator<Update> bind) {
    jdbi.useHandle(h ->
        bind.apply(
                h.createUpdate(
                    "insert into "
                        + table
                        + " (id, org_id, created_at, "
                        + columns
                        + ") values (:id, :org, :created, "
                        + values
                        + ")"))
            .execute());
  }

  /**
   * True when the row was at {@code expectedVersion} in the org and is now written; false when it
   * moved on or is gone.
   */
  public boolean updateIfAt(Jdbi jdbi, long expectedVersion, UnaryOperator<Update> bind) {
    return jdbi.withHandle(h ->
        bind.apply(
                h.createUpdate(
                    "update "
                        + table
                        + " set ("
                        + columns
                        + ") = ("
                        + values
                        + ") where id = :id and org_id = :org and row_version = :expected"))
            .bind("expected", expectedVersion)
            .execute())
        > 0;
  }
}

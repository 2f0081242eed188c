package io.switchboard.server.ratelimit;

import io.switchboard.server.storage.Times;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Per-org limit overrides and their version, in SQL. */
public final class LimitStore {
  /**
   * An org's overrides (limit key to value) and the version of the last change (0: never changed).
   */
  public record Overrides(long version, Map<String, Long> values) {
    public static final Overrides NONE = new Overrides(0, Map.of());
  }

  private final Jdbi jdbi;

  public LimitStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Overrides load(String orgId) {
    return jdbi.withHandle(h -> load(h, orgId));
  }

  /**
   * Sets ({@code value} non-null) or removes ({@code value} null) the given overrides and bumps the
   * org's version, in one transaction; returns the overrides as they are now.
   */
  public Overrides change(String orgId, Map<String, Long> changes, Instant now) {
    // Two first-ever changes of one org can both try to insert the version row; the loser retries
    // and then
    // finds the row, whose update lock serialises every later change of that org.
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(h -> {
          bumpVersion(h, orgId, now);
          for (var e : changes.entrySet()) {
            h.createUpdate(
                    "delete from rate_limit_overrides where org_id = :org and limit_key = :key")
                .bind("org", orgId)
                .bind("key", e.getKey())
                .execute();
            if (e.getValue() != null) {
              h.createUpdate(
                      "insert into rate_limit_overrides (org_id, limit_key, limit_value,"
                          + " updated_at) values (:org, :key, :value, :at)")
                  .bind("org", orgId)
                  .bind("key", e.getKey())
                  .bind("value", e.getValue())
                  .bind("at", Times.db(now))
                  .execute();
            }
          }
          return load(h, orgId);
        });
      } catch (UnableToExecuteStatementException e) {
        if (attempt >= 3 || !isUniqueViolation(e)) throw e;
      }
    }
  }

  private static void bumpVersion(Handle h, String orgId, Instant now) {
    int updated =
        h.createUpdate(
                "update rate_limit_versions set version = version + 1, updated_at = :at where"
                    + " org_id = :org")
            .bind("org", orgId)
            .bind("at", Times.db(now))
            .execute();
    if (updated == 0) {
      h.createUpdate(
              "insert into rate_limit_versions (org_id, version, updated_at) values (:org, 1, :at)")
          .bind("org", orgId)
          .bind("at", Times.db(now))
          .execute();
    }
  }

  private static Overrides load(Handle h, String orgId) {
    Long version =
        h.createQuery("select version from rate_limit_versions where org_id = :org")
            .bind("org", orgId)
            .mapTo(Long.class)
            .findOne()
            .orElse(0L);
    var values = new LinkedHashMap<String, Long>();
    h.createQuery(
            "select limit_key, limit_value from rate_limit_overrides where org_id = :org order by"
                + " limit_key")
        .bind("org", orgId)
        .map((rs, ctx) -> Map.entry(rs.getString("limit_key"), rs.getLong("limit_value")))
        .forEach(e -> values.put(e.getKey(), e.getValue()));
    return new Overrides(version, Collections.unmodifiableMap(values));
  }

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
    }
    return false;
  }
}

package io.switchboard.server.conversations;

import io.switchboard.server.storage.InList;
import io.switchboard.server.storage.Like;
import io.switchboard.server.storage.OrderBy;
import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/** Wrap-up codes in SQL; names are unique per org, ignoring case. */
public final class WrapupCodeStore {
  private static final RowMapper<WrapupCode> CODE =
      (rs, ctx) ->
          new WrapupCode(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("created_by"),
              rs.getString("modified_by"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));

  private final Jdbi jdbi;

  public WrapupCodeStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** False when the org already has a code of that name. */
  public boolean insert(WrapupCode c) {
    return SqlErrors.insertUnlessDuplicate(() ->
        jdbi.useHandle(h ->
            h.createUpdate(
                    "insert into wrapup_codes (id, org_id, name, name_lower, created_by,"
                        + " modified_by, created_at, modified_at) values (:id, :org, :name, :lower,"
                        + " :by, :by, :at, :at)")
                .bind("id", c.id())
                .bind("org", c.orgId())
                .bind("name", c.name())
                .bind("lower", c.name().toLowerCase(Locale.ROOT))
                .bind("by", c.createdBy())
                .bind("at", Times.db(c.createdAt()))
                .execute()));
  }

  public Optional<WrapupCode> find(String orgId, String id) {
    return jdbi.withHandle(h -> find(h, orgId, id));
  }

  /** Within a caller's transaction (a wrap-up checks its code there). */
  public Optional<WrapupCode> find(Handle h, String orgId, String id) {
    return h.createQuery("select * from wrapup_codes where id = :id and org_id = :org")
        .bind("id", id)
        .bind("org", orgId)
        .map(CODE)
        .findOne();
  }

  public Optional<WrapupCode> findByName(String orgId, String name) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from wrapup_codes where org_id = :org and name_lower = :lower")
            .bind("org", orgId)
            .bind("lower", name.toLowerCase(Locale.ROOT))
            .map(CODE)
            .findOne());
  }

  public List<WrapupCode> list(
      String orgId,
      String nameContains,
      Set<String> ids,
      boolean byId,
      boolean ascending,
      int offset,
      int limit) {
    return jdbi.withHandle(h -> {
      Query q =
          h.createQuery(
              "select * from wrapup_codes where "
                  + where(nameContains, ids)
                  + (byId ? OrderBy.of(ascending, "id") : OrderBy.of(ascending, "name_lower", "id"))
                  + " limit :limit offset :offset");
      bindFilter(q, orgId, nameContains, ids);
      return q.bind("limit", limit).bind("offset", offset).map(CODE).list();
    });
  }

  public long count(String orgId, String nameContains, Set<String> ids) {
    return jdbi.withHandle(h -> {
      Query q =
          h.createQuery("select count(*) from wrapup_codes where " + where(nameContains, ids));
      bindFilter(q, orgId, nameContains, ids);
      return q.mapTo(Long.class).one();
    });
  }

  /** {@code ids} null: every code; empty: none (as the other listings' id filters). */
  private static String where(String nameContains, Set<String> ids) {
    return "org_id = :org"
        + (nameContains == null ? "" : " and name_lower like :name escape '" + Like.ESCAPE + "'")
        + InList.and("id", "ids", ids);
  }

  private static void bindFilter(Query q, String orgId, String nameContains, Set<String> ids) {
    q.bind("org", orgId);
    if (nameContains != null) q.bind("name", Like.containsIgnoringCase(nameContains));
    InList.bind(q, "ids", ids);
  }

  public enum Renamed {
    OK,
    NOT_FOUND,
    NAME_TAKEN
  }

  public Renamed rename(String orgId, String id, String name, String by, Instant at) {
    try {
      int n =
          jdbi.withHandle(h ->
              h.createUpdate(
                      "update wrapup_codes set name = :name, name_lower = :lower, modified_by ="
                          + " :by, modified_at = :at where id = :id and org_id = :org")
                  .bind("name", name)
                  .bind("lower", name.toLowerCase(Locale.ROOT))
                  .bind("by", by)
                  .bind("at", Times.db(at))
                  .bind("id", id)
                  .bind("org", orgId)
                  .execute());
      return n == 1 ? Renamed.OK : Renamed.NOT_FOUND;
    } catch (RuntimeException e) {
      if (SqlErrors.isUniqueViolation(e)) return Renamed.NAME_TAKEN;
      throw e;
    }
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from wrapup_codes where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        == 1;
  }
}

package io.switchboard.server.users;

import io.switchboard.server.identity.UserAccounts;
import io.switchboard.server.storage.InList;
import io.switchboard.server.storage.OrderBy;
import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.storage.Times;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/** The agent directory in SQL. */
public final class UserStore {
  private static final RowMapper<User> USER =
      (rs, ctx) ->
          new User(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("email"),
              rs.getString("department"),
              rs.getString("title"),
              rs.getString("state"),
              rs.getLong("version"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));

  private final Jdbi jdbi;

  public UserStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Inserts the user; false when the org already has a user with this email. */
  public boolean insert(User u, String passwordHash) {
    return SqlErrors.insertUnlessDuplicate(() ->
        jdbi.useHandle(h ->
            h.createUpdate(
                    "insert into users (id, org_id, name, email, email_lower, department, title,"
                        + " state, version, created_at, modified_at, password_hash) values (:id,"
                        + " :org, :name, :email, :emailLower, :department, :title, :state,"
                        + " :version, :created, :modified, :passwordHash)")
                .bind("id", u.id())
                .bind("org", u.orgId())
                .bind("name", u.name())
                .bind("email", u.email())
                .bind("emailLower", u.email().toLowerCase(Locale.ROOT))
                .bind("department", u.department())
                .bind("title", u.title())
                .bind("state", u.state())
                .bind("version", u.version())
                .bind("created", Times.db(u.createdAt()))
                .bind("modified", Times.db(u.modifiedAt()))
                .bind("passwordHash", passwordHash)
                .execute()));
  }

  /** The active user's sign-in account (id, org, email, password hash). */
  public Optional<UserAccounts.Account> findAccount(String orgId, String column, String value) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select id, org_id, email, password_hash from users where org_id = :org and "
                    + column
                    + " = :value and state <> 'deleted'")
            .bind("org", orgId)
            .bind("value", value)
            .map((rs, ctx) ->
                new UserAccounts.Account(
                    rs.getString("id"),
                    rs.getString("org_id"),
                    rs.getString("email"),
                    rs.getString("password_hash")))
            .findOne());
  }

  /** Sets the user's password hash; false when there is no such active user. */
  public boolean setPasswordHash(String orgId, String id, String hash, java.time.Instant now) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update users set password_hash = :hash, version = version + 1, modified_at ="
                    + " :now where id = :id and org_id = :org and state <> 'deleted'")
            .bind("hash", hash)
            .bind("now", Times.db(now))
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        > 0;
  }

  public Optional<User> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from users where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(USER)
            .findOne());
  }

  public Optional<User> findByEmail(String orgId, String email) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from users where org_id = :org and email_lower = :email")
            .bind("org", orgId)
            .bind("email", email.toLowerCase(Locale.ROOT))
            .map(USER)
            .findOne());
  }

  /**
   * The org's users in {@code state} (null: in any state), by name; only {@code ids} (null: all,
   * empty: none).
   */
  public List<User> list(
      String orgId, String state, Set<String> ids, boolean ascending, int offset, int limit) {
    return jdbi.withHandle(h ->
        listed(
                h.createQuery(
                    "select * from users where "
                        + listed(state, ids)
                        + OrderBy.of(ascending, "name", "id")
                        + " limit :limit offset :offset"),
                orgId,
                state,
                ids)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(USER)
            .list());
  }

  public long count(String orgId, String state, Set<String> ids) {
    return jdbi.withHandle(h ->
        listed(
                h.createQuery("select count(*) from users where " + listed(state, ids)),
                orgId,
                state,
                ids)
            .mapTo(Long.class)
            .one());
  }

  private static String listed(String state, Set<String> ids) {
    return "org_id = :org"
        + (state == null ? "" : " and state = :state")
        + InList.and("id", "ids", ids);
  }

  /** Binds what {@link #listed(String, Set)} wrote. */
  private static Query listed(Query q, String orgId, String state, Set<String> ids) {
    InList.bind(q, "ids", ids).bind("org", orgId);
    if (state != null) q.bind("state", state);
    return q;
  }

  /**
   * Marks the user deleted (kept: ended conversations still name it); false when there is no such
   * user.
   */
  public boolean markDeleted(String orgId, String id, java.time.Instant now) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update users set state = 'deleted', version = version + 1, modified_at = :now"
                    + " where id = :id and org_id = :org and state <> 'deleted'")
            .bind("id", id)
            .bind("org", orgId)
            .bind("now", Times.db(now))
            .execute())
        > 0;
  }
}

package io.switchboard.server.identity;

import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.storage.Times;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Custom roles and the roles granted to users, in SQL. */
public final class RoleStore {
  private static final RowMapper<Role> ROLE =
      (rs, ctx) ->
          new Role(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("description"),
              new LinkedHashSet<>(
                  Arrays.stream(rs.getString("scopes").split(","))
                      .filter(s -> !s.isBlank())
                      .toList()),
              false,
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));

  private final Jdbi jdbi;

  public RoleStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** False when the org already has a role of that name. */
  public boolean insert(Role r) {
    return SqlErrors.insertUnlessDuplicate(() ->
        jdbi.useHandle(h ->
            h.createUpdate(
                    "insert into authorization_roles (id, org_id, name, name_lower, description,"
                        + " scopes, created_at, modified_at) values (:id, :org, :name, :lower,"
                        + " :description, :scopes, :created, :modified)")
                .bind("id", r.id())
                .bind("org", r.orgId())
                .bind("name", r.name())
                .bind("lower", r.name().toLowerCase(Locale.ROOT))
                .bind("description", r.description())
                .bind("scopes", String.join(",", r.scopes()))
                .bind("created", Times.db(r.createdAt()))
                .bind("modified", Times.db(r.modifiedAt()))
                .execute()));
  }

  /** Empty when the name is taken; else whether the role existed. */
  public Optional<Boolean> update(Role r) {
    var updated = new boolean[1];
    boolean unique =
        SqlErrors.insertUnlessDuplicate(() ->
            updated[0] =
                jdbi.withHandle(h ->
                    h.createUpdate(
                            "update authorization_roles set name = :name, name_lower = :lower,"
                                + " description = :description, scopes = :scopes, modified_at"
                                + " = :modified where id = :id and org_id = :org")
                        .bind("id", r.id())
                        .bind("org", r.orgId())
                        .bind("name", r.name())
                        .bind("lower", r.name().toLowerCase(Locale.ROOT))
                        .bind("description", r.description())
                        .bind("scopes", String.join(",", r.scopes()))
                        .bind("modified", Times.db(r.modifiedAt()))
                        .execute())
                    > 0);
    return unique ? Optional.of(updated[0]) : Optional.empty();
  }

  /** Deletes the role and every grant of it, in one transaction. */
  public boolean delete(String orgId, String id) {
    return jdbi.inTransaction(h -> {
      int n =
          h.createUpdate("delete from authorization_roles where id = :id and org_id = :org")
              .bind("id", id)
              .bind("org", orgId)
              .execute();
      if (n == 0) return false;
      h.createUpdate("delete from user_roles where role_id = :id and org_id = :org")
          .bind("id", id)
          .bind("org", orgId)
          .execute();
      h.createUpdate("delete from oauth_client_roles where role_id = :id and org_id = :org")
          .bind("id", id)
          .bind("org", orgId)
          .execute();
      return true;
    });
  }

  public Optional<Role> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from authorization_roles where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(ROLE)
            .findOne());
  }

  public List<Role> list(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from authorization_roles where org_id = :org order by name, id")
            .bind("org", orgId)
            .map(ROLE)
            .list());
  }

  public long count(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from authorization_roles where org_id = :org")
            .bind("org", orgId)
            .mapTo(Long.class)
            .one());
  }

  /**
   * How many of the org's users hold each of {@code roleIds} (those none holds are absent). A
   * deleted user keeps its grants (Genesys's delete is a state) but is not counted.
   */
  public Map<String, Integer> userCounts(String orgId, Collection<String> roleIds) {
    if (roleIds.isEmpty()) return Map.of();
    return jdbi.withHandle(h ->
        h.createQuery(
                "select r.role_id, count(*) as holders from user_roles r join users u on u.id ="
                    + " r.user_id and u.org_id = r.org_id where r.org_id = :org and r.role_id in"
                    + " (<ids>) and u.state <> 'deleted' group by r.role_id")
            .bind("org", orgId)
            .bindList("ids", List.copyOf(roleIds))
            .reduceRows(
                new HashMap<String, Integer>(),
                (counts, row) -> {
                  counts.put(
                      row.getColumn("role_id", String.class),
                      row.getColumn("holders", Integer.class));
                  return counts;
                }));
  }

  public List<String> userRoleIds(String orgId, String userId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select role_id from user_roles where user_id = :user and org_id = :org order by"
                    + " role_id")
            .bind("user", userId)
            .bind("org", orgId)
            .mapTo(String.class)
            .list());
  }

  /** Replaces the user's roles, in one transaction. */
  public void setUserRoles(String orgId, String userId, List<String> roleIds) {
    jdbi.useTransaction(h -> {
      h.createUpdate("delete from user_roles where user_id = :user and org_id = :org")
          .bind("user", userId)
          .bind("org", orgId)
          .execute();
      for (String roleId : new LinkedHashSet<>(roleIds))
        h.createUpdate(
                "insert into user_roles (org_id, user_id, role_id) values (:org, :user, :role)")
            .bind("org", orgId)
            .bind("user", userId)
            .bind("role", roleId)
            .execute();
    });
  }
}

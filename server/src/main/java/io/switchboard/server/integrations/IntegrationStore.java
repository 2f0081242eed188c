package io.switchboard.server.integrations;

import io.switchboard.server.credentials.CredentialUsage;
import io.switchboard.server.storage.Times;
import io.switchboard.server.storage.VersionedTable;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;

/** Integrations in SQL ({@code integrations}); every statement is scoped by org. */
public final class IntegrationStore implements CredentialUsage {
  private static final VersionedTable TABLE =
      new VersionedTable(
          "integrations",
          "name, notes, type_id, intended_state, credential_id, retry_count, row_version,"
              + " modified_at",
          ":name, :notes, :type, :state, :credential, :retry, :version, :modified");

  private static final RowMapper<Integration> ROWS =
      (rs, ctx) ->
          new Integration(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("notes"),
              rs.getString("type_id"),
              rs.getString("intended_state"),
              rs.getString("credential_id"),
              rs.getInt("retry_count"),
              rs.getLong("row_version"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));

  private final Jdbi jdbi;

  public IntegrationStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void insert(Integration i) {
    TABLE.insert(jdbi, u -> bind(u, i).bind("created", Times.db(i.createdAt())));
  }

  public boolean update(Integration i, long expectedVersion) {
    return TABLE.updateIfAt(jdbi, expectedVersion, u -> bind(u, i));
  }

  private static Update bind(Update u, Integration i) {
    return u.bind("id", i.id())
        .bind("org", i.orgId())
        .bind("name", i.name())
        .bind("notes", i.notes())
        .bind("type", i.typeId())
        .bind("state", i.intendedState())
        .bind("credential", i.credentialId())
        .bind("retry", i.retry())
        .bind("version", i.version())
        .bind("modified", Times.db(i.modifiedAt()));
  }

  public Optional<Integration> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from integrations where org_id = :org and id = :id")
            .bind("org", orgId)
            .bind("id", id)
            .map(ROWS)
            .findOne());
  }

  public List<Integration> list(String orgId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from integrations where org_id = :org order by name, id"
                    + " limit :limit offset :offset")
            .bind("org", orgId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(ROWS)
            .list());
  }

  public long count(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from integrations where org_id = :org")
            .bind("org", orgId)
            .mapTo(Long.class)
            .one());
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from integrations where org_id = :org and id = :id")
            .bind("org", orgId)
            .bind("id", id)
            .execute())
        > 0;
  }

  @Override
  public List<String> usersOf(String orgId, String credentialId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select name from integrations where org_id = :org and credential_id = :cred"
                    + " order by name")
            .bind("org", orgId)
            .bind("cred", credentialId)
            .mapTo(String.class)
            .list());
  }
}

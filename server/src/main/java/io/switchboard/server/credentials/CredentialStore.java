package io.switchboard.server.credentials;

import io.switchboard.server.storage.Times;
import io.switchboard.server.storage.VersionedTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Integration credentials in SQL; the secrets column only ever holds sealed values. */
public final class CredentialStore {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> HOSTS = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final JsonMapper mapper;
  private final RowMapper<Credential> rows;

  public CredentialStore(Jdbi jdbi, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.rows =
        (rs, ctx) -> {
          String type = rs.getString("cred_type");
          return new Credential(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("description"),
              CredentialType.byWireName(type)
                  .orElseThrow(() ->
                      new IllegalStateException(
                          "unknown credential type in the database: " + type)),
              mapper.readValue(rs.getString("public_fields"), MAP),
              rs.getString("sealed_secrets"),
              rs.getString("key_id"),
              rs.getString("allowed_hosts") == null
                  ? null
                  : List.copyOf(mapper.readValue(rs.getString("allowed_hosts"), HOSTS)),
              rs.getLong("row_version"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));
        };
  }

  private static final VersionedTable TABLE =
      new VersionedTable(
          "integration_credentials",
          "name, description, cred_type, public_fields, sealed_secrets, key_id, allowed_hosts,"
              + " row_version, modified_at",
          ":name, :description, :type, :public, :sealed, :kid, :hosts, :version, :modified");

  public void insert(Credential c) {
    TABLE.insert(jdbi, u -> bind(u, c).bind("created", Times.db(c.createdAt())));
  }

  /**
   * Replaces the row if it is still at {@code expectedVersion}; false when it moved on or vanished.
   */
  public boolean update(Credential c, long expectedVersion) {
    return TABLE.updateIfAt(jdbi, expectedVersion, u -> bind(u, c));
  }

  private Update bind(Update u, Credential c) {
    return u.bind("id", c.id())
        .bind("org", c.orgId())
        .bind("name", c.name())
        .bind("description", c.description())
        .bind("type", c.type().wireName())
        .bind("public", mapper.writeValueAsString(c.publicFields()))
        .bind("sealed", c.sealedSecrets())
        .bind("kid", c.keyId())
        .bind(
            "hosts", c.allowedHosts() == null ? null : mapper.writeValueAsString(c.allowedHosts()))
        .bind("version", c.version())
        .bind("modified", Times.db(c.modifiedAt()));
  }

  public Optional<Credential> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from integration_credentials where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(rows)
            .findOne());
  }

  public Optional<Credential> findByName(String orgId, String name) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from integration_credentials where org_id = :org and name = :name order"
                    + " by id")
            .bind("org", orgId)
            .bind("name", name)
            .map(rows)
            .findFirst());
  }

  public List<Credential> list(String orgId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from integration_credentials where org_id = :org order by name, id limit"
                    + " :limit offset :offset")
            .bind("org", orgId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(rows)
            .list());
  }

  public long count(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from integration_credentials where org_id = :org")
            .bind("org", orgId)
            .mapTo(Long.class)
            .one());
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from integration_credentials where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        > 0;
  }

  /** How many stored credentials each key id sealed: the start-up check reads this. */
  public Map<String, Long> countByKeyId() {
    var out = new LinkedHashMap<String, Long>();
    jdbi.useHandle(h ->
        h.createQuery(
                "select key_id, count(*) as n from integration_credentials group by key_id order by"
                    + " key_id")
            .map((rs, ctx) -> Map.entry(rs.getString("key_id"), rs.getLong("n")))
            .forEach(e -> out.put(e.getKey(), e.getValue())));
    return out;
  }

  /** A row's sealed part, for re-encryption. */
  record SealedRow(String id, String orgId, String sealed, String keyId) {
    @Override
    public String toString() {
      return "SealedRow[id=" + id + ", keyId=" + keyId + "]";
    }
  }

  /** Every sealed row, locked for update within {@code h}'s transaction. */
  List<SealedRow> lockAllSealed(Handle h) {
    return h.createQuery(
            "select id, org_id, sealed_secrets, key_id from integration_credentials order by id for"
                + " update")
        .map((rs, ctx) ->
            new SealedRow(
                rs.getString("id"),
                rs.getString("org_id"),
                rs.getString("sealed_secrets"),
                rs.getString("key_id")))
        .list();
  }

  void reseal(Handle h, String id, String sealed, String keyId) {
    // The version stays: re-encryption changes nothing a caller can see.
    h.createUpdate(
            "update integration_credentials set sealed_secrets = :sealed, key_id = :kid where id ="
                + " :id")
        .bind("sealed", sealed)
        .bind("kid", keyId)
        .bind("id", id)
        .execute();
  }

  <T> T inTransaction(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
    return jdbi.inTransaction(work);
  }
}

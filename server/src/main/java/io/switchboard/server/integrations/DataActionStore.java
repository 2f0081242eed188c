package io.switchboard.server.integrations;

import io.switchboard.server.storage.InList;
import io.switchboard.server.storage.Like;
import io.switchboard.server.storage.OrderBy;
import io.switchboard.server.storage.Times;
import io.switchboard.server.storage.VersionedTable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;
import tools.jackson.databind.json.JsonMapper;

/** Data actions in SQL ({@code integration_actions}); every statement is scoped by org. */
public final class DataActionStore {
  private static final VersionedTable TABLE =
      new VersionedTable(
          "integration_actions",
          "integration_id, name, category, secure, config_json, contract_json, row_version,"
              + " modified_at",
          ":integration, :name, :category, :secure, :config, :contract, :version, :modified");

  /** List filters: exact integration, case-insensitive name and category substrings. */
  /**
   * What a listing keeps: each part null for no filter; {@code ids} as {@link InList} reads it
   * (empty: none).
   */
  public record Filter(
      String integrationId,
      String name,
      String category,
      Set<String> ids,
      Boolean secure,
      SortBy sortBy,
      boolean ascending) {
    public Filter {
      if (sortBy == null) sortBy = SortBy.NAME;
    }

    public Filter(String integrationId, String name, String category) {
      this(integrationId, name, category, null, null, SortBy.NAME, true);
    }

    private String orderBy() {
      return sortBy == SortBy.ID
          ? OrderBy.of(ascending, "id")
          : OrderBy.of(ascending, sortBy.column, "id");
    }
  }

  /** What the listing's {@code sortBy} may name, and its column. */
  public enum SortBy {
    NAME("name"),
    CATEGORY("category"),
    ID("id");

    private final String column;

    SortBy(String column) {
      this.column = column;
    }
  }

  private final Jdbi jdbi;
  private final JsonMapper mapper;
  private final RowMapper<DataAction> rows;

  public DataActionStore(Jdbi jdbi, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.rows =
        (rs, ctx) ->
            new DataAction(
                rs.getString("id"),
                rs.getString("org_id"),
                rs.getString("integration_id"),
                rs.getString("name"),
                rs.getString("category"),
                rs.getBoolean("secure"),
                mapper.readValue(rs.getString("config_json"), DataAction.Config.class),
                mapper.readValue(rs.getString("contract_json"), DataAction.Contract.class),
                rs.getLong("row_version"),
                Times.read(rs, "created_at"),
                Times.read(rs, "modified_at"));
  }

  public void insert(DataAction a) {
    TABLE.insert(jdbi, u -> bind(u, a).bind("created", Times.db(a.createdAt())));
  }

  public boolean update(DataAction a, long expectedVersion) {
    return TABLE.updateIfAt(jdbi, expectedVersion, u -> bind(u, a));
  }

  private Update bind(Update u, DataAction a) {
    return u.bind("id", a.id())
        .bind("org", a.orgId())
        .bind("integration", a.integrationId())
        .bind("name", a.name())
        .bind("category", a.category())
        .bind("secure", a.secure())
        .bind("config", mapper.writeValueAsString(a.config()))
        .bind("contract", mapper.writeValueAsString(a.contract()))
        .bind("version", a.version())
        .bind("modified", Times.db(a.modifiedAt()));
  }

  public Optional<DataAction> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from integration_actions where org_id = :org and id = :id")
            .bind("org", orgId)
            .bind("id", id)
            .map(rows)
            .findOne());
  }

  /** The action of that exact name (case-insensitive), the oldest if several share it. */
  public Optional<DataAction> findByName(String orgId, String name) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from integration_actions where org_id = :org and lower(name) ="
                    + " lower(:name) order by created_at, id limit 1")
            .bind("org", orgId)
            .bind("name", name)
            .map(rows)
            .findOne());
  }

  private static String where(Filter f) {
    return " where org_id = :org"
        + (f.integrationId() == null ? "" : " and integration_id = :integration")
        + (f.name() == null ? "" : " and lower(name) like :name escape '" + Like.ESCAPE + "'")
        + (f.category() == null
            ? ""
            : " and lower(category) like :category escape '" + Like.ESCAPE + "'")
        + (f.secure() == null ? "" : " and secure = :secure")
        + InList.and("id", "ids", f.ids());
  }

  public List<DataAction> list(String orgId, Filter f, int offset, int limit) {
    return jdbi.withHandle(h ->
        filter(
                h.createQuery(
                    "select * from integration_actions"
                        + where(f)
                        + f.orderBy()
                        + " limit :limit offset :offset"),
                orgId,
                f)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(rows)
            .list());
  }

  public long count(String orgId, Filter f) {
    return jdbi.withHandle(h ->
        filter(h.createQuery("select count(*) from integration_actions" + where(f)), orgId, f)
            .mapTo(Long.class)
            .one());
  }

  private static org.jdbi.v3.core.statement.Query filter(
      org.jdbi.v3.core.statement.Query q, String orgId, Filter f) {
    q.bind("org", orgId);
    if (f.integrationId() != null) q.bind("integration", f.integrationId());
    if (f.name() != null) q.bind("name", Like.containsIgnoringCase(f.name()));
    if (f.category() != null) q.bind("category", Like.containsIgnoringCase(f.category()));
    if (f.secure() != null) q.bind("secure", f.secure());
    InList.bind(q, "ids", f.ids());
    return q;
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from integration_actions where org_id = :org and id = :id")
            .bind("org", orgId)
            .bind("id", id)
            .execute())
        > 0;
  }
}

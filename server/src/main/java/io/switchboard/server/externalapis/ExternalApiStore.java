package io.switchboard.server.externalapis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.server.credentials.CredentialUsage;
import io.switchboard.server.storage.Times;
import io.switchboard.server.storage.VersionedTable;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * External APIs in SQL. Every statement is scoped by org: an id from another org matches nothing.
 */
public final class ExternalApiStore implements CredentialUsage {
  private static final TypeReference<List<ExternalApi.Header>> HEADERS = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final JsonMapper mapper;
  private final RowMapper<ExternalApi> rows;

  /**
   * Parsed JSON columns by their text: every data action of every flow execution reads its API
   * (2,000 reads at once in a burst), and parsing the same headers and response mapping each time
   * was a large share of that read's CPU. Keyed by the column's content, so a changed API can never
   * get a stale value.
   */
  private final Cache<String, List<ExternalApi.Header>> parsedHeaders =
      Caffeine.newBuilder().maximumSize(PARSED_CACHE_LIMIT).build();

  private final Cache<String, ExternalApi.ResponseMapping> parsedMappings =
      Caffeine.newBuilder().maximumSize(PARSED_CACHE_LIMIT).build();

  private static final int PARSED_CACHE_LIMIT = 1000;

  public ExternalApiStore(Jdbi jdbi, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.rows =
        (rs, ctx) -> {
          String template = rs.getString("request_template");
          String mapping = rs.getString("response_mapping");
          return new ExternalApi(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("description"),
              rs.getString("protocol"),
              rs.getString("http_method"),
              rs.getString("url"),
              rs.getInt("timeout_ms"),
              rs.getInt("retry_count"),
              parsedHeaders.get(
                  rs.getString("headers_json"), j -> List.copyOf(mapper.readValue(j, HEADERS))),
              rs.getString("credential_id"),
              template == null ? null : mapper.readTree(template),
              mapping == null
                  ? null
                  : parsedMappings.get(
                      mapping,
                      j -> unmodifiable(mapper.readValue(j, ExternalApi.ResponseMapping.class))),
              rs.getLong("row_version"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));
        };
  }

  /** Shared between reads through the cache: nobody may change it. */
  private static ExternalApi.ResponseMapping unmodifiable(ExternalApi.ResponseMapping m) {
    return m.outputs() == null
        ? m
        : new ExternalApi.ResponseMapping(java.util.Collections.unmodifiableMap(m.outputs()));
  }

  /**
   * The query filter: a case-insensitive name glob ({@code *} and {@code ?}) and an exact timeout.
   */
  public record Filter(String name, Integer timeout) {
    public static final Filter NONE = new Filter(null, null);
  }

  private static final VersionedTable TABLE =
      new VersionedTable(
          "external_apis",
          "name, description, protocol, http_method, url, timeout_ms, retry_count, headers_json,"
              + " credential_id, request_template, response_mapping, row_version, modified_at",
          ":name, :description, :protocol, :method, :url, :timeout, :retry, :headers, :credential,"
              + " :template, :mapping, :version, :modified");

  public void insert(ExternalApi a) {
    TABLE.insert(jdbi, u -> bind(u, a).bind("created", Times.db(a.createdAt())));
  }

  /**
   * Writes {@code a} if the row is still at {@code expectedVersion}; false when it moved on or is
   * gone.
   */
  public boolean update(ExternalApi a, long expectedVersion) {
    return TABLE.updateIfAt(jdbi, expectedVersion, u -> bind(u, a));
  }

  private Update bind(Update u, ExternalApi a) {
    return u.bind("id", a.id())
        .bind("org", a.orgId())
        .bind("name", a.name())
        .bind("description", a.description())
        .bind("protocol", a.protocol())
        .bind("method", a.method())
        .bind("url", a.url())
        .bind("timeout", a.timeout())
        .bind("retry", a.retry())
        .bind("headers", mapper.writeValueAsString(a.headers()))
        .bind("credential", a.credentialId())
        .bind(
            "template",
            a.requestTemplate() == null ? null : mapper.writeValueAsString(a.requestTemplate()))
        .bind(
            "mapping",
            a.responseMapping() == null ? null : mapper.writeValueAsString(a.responseMapping()))
        .bind("version", a.version())
        .bind("modified", Times.db(a.modifiedAt()));
  }

  public Optional<ExternalApi> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from external_apis where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(rows)
            .findOne());
  }

  public Optional<ExternalApi> findByName(String orgId, String name) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from external_apis where org_id = :org and name = :name order by id")
            .bind("org", orgId)
            .bind("name", name)
            .map(rows)
            .findFirst());
  }

  public List<ExternalApi> list(String orgId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from external_apis where org_id = :org order by name, id limit :limit"
                    + " offset :offset")
            .bind("org", orgId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(rows)
            .list());
  }

  public long count(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from external_apis where org_id = :org")
            .bind("org", orgId)
            .mapTo(Long.class)
            .one());
  }

  /**
   * Up to {@code limit} APIs of the org with an id after {@code afterId} (null: from the start), in
   * id order. Keyset paging: rows added or removed meanwhile never shift the ones not yet seen.
   */
  public List<ExternalApi> page(String orgId, String afterId, int limit, Filter filter) {
    var sql = new StringBuilder("select * from external_apis where org_id = :org");
    if (afterId != null) sql.append(" and id > :after");
    if (filter.name() != null) sql.append(" and lower(name) like :name escape '\\'");
    if (filter.timeout() != null) sql.append(" and timeout_ms = :timeout");
    sql.append(" order by id limit :limit");
    return jdbi.withHandle(h -> {
      Query q = h.createQuery(sql.toString()).bind("org", orgId).bind("limit", limit);
      if (afterId != null) q.bind("after", afterId);
      if (filter.name() != null) q.bind("name", likePattern(filter.name()));
      if (filter.timeout() != null) q.bind("timeout", filter.timeout());
      return q.map(rows).list();
    });
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from external_apis where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        > 0;
  }

  @Override
  public List<String> usersOf(String orgId, String credentialId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select name from external_apis where org_id = :org and credential_id = :cred order"
                    + " by name")
            .bind("org", orgId)
            .bind("cred", credentialId)
            .mapTo(String.class)
            .list());
  }

  /**
   * A glob as a LIKE pattern: {@code *} any run, {@code ?} one character, everything else literal.
   */
  static String likePattern(String glob) {
    var out = new StringBuilder();
    for (char c : glob.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      switch (c) {
        case '*' -> out.append('%');
        case '?' -> out.append('_');
        case '%', '_', '\\' -> out.append('\\').append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}

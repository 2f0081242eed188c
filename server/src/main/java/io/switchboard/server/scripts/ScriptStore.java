package io.switchboard.server.scripts;

import io.switchboard.server.storage.DirectReads;
import io.switchboard.server.storage.Like;
import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import tools.jackson.databind.json.JsonMapper;

/** Scripts and their published versions in SQL; a script's content is one JSON document column. */
public final class ScriptStore {
  /** What a listing may sort by, to the column of each table. */
  public enum SortField {
    NAME("name_lower", "name_lower"),
    CREATED("created_at", "script_created_at"),
    MODIFIED("modified_at", "script_modified_at"),
    PUBLISHED("published_at", "published_at");

    final String draftColumn;
    final String publishedColumn;

    SortField(String draftColumn, String publishedColumn) {
      this.draftColumn = draftColumn;
      this.publishedColumn = publishedColumn;
    }
  }

  public record ListQuery(
      String nameContains, SortField sortBy, boolean ascending, int offset, int limit) {}

  private final Jdbi jdbi;
  private final DirectReads directReads;
  private final JsonMapper mapper;
  private final RowMapper<Script> scriptRow;
  private final RowMapper<PublishedScript> publishedRow;

  public ScriptStore(Jdbi jdbi, DirectReads directReads, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.directReads = directReads;
    this.mapper = mapper;
    this.scriptRow =
        (rs, ctx) ->
            new Script(
                rs.getString("id"),
                rs.getString("org_id"),
                rs.getString("name"),
                rs.getLong("version"),
                rs.getString("version_id"),
                Times.read(rs, "created_at"),
                Times.read(rs, "modified_at"),
                Times.read(rs, "published_at"),
                document(rs.getString("document")));
    this.publishedRow =
        (rs, ctx) ->
            new PublishedScript(
                rs.getString("version_id"),
                rs.getString("script_id"),
                rs.getString("org_id"),
                rs.getInt("seq"),
                rs.getString("name"),
                Times.read(rs, "script_created_at"),
                Times.read(rs, "script_modified_at"),
                Times.read(rs, "published_at"),
                rs.getBoolean("deleted"),
                document(rs.getString("document")));
  }

  private ScriptDocument document(String json) {
    return mapper.readValue(json, ScriptDocument.class);
  }

  public <T> T inTransaction(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
    return jdbi.inTransaction(work);
  }

  public void insert(Script s) {
    jdbi.useHandle(h ->
        h.createUpdate(
                "insert into scripts (id, org_id, name, name_lower, version, version_id,"
                    + " created_at, modified_at, published_at, document) values (:id, :org, :name,"
                    + " :lower, :version, :versionId, :created, :modified, null, :doc)")
            .bind("id", s.id())
            .bind("org", s.orgId())
            .bind("name", s.name())
            .bind("lower", s.name().toLowerCase(Locale.ROOT))
            .bind("version", s.version())
            .bind("versionId", s.versionId())
            .bind("created", Times.db(s.createdAt()))
            .bind("modified", Times.db(s.modifiedAt()))
            .bind("doc", mapper.writeValueAsString(s.document()))
            .execute());
  }

  public Optional<Script> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from scripts where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(scriptRow)
            .findOne());
  }

  /**
   * What names a draft's content without the content: its save counter, the id of the saved content
   * and the last publish (the only change to a row that keeps its {@code version_id}).
   */
  public record Head(long version, String versionId, Instant publishedAt) {}

  /**
   * The draft's {@link Head}: a read that leaves the document (a large text column) alone. Every
   * draft GET starts here (its JSON is cached by version), so it is a plain JDBC read: see {@link
   * DirectReads}.
   */
  public Optional<Head> findHead(String orgId, String id) {
    return directReads.one(
        "select version, version_id, published_at from scripts where id = ? and org_id = ?",
        rs -> new Head(rs.getLong(1), rs.getString(2), Times.read(rs, 3)),
        id,
        orgId);
  }

  public Optional<Script> findByName(String orgId, String name) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from scripts where org_id = :org and name_lower = :lower order by"
                    + " created_at, id")
            .bind("org", orgId)
            .bind("lower", name.toLowerCase(Locale.ROOT))
            .map(scriptRow)
            .findFirst());
  }

  /**
   * Replaces the content if the stored version is {@code expectedVersion}; false otherwise (nothing
   * written).
   */
  public boolean replace(
      String orgId,
      String id,
      long expectedVersion,
      String name,
      String versionId,
      Instant now,
      ScriptDocument doc) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update scripts set name = :name, name_lower = :lower, version = version + 1,"
                    + " version_id = :versionId, modified_at = :now, document = :doc where id = :id"
                    + " and org_id = :org and version = :expected")
            .bind("name", name)
            .bind("lower", name.toLowerCase(Locale.ROOT))
            .bind("versionId", versionId)
            .bind("now", Times.db(now))
            .bind("doc", mapper.writeValueAsString(doc))
            .bind("id", id)
            .bind("org", orgId)
            .bind("expected", expectedVersion)
            .execute())
        == 1;
  }

  /**
   * Deletes the script; its published versions stop being served but stay for sessions pinned to
   * them.
   */
  public boolean delete(String orgId, String id) {
    return jdbi.inTransaction(h -> {
      int n =
          h.createUpdate("delete from scripts where id = :id and org_id = :org")
              .bind("id", id)
              .bind("org", orgId)
              .execute();
      if (n == 0) return false;
      h.createUpdate(
              "update published_scripts set deleted = true, latest = false where script_id = :id"
                  + " and org_id = :org")
          .bind("id", id)
          .bind("org", orgId)
          .execute();
      return true;
    });
  }

  public List<Script> list(String orgId, ListQuery q) {
    return jdbi.withHandle(h -> {
      Query query =
          h.createQuery(
              "select * from scripts where "
                  + nameFilter(q)
                  + " order by "
                  + q.sortBy().draftColumn
                  + " "
                  + (q.ascending() ? "asc" : "desc")
                  + ", id limit :limit offset :offset");
      return bind(query, orgId, q)
          .bind("limit", q.limit())
          .bind("offset", q.offset())
          .map(scriptRow)
          .list();
    });
  }

  public long count(String orgId, ListQuery q) {
    return jdbi.withHandle(h ->
        bind(h.createQuery("select count(*) from scripts where " + nameFilter(q)), orgId, q)
            .mapTo(Long.class)
            .one());
  }

  // ---- publishing

  /** Locks the script's row for a publish, reading it as committed. */
  public Optional<Script> lock(Handle h, String orgId, String id) {
    return h.createQuery("select * from scripts where id = :id and org_id = :org for update")
        .bind("id", id)
        .bind("org", orgId)
        .map(scriptRow)
        .findOne();
  }

  /** Adds {@code p} as the script's latest published version; call with the script's row locked. */
  public void insertPublished(Handle h, PublishedScript p) {
    h.createUpdate(
            "update published_scripts set latest = false where script_id = :id and latest = true")
        .bind("id", p.scriptId())
        .execute();
    h.createUpdate(
            "insert into published_scripts (version_id, script_id, org_id, seq, name, name_lower,"
                + " script_created_at, script_modified_at, published_at, latest, deleted, document)"
                + " values (:versionId, :scriptId, :org, :seq, :name, :lower, :created, :modified,"
                + " :published, true, false, :doc)")
        .bind("versionId", p.versionId())
        .bind("scriptId", p.scriptId())
        .bind("org", p.orgId())
        .bind("seq", p.seq())
        .bind("name", p.name())
        .bind("lower", p.name().toLowerCase(Locale.ROOT))
        .bind("created", Times.db(p.scriptCreatedAt()))
        .bind("modified", Times.db(p.scriptModifiedAt()))
        .bind("published", Times.db(p.publishedAt()))
        .bind("doc", mapper.writeValueAsString(p.document()))
        .execute();
    h.createUpdate("update scripts set published_at = :at where id = :id")
        .bind("at", Times.db(p.publishedAt()))
        .bind("id", p.scriptId())
        .execute();
  }

  public int nextSeq(Handle h, String scriptId) {
    return h.createQuery(
            "select coalesce(max(seq), 0) + 1 from published_scripts where script_id = :id")
        .bind("id", scriptId)
        .mapTo(Integer.class)
        .one();
  }

  /** The version id of the script's latest published version, if it has one and is not deleted. */
  public Optional<String> latestPublishedVersionId(String orgId, String scriptId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select version_id from published_scripts where org_id = :org and script_id = :id"
                    + " and latest = true and deleted = false")
            .bind("org", orgId)
            .bind("id", scriptId)
            .mapTo(String.class)
            .findOne());
  }

  /** The org and id of a script's latest published version that is not deleted. */
  public record Latest(String orgId, String versionId) {}

  /** The script's latest published version, if it has one and is not deleted, whatever its org. */
  public Optional<Latest> latestPublished(String scriptId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select org_id, version_id from published_scripts where script_id = :id"
                    + " and latest = true and deleted = false")
            .bind("id", scriptId)
            .map((rs, ctx) -> new Latest(rs.getString("org_id"), rs.getString("version_id")))
            .findOne());
  }

  /** A published version by its id, deleted or not (sessions pinned to it still render). */
  public Optional<PublishedScript> publishedVersion(String versionId) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from published_scripts where version_id = :v")
            .bind("v", versionId)
            .map(publishedRow)
            .findOne());
  }

  public List<PublishedScript> listPublished(String orgId, ListQuery q) {
    return jdbi.withHandle(h -> {
      Query query =
          h.createQuery(
              "select * from published_scripts where latest = true and deleted = false and "
                  + nameFilter(q)
                  + " order by "
                  + q.sortBy().publishedColumn
                  + " "
                  + (q.ascending() ? "asc" : "desc")
                  + ", script_id limit :limit offset :offset");
      return bind(query, orgId, q)
          .bind("limit", q.limit())
          .bind("offset", q.offset())
          .map(publishedRow)
          .list();
    });
  }

  public long countPublished(String orgId, ListQuery q) {
    return jdbi.withHandle(h ->
        bind(
                h.createQuery(
                    "select count(*) from published_scripts where latest = true and deleted = false"
                        + " and "
                        + nameFilter(q)),
                orgId,
                q)
            .mapTo(Long.class)
            .one());
  }

  private static String nameFilter(ListQuery q) {
    return "org_id = :org"
        + (q.nameContains() == null
            ? ""
            : " and name_lower like :name escape '" + Like.ESCAPE + "'");
  }

  private static Query bind(Query query, String orgId, ListQuery q) {
    query.bind("org", orgId);
    if (q.nameContains() != null) query.bind("name", Like.containsIgnoringCase(q.nameContains()));
    return query;
  }
}

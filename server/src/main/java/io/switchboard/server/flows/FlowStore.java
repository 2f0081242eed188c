package io.switchboard.server.flows;

import io.switchboard.server.storage.InList;
import io.switchboard.server.storage.Like;
import io.switchboard.server.storage.OrderBy;
import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * Flows, their versions and executions in SQL. Every read is scoped by org: another org's id
 * matches nothing.
 */
public final class FlowStore {
  private static final RowMapper<Flow> FLOW =
      (rs, ctx) ->
          new Flow(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("description"),
              rs.getString("flow_type"),
              rs.getString("saved_version_id"),
              rs.getString("published_version_id"),
              rs.getLong("row_version"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"));
  private static final RowMapper<FlowVersion> VERSION =
      (rs, ctx) ->
          new FlowVersion(
              rs.getString("id"),
              rs.getString("flow_id"),
              rs.getString("org_id"),
              rs.getInt("seq"),
              rs.getString("source_format"),
              rs.getString("source"),
              rs.getBoolean("published"),
              Times.read(rs, "created_at"),
              rs.getObject("published_at") == null ? null : Times.read(rs, "published_at"));
  private static final RowMapper<FlowExecution> EXECUTION =
      (rs, ctx) ->
          new FlowExecution(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("flow_id"),
              rs.getString("flow_version_id"),
              rs.getString("name"),
              rs.getString("status"),
              rs.getString("outcome"),
              rs.getString("completion_reason"),
              rs.getString("output_data"),
              rs.getString("trace"),
              Times.read(rs, "launched_at"),
              rs.getObject("completed_at") == null ? null : Times.read(rs, "completed_at"));

  /**
   * Filters of the flow list: a name substring (case-insensitive), types (any; none: all), ids
   * (any; null: all, empty: none), a description substring, a substring of either, {@code none}
   * when the request filters on what no flow here has (a lock, a secure version); and its order.
   */
  public record Filter(
      String name,
      Set<String> types,
      Set<String> ids,
      String description,
      String nameOrDescription,
      Published published,
      boolean none,
      Sort sort) {
    public Filter {
      types = Set.copyOf(types);
      ids = ids == null ? null : Set.copyOf(ids);
      if (published == null) published = Published.ANY;
    }

    public Filter(String name, Set<String> types, Set<String> ids) {
      this(name, types, ids, null, null, Published.ANY, false, Sort.DEFAULT);
    }

    public Filter(String name, Set<String> types) {
      this(name, types, null);
    }
  }

  /**
   * Filters on a flow's published version: its id, and when it was published (after and before,
   * exclusive); each null for none. A flow never published has no published version to match.
   */
  public record Published(String versionId, Instant after, Instant before) {
    public static final Published ANY = new Published(null, null, null);

    private String where() {
      return (versionId == null ? "" : " and published_version_id = :publishedVersion")
          + (after == null && before == null
              ? ""
              : " and exists (select 1 from flow_versions v where v.id = flows.published_version_id"
                  + (after == null ? "" : " and v.published_at > :publishedAfter")
                  + (before == null ? "" : " and v.published_at < :publishedBefore")
                  + ")");
    }

    private void bind(Query q) {
      if (versionId != null) q.bind("publishedVersion", versionId);
      if (after != null) q.bind("publishedAfter", Times.db(after));
      if (before != null) q.bind("publishedBefore", Times.db(before));
    }
  }

  /** What a listing's {@code sortBy} may name, and its column. */
  public enum SortField {
    NAME("name_lower"),
    ID("id"),
    TYPE("flow_type"),
    DESCRIPTION("lower(description)");

    final String column;

    SortField(String column) {
      this.column = column;
    }
  }

  /** The listing's order: by {@code field}, then by id, both ascending or both descending. */
  public record Sort(SortField field, boolean ascending) {
    public static final Sort DEFAULT = new Sort(SortField.NAME, true);

    String orderBy() {
      return field == SortField.ID
          ? OrderBy.of(ascending, "id")
          : OrderBy.of(ascending, field.column, "id");
    }
  }

  private final Jdbi jdbi;

  public FlowStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The transaction this thread has open on this database (a store call joins it), or null. */
  public org.jdbi.v3.core.Handle openTransaction() {
    org.jdbi.v3.core.extension.HandleSupplier open = jdbi.getHandleScope().get();
    org.jdbi.v3.core.Handle h = open == null ? null : open.getHandle();
    return h != null && h.isInTransaction() ? h : null;
  }

  public void insert(Flow f) {
    jdbi.useHandle(h ->
        h.createUpdate(
                "insert into flows (id, org_id, name, name_lower, description, flow_type,"
                    + " row_version, created_at, modified_at) values (:id, :org, :name, :lower,"
                    + " :description, :type, :version, :created, :modified)")
            .bind("id", f.id())
            .bind("org", f.orgId())
            .bind("name", f.name())
            .bind("lower", f.name().toLowerCase(java.util.Locale.ROOT))
            .bind("description", f.description())
            .bind("type", f.type())
            .bind("version", f.version())
            .bind("created", Times.db(f.createdAt()))
            .bind("modified", Times.db(f.modifiedAt()))
            .execute());
  }

  public Optional<Flow> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from flows where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(FLOW)
            .findOne());
  }

  public List<Flow> list(String orgId, Filter filter, int offset, int limit) {
    return jdbi.withHandle(h ->
        bind(
                h.createQuery(
                    "select * from flows where "
                        + where(filter)
                        + filter.sort().orderBy()
                        + " limit :limit offset :offset"),
                orgId,
                filter)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(FLOW)
            .list());
  }

  public long count(String orgId, Filter filter) {
    return jdbi.withHandle(h ->
        bind(h.createQuery("select count(*) from flows where " + where(filter)), orgId, filter)
            .mapTo(Long.class)
            .one());
  }

  private static String where(Filter f) {
    String like = " like :%s escape '" + Like.ESCAPE + "'";
    return "org_id = :org"
        + (f.none() ? " and 1 = 0" : "")
        + f.published().where()
        + (f.name() == null ? "" : " and name_lower" + like.formatted("name"))
        + (f.description() == null ? "" : " and lower(description)" + like.formatted("description"))
        + (f.nameOrDescription() == null
            ? ""
            : " and (name_lower"
                + like.formatted("either")
                + " or lower(description)"
                + like.formatted("either")
                + ")")
        + InList.and("flow_type", "types", f.types().isEmpty() ? null : f.types())
        + InList.and("id", "ids", f.ids());
  }

  private static Query bind(Query q, String orgId, Filter f) {
    q.bind("org", orgId);
    if (f.name() != null) q.bind("name", Like.containsIgnoringCase(f.name()));
    if (f.description() != null) q.bind("description", Like.containsIgnoringCase(f.description()));
    if (f.nameOrDescription() != null)
      q.bind("either", Like.containsIgnoringCase(f.nameOrDescription()));
    f.published().bind(q);
    return InList.bind(InList.bind(q, "types", f.types()), "ids", f.ids());
  }

  /** Renames or re-describes; false when the row is gone or moved past {@code expectedVersion}. */
  public boolean update(Flow f, long expectedVersion) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update flows set name = :name, name_lower = :lower, description ="
                    + " :description, row_version = :version, modified_at = :modified where"
                    + " id = :id and org_id = :org and row_version = :expected")
            .bind("id", f.id())
            .bind("org", f.orgId())
            .bind("name", f.name())
            .bind("lower", f.name().toLowerCase(java.util.Locale.ROOT))
            .bind("description", f.description())
            .bind("version", f.version())
            .bind("modified", Times.db(f.modifiedAt()))
            .bind("expected", expectedVersion)
            .execute())
        > 0;
  }

  /**
   * Deletes the flow; its versions stay, because executions that are running or traced refer to
   * them.
   */
  /**
   * What a guarded delete did: the flow's name (null: no such flow), and what still uses it (then
   * the flow is kept).
   */
  public record Deletion(String name, List<String> usedBy) {}

  /**
   * Deletes the flow unless {@code dependents} names something that runs it, in one transaction
   * that first locks the flow's row: an IVR written at the same time locks that row too ({@code
   * IvrStore.lockFlow}), so either the IVR commits first and is seen here (the flow is kept), or
   * the delete commits first and the IVR finds no flow. Neither leaves an IVR without its flow.
   */
  public Deletion delete(String orgId, String id, FlowService.Dependents dependents) {
    return jdbi.inTransaction(h -> {
      String name =
          h.createQuery("select name from flows where id = :id and org_id = :org for update")
              .bind("id", id)
              .bind("org", orgId)
              .mapTo(String.class)
              .findOne()
              .orElse(null);
      if (name == null) return new Deletion(null, List.of());
      List<String> usedBy = dependents.ivrsUsing(h, orgId, id);
      if (usedBy.isEmpty())
        h.createUpdate("delete from flows where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute();
      return new Deletion(name, usedBy);
    });
  }

  /**
   * Stores a new version and makes it the flow's saved one, in one transaction; empty when the flow
   * is gone.
   */
  public Optional<FlowVersion> saveVersion(
      String orgId, String flowId, String versionId, String format, String source, Instant now) {
    return jdbi.inTransaction(h -> {
      Optional<Flow> flow =
          h.createQuery("select * from flows where id = :id and org_id = :org for update")
              .bind("id", flowId)
              .bind("org", orgId)
              .map(FLOW)
              .findOne();
      if (flow.isEmpty()) return Optional.empty();
      int seq =
          h.createQuery("select coalesce(max(seq), 0) + 1 from flow_versions where flow_id = :flow")
              .bind("flow", flowId)
              .mapTo(Integer.class)
              .one();
      var v = new FlowVersion(versionId, flowId, orgId, seq, format, source, false, now, null);
      h.createUpdate(
              "insert into flow_versions (id, flow_id, org_id, seq, source_format, source,"
                  + " published, created_at) values (:id, :flow, :org, :seq, :format, :source,"
                  + " false, :created)")
          .bind("id", v.id())
          .bind("flow", flowId)
          .bind("org", orgId)
          .bind("seq", seq)
          .bind("format", format)
          .bind("source", source)
          .bind("created", Times.db(now))
          .execute();
      h.createUpdate(
              "update flows set saved_version_id = :v, row_version = row_version + 1,"
                  + " modified_at = :now where id = :id")
          .bind("v", v.id())
          .bind("now", Times.db(now))
          .bind("id", flowId)
          .execute();
      return Optional.of(v);
    });
  }

  /**
   * Marks the version published and makes it the flow's published one; false when the flow is gone
   * or, {@code whileSaved}, when it no longer has this version saved (a save came in between).
   */
  public boolean publish(
      String orgId,
      String flowId,
      String versionId,
      boolean whileSaved,
      Instant now,
      References refs) {
    return jdbi.inTransaction(h -> {
      int n =
          h.createUpdate(
                  "update flows set published_version_id = :v, row_version = row_version + 1,"
                      + " modified_at = :now where id = :id and org_id = :org"
                      + (whileSaved ? " and saved_version_id = :v" : ""))
              .bind("v", versionId)
              .bind("now", Times.db(now))
              .bind("id", flowId)
              .bind("org", orgId)
              .execute();
      if (n == 0) return false;
      h.createUpdate(
              "update flow_versions set published = true, published_at = :now where id = :v and"
                  + " published = false")
          .bind("v", versionId)
          .bind("now", Times.db(now))
          .execute();
      // The references of the version now published replace the previous version's. The referenced
      // rows are locked first: a delete of one of them then either committed before (the row is
      // gone: refused here) or waits for this commit and meets the new references (its foreign key
      // refuses it). The foreign keys alone do not decide this on H2, whose MVCC checks them
      // against committed rows only and takes no lock on the referenced row.
      lockReferenced(h, orgId, "external_apis", refs.externalApiIds());
      lockReferenced(h, orgId, "scripts", refs.scriptIds());
      lockReferenced(h, orgId, "integration_actions", refs.actionIds());
      h.createUpdate("delete from flow_references where flow_id = :flow")
          .bind("flow", flowId)
          .execute();
      var batch =
          h.prepareBatch(
              "insert into flow_references (flow_id, org_id, version_id, external_api_id,"
                  + " script_id, action_id) values (:flow, :org, :v, :api, :script, :action)");
      for (String api : refs.externalApiIds())
        reference(batch, flowId, orgId, versionId, api, null, null);
      for (String script : refs.scriptIds())
        reference(batch, flowId, orgId, versionId, null, script, null);
      for (String action : refs.actionIds())
        reference(batch, flowId, orgId, versionId, null, null, action);
      if (batch.size() > 0) batch.execute();
      return true;
    });
  }

  /**
   * One row of {@code flow_references}: exactly one of {@code api}, {@code script}, {@code action}.
   */
  private static void reference(
      org.jdbi.v3.core.statement.PreparedBatch batch,
      String flowId,
      String orgId,
      String versionId,
      String api,
      String script,
      String action) {
    batch
        .bind("flow", flowId)
        .bind("org", orgId)
        .bind("v", versionId)
        .bind("api", api)
        .bind("script", script)
        .bind("action", action)
        .add();
  }

  private static void lockReferenced(
      org.jdbi.v3.core.Handle h, String orgId, String table, java.util.Set<String> ids) {
    if (ids.isEmpty()) return;
    int found =
        h.createQuery(
                "select id from " + table + " where org_id = :org and id in (<ids>) for update")
            .bind("org", orgId)
            .bindList("ids", List.copyOf(ids))
            .mapTo(String.class)
            .list()
            .size();
    if (found != ids.size()) throw referenceGone();
  }

  static io.switchboard.server.errors.Problem referenceGone() {
    return io.switchboard.server.errors.Problem.conflict(
        "flow.reference.gone",
        "A data action or script this flow uses was deleted while it was being published;"
            + " publish again to see which");
  }

  /** The data actions (external API ids) and scripts (script ids) a published version uses. */
  /** What a published version uses: external APIs, scripts and integration data actions by id. */
  public record References(
      java.util.Set<String> externalApiIds,
      java.util.Set<String> scriptIds,
      java.util.Set<String> actionIds) {}

  /**
   * Names of the org's flows whose current published version uses external API {@code apiId}; one
   * indexed query.
   */
  public List<String> flowsUsingExternalApi(String orgId, String apiId) {
    return flowsUsing(orgId, "external_api_id", apiId);
  }

  /**
   * Names of the org's flows whose current published version uses integration data action {@code
   * actionId}.
   */
  public List<String> flowsUsingAction(String orgId, String actionId) {
    return flowsUsing(orgId, "action_id", actionId);
  }

  /**
   * Names of the org's flows whose current published version uses an action of integration {@code
   * integrationId} (deleting the integration deletes its actions).
   */
  public List<String> flowsUsingIntegration(String orgId, String integrationId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select distinct f.name from flow_references r join flows f on f.id = r.flow_id"
                    + " join integration_actions a on a.id = r.action_id where r.org_id = :org and"
                    + " a.integration_id = :integration order by f.name")
            .bind("org", orgId)
            .bind("integration", integrationId)
            .mapTo(String.class)
            .list());
  }

  /** Names of the org's flows whose current published version uses script {@code scriptId}. */
  public List<String> flowsUsingScript(String orgId, String scriptId) {
    return flowsUsing(orgId, "script_id", scriptId);
  }

  private List<String> flowsUsing(String orgId, String column, String id) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select distinct f.name from flow_references r join flows f on f.id = r.flow_id"
                    + " where r.org_id = :org and r."
                    + column
                    + " = :id order by f.name")
            .bind("org", orgId)
            .bind("id", id)
            .mapTo(String.class)
            .list());
  }

  /** A version of the org, whether or not its flow still exists. */
  public Optional<FlowVersion> version(String orgId, String versionId) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from flow_versions where id = :id and org_id = :org")
            .bind("id", versionId)
            .bind("org", orgId)
            .map(VERSION)
            .findOne());
  }

  public List<FlowVersion> versions(String flowId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from flow_versions where flow_id = :flow order by seq desc limit"
                    + " :limit offset :offset")
            .bind("flow", flowId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(VERSION)
            .list());
  }

  public long countVersions(String flowId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from flow_versions where flow_id = :flow")
            .bind("flow", flowId)
            .mapTo(Long.class)
            .one());
  }

  /** Inserts launched executions in one transaction. */
  public void insertExecutions(List<FlowExecution> launched) {
    jdbi.useTransaction(h -> {
      var batch =
          h.prepareBatch(
              "insert into flow_executions (id, org_id, flow_id, flow_version_id, name,"
                  + " status, launched_at) values (:id, :org, :flow, :version, :name,"
                  + " :status, :launched)");
      for (FlowExecution e : launched)
        batch
            .bind("id", e.id())
            .bind("org", e.orgId())
            .bind("flow", e.flowId())
            .bind("version", e.flowVersionId())
            .bind("name", e.name())
            .bind("status", e.status())
            .bind("launched", Times.db(e.launchedAt()))
            .add();
      batch.execute();
    });
  }

  /** One launched execution, in the caller's transaction when it has one (a call's launch). */
  public void insertExecution(FlowExecution e) {
    insertExecutions(List.of(e));
  }

  /** The recorded end of an execution. */
  public record Completion(
      String id,
      String status,
      String outcome,
      String reason,
      String outputData,
      String trace,
      Instant completedAt) {}

  /** Records the ends of several executions in one transaction. */
  public void finishExecutions(List<Completion> done) {
    jdbi.useTransaction(h -> {
      var batch =
          h.prepareBatch(
              "update flow_executions set status = :status, outcome = :outcome,"
                  + " completion_reason = :reason, output_data = :output, trace = :trace,"
                  + " completed_at = :completed where id = :id");
      for (Completion c : done)
        batch
            .bind("id", c.id())
            .bind("status", c.status())
            .bind("outcome", c.outcome())
            .bind("reason", c.reason())
            .bind("output", c.outputData())
            .bind("trace", c.trace())
            .bind("completed", Times.db(c.completedAt()))
            .add();
      batch.execute();
    });
  }

  public void finishExecution(
      String id,
      String status,
      String outcome,
      String reason,
      String outputData,
      String trace,
      Instant completedAt) {
    finishExecutions(
        List.of(new Completion(id, status, outcome, reason, outputData, trace, completedAt)));
  }

  public Optional<FlowExecution> execution(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select * from flow_executions where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(EXECUTION)
            .findOne());
  }

  /** Filters of an execution listing: outcomes (wire names, {@code running} for RUNNING ones). */
  public record ExecutionFilter(String flowId, java.util.Set<String> outcomes) {}

  private static final String EXECUTION_COLUMNS =
      "id, org_id, flow_id, flow_version_id, name, status, outcome, completion_reason,"
          + " launched_at, completed_at, null as output_data, null as trace";

  /**
   * A page of a flow's retained executions, newest first, without outputs and traces (GET one
   * execution for those).
   */
  public List<FlowExecution> executions(
      String orgId, ExecutionFilter filter, int offset, int limit) {
    return jdbi.withHandle(h -> {
      var q =
          h.createQuery(
                  "select "
                      + EXECUTION_COLUMNS
                      + " from flow_executions where org_id = :org and flow_id = :flow"
                      + outcomeClause(filter)
                      + " order by launched_at desc, id desc limit :limit offset :offset")
              .bind("org", orgId)
              .bind("flow", filter.flowId())
              .bind("limit", limit)
              .bind("offset", offset);
      bindOutcomes(q, filter);
      return q.map(EXECUTION).list();
    });
  }

  public long countExecutions(String orgId, ExecutionFilter filter) {
    return jdbi.withHandle(h -> {
      var q =
          h.createQuery(
                  "select count(*) from flow_executions where org_id = :org and flow_id = :flow"
                      + outcomeClause(filter))
              .bind("org", orgId)
              .bind("flow", filter.flowId());
      bindOutcomes(q, filter);
      return q.mapTo(Long.class).one();
    });
  }

  /** Retained executions of a flow by outcome ({@code running} for those without one yet). */
  public java.util.Map<String, Long> outcomeCounts(String orgId, String flowId) {
    return jdbi.withHandle(h -> {
      var out = new java.util.TreeMap<String, Long>();
      h.createQuery(
              "select coalesce(outcome, 'running') as o, count(*) as n from flow_executions where"
                  + " org_id = :org and flow_id = :flow group by coalesce(outcome, 'running')")
          .bind("org", orgId)
          .bind("flow", flowId)
          .map((rs, ctx) -> java.util.Map.entry(rs.getString("o"), rs.getLong("n")))
          .forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    });
  }

  private static String outcomeClause(ExecutionFilter f) {
    if (f.outcomes() == null || f.outcomes().isEmpty()) return "";
    var parts = new java.util.ArrayList<String>();
    int i = 0;
    for (String o : f.outcomes())
      parts.add(o.equals("running") ? "outcome is null" : "outcome = :o" + i++);
    return " and (" + String.join(" or ", parts) + ")";
  }

  private static void bindOutcomes(org.jdbi.v3.core.statement.Query q, ExecutionFilter f) {
    if (f.outcomes() == null) return;
    int i = 0;
    for (String o : f.outcomes()) if (!o.equals("running")) q.bind("o" + i++, o);
  }

  /**
   * Deletes executions launched before {@code before} (no run outlives the longest deadline, 120
   * s); returns how many.
   */
  public int pruneExecutions(Instant before) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from flow_executions where launched_at < :before")
            .bind("before", Times.db(before))
            .execute());
  }
}

package io.switchboard.server.routing;

import io.switchboard.server.storage.OrderBy;
import io.switchboard.server.storage.Times;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** IVRs and the numbers they claim ({@code ivrs}, {@code ivr_dnis}). */
public final class IvrStore {
  private final Jdbi jdbi;

  public IvrStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** Inserts the IVR; {@link FlowGone} (nothing written) when its flow was deleted meanwhile. */
  public void insert(Handle h, Ivr ivr) {
    if (!lockFlow(h, ivr)) throw new FlowGone();
    h.createUpdate(
            "insert into ivrs (id, org_id, name, name_lower, description, flow_id, row_version,"
                + " created_at, modified_at) values (:id, :org, :name, :lower, :description, :flow,"
                + " :version, :created, :modified)")
        .bind("id", ivr.id())
        .bind("org", ivr.orgId())
        .bind("name", ivr.name())
        .bind("lower", ivr.name().toLowerCase(Locale.ROOT))
        .bind("description", ivr.description())
        .bind("flow", ivr.flowId())
        .bind("version", ivr.version())
        .bind("created", Times.db(ivr.createdAt()))
        .bind("modified", Times.db(ivr.modifiedAt()))
        .execute();
    insertDnis(h, ivr);
  }

  private static void insertDnis(Handle h, Ivr ivr) {
    for (String d : ivr.dnis()) {
      h.createUpdate("insert into ivr_dnis (org_id, dnis, ivr_id) values (:org, :dnis, :ivr)")
          .bind("org", ivr.orgId())
          .bind("dnis", d)
          .bind("ivr", ivr.id())
          .execute();
    }
  }

  /** False when the row changed since {@code expectedVersion} was read. */
  public boolean update(Handle h, Ivr ivr, long expectedVersion) {
    if (!lockFlow(h, ivr)) throw new FlowGone();
    int n =
        h.createUpdate(
                "update ivrs set name = :name, name_lower = :lower, description = :description,"
                    + " flow_id = :flow, row_version = :version, modified_at = :modified where id ="
                    + " :id and org_id = :org and row_version = :expected")
            .bind("name", ivr.name())
            .bind("lower", ivr.name().toLowerCase(Locale.ROOT))
            .bind("description", ivr.description())
            .bind("flow", ivr.flowId())
            .bind("version", ivr.version())
            .bind("modified", Times.db(ivr.modifiedAt()))
            .bind("id", ivr.id())
            .bind("org", ivr.orgId())
            .bind("expected", expectedVersion)
            .execute();
    if (n != 1) return false;
    h.createUpdate("delete from ivr_dnis where ivr_id = :id").bind("id", ivr.id()).execute();
    insertDnis(h, ivr);
    return true;
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from ivrs where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        == 1;
  }

  public Optional<Ivr> find(String orgId, String id) {
    return jdbi.withHandle(h -> find(h, orgId, id));
  }

  private static Optional<Ivr> find(Handle h, String orgId, String id) {
    return h.createQuery("select * from ivrs where id = :id and org_id = :org")
        .bind("id", id)
        .bind("org", orgId)
        .map((rs, ctx) ->
            new Ivr(
                rs.getString("id"),
                rs.getString("org_id"),
                rs.getString("name"),
                rs.getString("description"),
                dnis(h, rs.getString("id")),
                rs.getString("flow_id"),
                rs.getLong("row_version"),
                Times.read(rs, "created_at"),
                Times.read(rs, "modified_at")))
        .findOne();
  }

  private static List<String> dnis(Handle h, String ivrId) {
    return h.createQuery("select dnis from ivr_dnis where ivr_id = :id order by dnis")
        .bind("id", ivrId)
        .mapTo(String.class)
        .list();
  }

  /** The org's IVR that answers {@code dnis}. */
  public Optional<Ivr> findByDnis(String orgId, String dnis) {
    return jdbi.withHandle(h ->
        h.createQuery("select ivr_id from ivr_dnis where org_id = :org and dnis = :dnis")
            .bind("org", orgId)
            .bind("dnis", dnis)
            .mapTo(String.class)
            .findOne()
            .flatMap(id -> find(h, orgId, id)));
  }

  /** The org's IVR (other than {@code exceptId}) holding any of {@code dnis}, with that number. */
  public Optional<String[]> dnisOwner(String orgId, List<String> dnis, String exceptId) {
    if (dnis.isEmpty()) return Optional.empty();
    return jdbi.withHandle(h ->
        h.createQuery(
                "select d.dnis, i.id, i.name from ivr_dnis d join ivrs i on i.id = d.ivr_id where"
                    + " d.org_id = :org and d.dnis in (<dnis>) and i.id <> :except order by d.dnis")
            .bind("org", orgId)
            .bindList("dnis", dnis)
            .bind("except", exceptId == null ? "" : exceptId)
            .map((rs, ctx) ->
                new String[] {rs.getString("dnis"), rs.getString("id"), rs.getString("name")})
            .findFirst());
  }

  /**
   * The org's IVRs by name; only the one named {@code name}, or answering {@code dnis}, if given.
   */
  public List<Ivr> list(
      String orgId, String name, String dnis, boolean ascending, int offset, int limit) {
    return jdbi.withHandle(h ->
        filter(
                h.createQuery(
                    "select id from ivrs where "
                        + LISTED
                        + OrderBy.of(ascending, "name_lower", "id")
                        + " limit :limit offset :offset"),
                orgId,
                name,
                dnis)
            .bind("limit", limit)
            .bind("offset", offset)
            .mapTo(String.class)
            .list()
            .stream()
            .map(id -> find(h, orgId, id).orElseThrow())
            .toList());
  }

  public long count(String orgId, String name, String dnis) {
    return jdbi.withHandle(h ->
        filter(h.createQuery("select count(*) from ivrs where " + LISTED), orgId, name, dnis)
            .mapTo(Long.class)
            .one());
  }

  /** An empty name or DNIS filters nothing. */
  private static final String LISTED =
      "org_id = :org and (:name = '' or name_lower = :name) and (:dnis = '' or id in (select"
          + " ivr_id from ivr_dnis where org_id = :org and dnis = :dnis))";

  private static org.jdbi.v3.core.statement.Query filter(
      org.jdbi.v3.core.statement.Query q, String orgId, String name, String dnis) {
    return q.bind("org", orgId)
        .bind("name", name == null ? "" : name.toLowerCase(Locale.ROOT))
        .bind("dnis", dnis == null ? "" : dnis);
  }

  /** Names of the org's IVRs whose flow is {@code flowId}, read in {@code h}'s transaction. */
  public List<String> namesUsingFlow(Handle h, String orgId, String flowId) {
    return h.createQuery(
            "select name from ivrs where org_id = :org and flow_id = :flow order by name_lower")
        .bind("org", orgId)
        .bind("flow", flowId)
        .mapTo(String.class)
        .list();
  }

  /**
   * Locks the IVR's flow's row for the rest of {@code h}'s transaction; false when the flow is gone
   * (deleted since it was checked). A flow's delete takes the same lock before it looks for the
   * IVRs that use it ({@code FlowStore.delete}).
   */
  private static boolean lockFlow(Handle h, Ivr ivr) {
    return h.createQuery("select id from flows where id = :flow and org_id = :org for update")
        .bind("flow", ivr.flowId())
        .bind("org", ivr.orgId())
        .mapTo(String.class)
        .findOne()
        .isPresent();
  }

  /** Thrown when an IVR's flow was deleted between the check and the write. */
  public static final class FlowGone extends RuntimeException {
    FlowGone() {
      super(null, null, false, false);
    }
  }
}

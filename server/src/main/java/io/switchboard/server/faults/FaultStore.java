package io.switchboard.server.faults;

import io.switchboard.server.storage.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.json.JsonMapper;

/** The {@code fault_rules} table (V15). */
public final class FaultStore {
  private static final String COLUMNS =
      "id, org_id, name, enabled, definition, expires_at, created_at, matched, injected";

  private final Jdbi jdbi;
  private final JsonMapper json;

  public FaultStore(Jdbi jdbi, JsonMapper json) {
    this.jdbi = jdbi;
    this.json = json;
  }

  void insert(FaultRule r) {
    jdbi.useHandle(h ->
        h.createUpdate(
                "insert into fault_rules (id, org_id, name, enabled, definition, expires_at,"
                    + " created_at) values (:id, :org, :name, :enabled, :definition, :expires,"
                    + " :created)")
            .bind("id", r.id())
            .bind("org", r.orgId())
            .bind("name", r.name())
            .bind("enabled", r.enabled())
            .bind("definition", json.writeValueAsString(r.definition()))
            .bind("expires", Times.db(r.expiresAt()))
            .bind("created", Times.db(r.createdAt()))
            .execute());
  }

  int countForOrg(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from fault_rules where org_id = :org")
            .bind("org", orgId)
            .mapTo(Integer.class)
            .one());
  }

  List<FaultRule> list(String orgId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select "
                    + COLUMNS
                    + " from fault_rules where org_id = :org order by created_at, id")
            .bind("org", orgId)
            .map((rs, ctx) -> read(rs))
            .list());
  }

  Optional<FaultRule> get(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select " + COLUMNS + " from fault_rules where org_id = :org and id = :id")
            .bind("org", orgId)
            .bind("id", id)
            .map((rs, ctx) -> read(rs))
            .findOne());
  }

  /** Every rule that may apply now (enabled, not expired), of every org: what each node polls. */
  List<FaultRule> active(Instant now) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select "
                    + COLUMNS
                    + " from fault_rules where enabled = true and (expires_at is null or"
                    + " expires_at > :now) order by created_at, id")
            .bind("now", Times.db(now))
            .map((rs, ctx) -> read(rs))
            .list());
  }

  boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from fault_rules where org_id = :org and id = :id")
            .bind("org", orgId)
            .bind("id", id)
            .execute())
        > 0;
  }

  int deleteAll(String orgId) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from fault_rules where org_id = :org").bind("org", orgId).execute());
  }

  int deleteScenario(String orgId, String scenario) {
    // Few rules per org (bounded): read and filter rather than query inside the JSON document.
    int n = 0;
    for (FaultRule r : list(orgId)) {
      if (scenario.equals(r.definition().scenario()) && delete(orgId, r.id())) n++;
    }
    return n;
  }

  /** Adds a node's counts since its last flush. */
  void addCounts(String id, long matched, long injected) {
    jdbi.useHandle(h ->
        h.createUpdate(
                "update fault_rules set matched = matched + :m, injected = injected + :i where id"
                    + " = :id")
            .bind("m", matched)
            .bind("i", injected)
            .bind("id", id)
            .execute());
  }

  /**
   * Takes one of a rule's {@code limit} claims (failFirst: the first N matching requests of the
   * whole cluster fail); false once all are taken.
   */
  boolean claim(String id, long limit) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update fault_rules set claims = claims + 1 where id = :id and claims < :limit")
            .bind("id", id)
            .bind("limit", limit)
            .execute())
        == 1;
  }

  private FaultRule read(ResultSet rs) throws SQLException {
    return new FaultRule(
        rs.getString("id"),
        rs.getString("org_id"),
        rs.getString("name"),
        rs.getBoolean("enabled"),
        json.readValue(rs.getString("definition"), FaultRule.Definition.class),
        Times.read(rs, "expires_at"),
        Times.read(rs, "created_at"),
        rs.getLong("matched"),
        rs.getLong("injected"));
  }
}

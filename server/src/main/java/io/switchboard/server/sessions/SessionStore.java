package io.switchboard.server.sessions;

import io.switchboard.server.storage.DirectReads;
import io.switchboard.server.storage.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Script sessions in SQL. Every change goes through {@link #updateAll}: one transaction that locks
 * the rows ({@code SELECT ... FOR UPDATE}), computes the new states from what is committed, and
 * writes them with each version raised by the number of changes applied. Concurrent writers of one
 * session (batches per node, see {@code SessionWriter}) therefore queue on the row lock and each
 * applies to its predecessor's result: nothing is lost and no writer fails because another was
 * first.
 */
public final class SessionStore {
  private final Jdbi jdbi;
  private final DirectReads directReads;
  private final JsonMapper mapper;
  private final RowMapper<Session> row;

  /** Every column, in the order {@link #session} reads them (by position: H2 looks names up). */
  private static final String COLUMNS =
      "id, org_id, script_id, script_version_id, conversation_id, agent_id, state, version, data,"
          + " created_at, modified_at, completed_at";

  private static final String FIND =
      "select " + COLUMNS + " from script_sessions where id = ? and org_id = ?";

  private static final String FIND_HEAD =
      "select version, script_version_id from script_sessions where id = ? and org_id = ?";

  public SessionStore(Jdbi jdbi, DirectReads directReads, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.directReads = directReads;
    this.mapper = mapper;
    this.row = (rs, ctx) -> session(rs);
  }

  private Session session(ResultSet rs) throws SQLException {
    return new Session(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getLong(8),
        (ObjectNode) mapper.readTree(rs.getString(9)),
        Times.read(rs, 10),
        Times.read(rs, 11),
        Times.read(rs, 12));
  }

  public void insert(Session s) {
    jdbi.useHandle(h ->
        h.createUpdate(
                "insert into script_sessions (id, org_id, script_id, script_version_id,"
                    + " conversation_id, agent_id, state, version, data, created_at, modified_at,"
                    + " completed_at) values (:id, :org, :script, :scriptVersion, :conversation,"
                    + " :agent, :state, :version, :data, :created, :modified, :completed)")
            .bind("id", s.id())
            .bind("org", s.orgId())
            .bind("script", s.scriptId())
            .bind("scriptVersion", s.scriptVersionId())
            .bind("conversation", s.conversationId())
            .bind("agent", s.agentId())
            .bind("state", s.state())
            .bind("version", s.version())
            .bind("data", mapper.writeValueAsString(s.data()))
            .bind("created", Times.db(s.createdAt()))
            .bind("modified", Times.db(s.modifiedAt()))
            .bind("completed", Times.db(s.completedAt()))
            .execute());
  }

  public Optional<Session> find(String orgId, String id) {
    // The hottest read (every session GET): plain JDBC, see DirectReads.
    return directReads.one(FIND, this::session, id, orgId);
  }

  /** What names a session's current state: its version, and the script version it runs. */
  public record Head(long version, String scriptVersionId) {}

  /**
   * The session's {@link Head}, if it is the org's: what a GET reads before answering from the JSON
   * it keeps per version. Plain JDBC, as {@link #find}.
   */
  public Optional<Head> findHead(String orgId, String id) {
    return directReads.one(FIND_HEAD, rs -> new Head(rs.getLong(1), rs.getString(2)), id, orgId);
  }

  /**
   * {@link #updateAll} of one session: empty when it is not the org's (then nothing is changed).
   */
  public Optional<Session> update(String orgId, String id, UnaryOperator<Session> change) {
    return Optional.ofNullable(
            updateAll(List.of(id), s -> s.orgId().equals(orgId) ? change.apply(s) : s).get(id))
        .filter(s -> s.orgId().equals(orgId));
  }

  /**
   * Applies {@code change} to each of the sessions {@code ids} as committed, under their row locks
   * (taken in id order, so two such transactions never wait for each other in a cycle), and stores
   * the results in one transaction (each result's version is higher by the number of changes it
   * holds; equal means nothing to write for that session). Answers the sessions as they are now, by
   * id; an id with no row is absent. An exception from {@code change} rolls back: nothing is
   * written.
   */
  public Map<String, Session> updateAll(Collection<String> ids, UnaryOperator<Session> change) {
    if (ids.isEmpty()) return Map.of();
    return jdbi.inTransaction(h -> {
      List<Session> locked =
          h.createQuery(
                  "select "
                      + COLUMNS
                      + " from script_sessions where id in (<ids>) order by id for update")
              .bindList("ids", List.copyOf(ids))
              .map(row)
              .list();
      var result = new LinkedHashMap<String, Session>();
      PreparedBatch updates = null;
      for (Session before : locked) {
        Session after = change.apply(before);
        if (after.version() < before.version())
          throw new IllegalStateException("a session's version never goes down");
        result.put(before.id(), after);
        if (after.version() == before.version()) continue;
        if (updates == null)
          updates =
              h.prepareBatch(
                  "update script_sessions set data = :data, state = :state, version = :version,"
                      + " modified_at = :modified, completed_at = :completed where id = :id and"
                      + " version = :read");
        updates
            .bind("version", after.version())
            .bind("data", mapper.writeValueAsString(after.data()))
            .bind("state", after.state())
            .bind("modified", Times.db(after.modifiedAt()))
            .bind("completed", Times.db(after.completedAt()))
            .bind("id", before.id())
            .bind("read", before.version())
            .add();
      }
      if (updates != null) {
        for (int n : updates.execute()) {
          // Cannot happen while the row locks hold; if it ever does, fail loudly (and roll back)
          // rather than lose a write. (PostgreSQL's driver may report a batch's counts as
          // SUCCESS_NO_INFO, -2: then the row lock is the guarantee.)
          if (n != 1 && n != java.sql.Statement.SUCCESS_NO_INFO)
            throw new IllegalStateException("a session changed under its row lock");
        }
      }
      return result;
    });
  }

  /**
   * Completes the active sessions of the agent (and the unassigned ones) on a conversation, inside
   * the caller's transaction: the wrap-up that causes it commits together with it.
   */
  public int completeForAgent(
      Handle h, String orgId, String conversationId, String agentId, Instant at) {
    return completeForAgentSessions(h, orgId, conversationId, agentId, at).size();
  }

  /** {@link #completeForAgent}, answering the sessions as they are now (to announce them). */
  public List<Session> completeForAgentSessions(
      Handle h, String orgId, String conversationId, String agentId, Instant at) {
    List<String> ids =
        h.createQuery(
                "select id from script_sessions where org_id = :org and conversation_id ="
                    + " :conversation and state = :active and (agent_id = :agent or agent_id is"
                    + " null) order by id for update")
            .bind("org", orgId)
            .bind("conversation", conversationId)
            .bind("active", Session.ACTIVE)
            .bind("agent", agentId)
            .mapTo(String.class)
            .list();
    if (ids.isEmpty()) return List.of();
    h.createUpdate(
            "update script_sessions set state = :completed, version = version + 1, completed_at ="
                + " :at, modified_at = :at where id in (<ids>)")
        .bind("completed", Session.COMPLETED)
        .bind("at", Times.db(at))
        .bindList("ids", ids)
        .execute();
    return h.createQuery(
            "select " + COLUMNS + " from script_sessions where id in (<ids>) order by id")
        .bindList("ids", ids)
        .map(row)
        .list();
  }

  /** A conversation's sessions (any state), oldest first. */
  public List<Session> listForConversation(
      String orgId, String conversationId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select "
                    + COLUMNS
                    + " from script_sessions where org_id = :org and conversation_id ="
                    + " :conversation order by created_at, id limit :limit offset :offset")
            .bind("org", orgId)
            .bind("conversation", conversationId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map(row)
            .list());
  }

  public long countForConversation(String orgId, String conversationId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select count(*) from script_sessions where org_id = :org and conversation_id ="
                    + " :conversation")
            .bind("org", orgId)
            .bind("conversation", conversationId)
            .mapTo(Long.class)
            .one());
  }

  /**
   * An active session of the script, if any: how the demo finds the one it made on an earlier
   * start.
   */
  public Optional<Session> findActiveForScript(String orgId, String scriptId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select "
                    + COLUMNS
                    + " from script_sessions where org_id = :org and script_id = :script and"
                    + " state = :active order by created_at, id")
            .bind("org", orgId)
            .bind("script", scriptId)
            .bind("active", Session.ACTIVE)
            .map(row)
            .findFirst());
  }
}

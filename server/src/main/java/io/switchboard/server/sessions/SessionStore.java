package io.switchboard.server.sessions;

import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Script sessions in SQL. Every change goes through {@link #update}: one transaction that locks the
 * row ({@code SELECT ... FOR UPDATE}), computes the new state from what is committed, and writes it
 * with the version raised by the number of changes applied. Concurrent writers of one session (one
 * batch per node, see {@code SessionWriter}) therefore queue on the row lock and each applies to
 * its predecessor's result: nothing is lost and no writer fails because another was first.
 */
public final class SessionStore {
  private final Jdbi jdbi;
  private final JsonMapper mapper;
  private final RowMapper<Session> row;

  public SessionStore(Jdbi jdbi, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.mapper = mapper;
    this.row =
        (rs, ctx) ->
            new Session(
                rs.getString("id"),
                rs.getString("org_id"),
                rs.getString("script_id"),
                rs.getString("script_version_id"),
                rs.getString("conversation_id"),
                rs.getString("agent_id"),
                rs.getString("state"),
                rs.getLong("version"),
                (ObjectNode) mapper.readTree(rs.getString("data")),
                Times.read(rs, "created_at"),
                Times.read(rs, "modified_at"),
                Times.read(rs, "completed_at"));
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
    return jdbi.withHandle(h ->
        h.createQuery("select * from script_sessions where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(row)
            .findOne());
  }

  /**
   * Applies {@code change} to the session as committed, under its row lock, and stores the result
   * (whose version is higher by the number of changes it holds; equal means nothing to write).
   * Empty when the session is not the org's. An exception from {@code change} rolls back: nothing
   * is written.
   */
  public Optional<Session> update(String orgId, String id, UnaryOperator<Session> change) {
    return jdbi.inTransaction(h -> {
      Optional<Session> locked =
          h.createQuery("select * from script_sessions where id = :id and org_id = :org for update")
              .bind("id", id)
              .bind("org", orgId)
              .map(row)
              .findOne();
      if (locked.isEmpty()) return Optional.empty();
      Session before = locked.get();
      Session after = change.apply(before);
      if (after.version() < before.version())
        throw new IllegalStateException("a session's version never goes down");
      if (after.version() == before.version()) return Optional.of(before);
      int n =
          h.createUpdate(
                  "update script_sessions set data = :data, state = :state, version = :version,"
                      + " modified_at = :modified, completed_at = :completed where id = :id and"
                      + " version = :read")
              .bind("version", after.version())
              .bind("data", mapper.writeValueAsString(after.data()))
              .bind("state", after.state())
              .bind("modified", Times.db(after.modifiedAt()))
              .bind("completed", Times.db(after.completedAt()))
              .bind("id", id)
              .bind("read", before.version())
              .execute();
      // Cannot happen while the row lock holds; if it ever does, fail loudly rather than lose a
      // write.
      if (n != 1) throw new IllegalStateException("session " + id + " changed under its row lock");
      return Optional.of(after);
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
                    + " null) for update")
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
    return h.createQuery("select * from script_sessions where id in (<ids>) order by id")
        .bindList("ids", ids)
        .map(row)
        .list();
  }

  /** A conversation's sessions (any state), oldest first. */
  public List<Session> listForConversation(
      String orgId, String conversationId, int offset, int limit) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from script_sessions where org_id = :org and conversation_id ="
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
                "select * from script_sessions where org_id = :org and script_id = :script and"
                    + " state = :active order by created_at, id")
            .bind("org", orgId)
            .bind("script", scriptId)
            .bind("active", Session.ACTIVE)
            .map(row)
            .findFirst());
  }
}

package io.switchboard.server.conversations;

import io.switchboard.server.storage.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conversations and their participants in SQL. Writes happen in a transaction that first locks the
 * conversation's row ({@link #lock}), so a disconnect, a participant change and a wrap-up of one
 * conversation apply one after the other, each on the state the previous one committed.
 */
public final class ConversationStore {
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final JsonMapper mapper;

  public ConversationStore(Jdbi jdbi, JsonMapper mapper) {
    this.jdbi = jdbi;
    this.mapper = mapper;
  }

  public <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
    return jdbi.inTransaction(work);
  }

  public void insert(Handle h, Conversation c) {
    h.createUpdate(
            "insert into conversations (id, org_id, state, from_address, to_address, start_time,"
                + " end_time, modified_at) values (:id, :org, :state, :from, :to, :start, :end,"
                + " :start)")
        .bind("id", c.id())
        .bind("org", c.orgId())
        .bind("state", c.state().wire())
        .bind("from", c.from())
        .bind("to", c.to())
        .bind("start", Times.db(c.startTime()))
        .bind("end", Times.db(c.endTime()))
        .execute();
    for (Participant p : c.participants()) insertParticipant(h, c.orgId(), p);
  }

  /**
   * Adds a participant to a conversation whose row the caller's transaction has locked (routing
   * connects an agent); its {@code seq} must be the next position.
   */
  public void addParticipant(Handle h, String orgId, Participant p) {
    insertParticipant(h, orgId, p);
  }

  /**
   * The next number of the conversation's announced changes, taken in the caller's transaction
   * (which holds, or just inserted, the conversation's row): consecutive per conversation, in
   * commit order.
   */
  public long nextEventSequence(Handle h, String conversationId) {
    h.createUpdate("update conversations set event_seq = event_seq + 1 where id = :id")
        .bind("id", conversationId)
        .execute();
    return h.createQuery("select event_seq from conversations where id = :id")
        .bind("id", conversationId)
        .mapTo(Long.class)
        .one();
  }

  /** Whether the user is an agent participant still alerting or connected on any call. */
  public boolean hasLiveAgentCall(String orgId, String userId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                    "select count(*) from conversation_participants where org_id = :org and user_id"
                        + " = :user and purpose = :agent and state in ('alerting', 'connected')")
                .bind("org", orgId)
                .bind("user", userId)
                .bind("agent", Participant.AGENT)
                .mapTo(Integer.class)
                .one()
            > 0);
  }

  private void insertParticipant(Handle h, String orgId, Participant p) {
    h.createUpdate(
            "insert into conversation_participants (id, conversation_id, org_id, seq, purpose,"
                + " user_id, name, address, state, call_id, attributes, start_time, connected_time,"
                + " end_time, queue_id) values (:id, :conversation, :org, :seq, :purpose, :user,"
                + " :name, :address, :state, :call, :attributes, :start, :connected, :end, :queue)")
        .bind("id", p.id())
        .bind("conversation", p.conversationId())
        .bind("org", orgId)
        .bind("seq", p.seq())
        .bind("purpose", p.purpose())
        .bind("user", p.userId())
        .bind("name", p.name())
        .bind("address", p.address())
        .bind("state", p.state().wire())
        .bind("call", p.callId())
        .bind(
            "attributes",
            p.attributes() == null || p.attributes().isEmpty()
                ? null
                : mapper.writeValueAsString(p.attributes()))
        .bind("start", Times.db(p.startTime()))
        .bind("connected", Times.db(p.connectedTime()))
        .bind("end", Times.db(p.endTime()))
        .bind("queue", p.queueId())
        .execute();
  }

  /** The conversation as last committed, or empty when the id is not one of the org's. */
  public Optional<Conversation> find(String orgId, String id) {
    return jdbi.withHandle(h -> load(h, orgId, id, false));
  }

  /** Locks the conversation's row until the transaction ends and reads it with its participants. */
  public Optional<Conversation> lock(Handle h, String orgId, String id) {
    return load(h, orgId, id, true);
  }

  public boolean exists(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from conversations where id = :id and org_id = :org")
                .bind("id", id)
                .bind("org", orgId)
                .mapTo(Integer.class)
                .one()
            > 0);
  }

  private Optional<Conversation> load(Handle h, String orgId, String id, boolean forUpdate) {
    var head =
        h.createQuery(
                "select * from conversations where id = :id and org_id = :org"
                    + (forUpdate ? " for update" : ""))
            .bind("id", id)
            .bind("org", orgId)
            .map((rs, ctx) ->
                new Conversation(
                    rs.getString("id"),
                    rs.getString("org_id"),
                    CallState.fromWire(rs.getString("state")),
                    rs.getString("from_address"),
                    rs.getString("to_address"),
                    Times.read(rs, "start_time"),
                    Times.read(rs, "end_time"),
                    List.of()))
            .findOne();
    if (head.isEmpty()) return Optional.empty();
    List<Participant> participants =
        h.createQuery(
                "select * from conversation_participants where conversation_id = :id order by seq")
            .bind("id", id)
            .map((rs, ctx) -> participant(rs))
            .list();
    Conversation c = head.get();
    return Optional.of(
        new Conversation(
            c.id(),
            c.orgId(),
            c.state(),
            c.from(),
            c.to(),
            c.startTime(),
            c.endTime(),
            participants));
  }

  private Participant participant(ResultSet rs) throws SQLException {
    String attributes = rs.getString("attributes");
    String code = rs.getString("wrapup_code");
    Wrapup wrapup = null;
    if (code != null) {
      String tags = rs.getString("wrapup_tags");
      wrapup =
          new Wrapup(
              code,
              rs.getString("wrapup_name"),
              rs.getString("wrapup_notes"),
              tags == null ? null : mapper.readValue(tags, STRING_LIST),
              rs.getObject("wrapup_duration_seconds", Integer.class),
              Times.read(rs, "wrapup_end_time"));
    }
    return new Participant(
        rs.getString("id"),
        rs.getString("conversation_id"),
        rs.getInt("seq"),
        rs.getString("purpose"),
        rs.getString("user_id"),
        rs.getString("name"),
        rs.getString("address"),
        CallState.fromWire(rs.getString("state")),
        rs.getString("call_id"),
        attributes == null
            ? Map.of()
            : new LinkedHashMap<>(mapper.readValue(attributes, STRING_MAP)),
        Times.read(rs, "start_time"),
        Times.read(rs, "connected_time"),
        Times.read(rs, "end_time"),
        wrapup,
        rs.getString("queue_id"));
  }

  public void updateParticipant(Handle h, Participant p) {
    Wrapup w = p.wrapup();
    h.createUpdate(
            "update conversation_participants set state = :state, connected_time = :connected,"
                + " end_time = :end, wrapup_code = :code, wrapup_name = :codeName, wrapup_notes ="
                + " :notes, wrapup_tags = :tags, wrapup_duration_seconds = :duration,"
                + " wrapup_end_time = :wrapupEnd where id = :id")
        .bind("state", p.state().wire())
        .bind("connected", Times.db(p.connectedTime()))
        .bind("end", Times.db(p.endTime()))
        .bind("code", w == null ? null : w.code())
        .bind("codeName", w == null ? null : w.name())
        .bind("notes", w == null ? null : w.notes())
        .bind("tags", w == null || w.tags() == null ? null : mapper.writeValueAsString(w.tags()))
        .bind("duration", w == null ? null : w.durationSeconds())
        .bind("wrapupEnd", w == null ? null : Times.db(w.endTime()))
        .bind("id", p.id())
        .execute();
  }

  public void updateState(Handle h, String id, CallState state, Instant endTime, Instant now) {
    h.createUpdate(
            "update conversations set state = :state, end_time = :end, modified_at = :now where id"
                + " = :id")
        .bind("state", state.wire())
        .bind("end", Times.db(endTime))
        .bind("now", Times.db(now))
        .bind("id", id)
        .execute();
  }
}

package io.switchboard.server.routing;

import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Agents' routing status ({@code routing_status}). Claiming an agent for a call is a conditional
 * update ({@code ... where status = 'IDLE'}): on both databases it waits for the row's lock and
 * re-checks the condition, so of two transactions claiming one agent exactly one succeeds.
 */
public final class AgentStatusStore {
  private final Jdbi jdbi;

  public AgentStatusStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Optional<AgentStatus> find(String userId) {
    return jdbi.withHandle(h -> find(h, userId));
  }

  private static Optional<AgentStatus> find(Handle h, String userId) {
    return h.createQuery("select * from routing_status where user_id = :u")
        .bind("u", userId)
        .map((rs, ctx) ->
            new AgentStatus(
                rs.getString("user_id"), rs.getString("status"), Times.read(rs, "start_time")))
        .findOne();
  }

  /**
   * Sets the status; the start time moves only when the status changes (so setting IDLE again keeps
   * the agent's place in the longest-idle order). Returns the status as stored.
   */
  public AgentStatus set(Handle h, String orgId, String userId, String status, Instant now) {
    // The user's row serializes status writers of one agent, so the first status is inserted once
    // (a unique violation would abort the whole transaction on PostgreSQL).
    h.createQuery("select id from users where id = :u for update")
        .bind("u", userId)
        .mapTo(String.class)
        .findOne();
    int n =
        h.createUpdate(
                "update routing_status set status = :status, start_time = :now where user_id = :u"
                    + " and status <> :status")
            .bind("status", status)
            .bind("now", Times.db(now))
            .bind("u", userId)
            .execute();
    if (n == 0 && find(h, userId).isEmpty()) {
      h.createUpdate(
              "insert into routing_status (user_id, org_id, status, start_time) values (:u, :org,"
                  + " :status, :now)")
          .bind("u", userId)
          .bind("org", orgId)
          .bind("status", status)
          .bind("now", Times.db(now))
          .execute();
    }
    return find(h, userId).orElseThrow();
  }

  /**
   * INTERACTING becomes IDLE (a wrap-up ends the agent's call) unless the agent is on another live
   * call; any other status stays. True when it changed.
   */
  public boolean interactingToIdle(Handle h, String userId, Instant now) {
    return h.createUpdate(
                "update routing_status set status = :idle, start_time = :now where user_id = :u and"
                    + " status = :interacting and not exists (select 1 from"
                    + " conversation_participants p where p.user_id = :u and p.purpose = 'agent'"
                    + " and p.state in ('alerting', 'connected'))")
            .bind("idle", AgentStatus.IDLE)
            .bind("interacting", AgentStatus.INTERACTING)
            .bind("now", Times.db(now))
            .bind("u", userId)
            .execute()
        == 1;
  }

  /** Takes an IDLE agent for a call: true for exactly one of any concurrent claimers. */
  public boolean claim(Handle h, String userId, Instant now) {
    return h.createUpdate(
                "update routing_status set status = :interacting, start_time = :now where user_id ="
                    + " :u and status = :idle")
            .bind("idle", AgentStatus.IDLE)
            .bind("interacting", AgentStatus.INTERACTING)
            .bind("now", Times.db(now))
            .bind("u", userId)
            .execute()
        == 1;
  }

  /** The queue's IDLE members (existing users), longest idle first. */
  public List<String> idleMembers(Handle h, String orgId, String queueId, int limit) {
    return h.createQuery(
            "select s.user_id from routing_status s where s.org_id = :org and s.status = :idle and"
                + " s.user_id in (select m.user_id from routing_queue_members m where m.queue_id ="
                + " :q) and s.user_id in (select u.id from users u where u.org_id = :org) order by"
                + " s.start_time, s.user_id limit :limit")
        .bind("org", orgId)
        .bind("idle", AgentStatus.IDLE)
        .bind("q", queueId)
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  public Jdbi jdbi() {
    return jdbi;
  }
}

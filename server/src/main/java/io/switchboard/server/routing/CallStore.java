package io.switchboard.server.routing;

import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Calls waiting in queues ({@code queued_calls}) and each call's flow executions with what routing
 * made of them ({@code call_flow_executions}).
 */
public final class CallStore {
  /** A call waiting for an agent; {@code screenPop} is JSON ({scriptId, inputs}) or null. */
  public record QueuedCall(
      String conversationId,
      String orgId,
      String queueId,
      String executionId,
      String screenPop,
      Instant enqueuedAt) {}

  /**
   * A call's flow execution and its routing {@code result}: running, queued, connected,
   * disconnected, unknownQueue, abandoned, failed.
   */
  public record CallExecution(
      String conversationId,
      String executionId,
      String ivrId,
      String result,
      String queueId,
      String queueName,
      String agentId,
      String sessionId,
      String detail,
      Instant createdAt,
      Instant modifiedAt) {}

  private final Jdbi jdbi;

  public CallStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void enqueue(Handle h, QueuedCall c) {
    h.createUpdate(
            "insert into queued_calls (conversation_id, org_id, queue_id, execution_id, screen_pop,"
                + " enqueued_at, seq) values (:c, :org, :q, :e, :pop, :at,"
                + " nextval('queued_calls_seq'))")
        .bind("c", c.conversationId())
        .bind("org", c.orgId())
        .bind("q", c.queueId())
        .bind("e", c.executionId())
        .bind("pop", c.screenPop())
        .bind("at", Times.db(c.enqueuedAt()))
        .execute();
  }

  /** The queue's longest-waiting call. */
  public Optional<QueuedCall> oldest(Handle h, String queueId) {
    return h.createQuery(
            "select * from queued_calls where queue_id = :q order by enqueued_at, seq limit 1")
        .bind("q", queueId)
        .map((rs, ctx) ->
            new QueuedCall(
                rs.getString("conversation_id"),
                rs.getString("org_id"),
                rs.getString("queue_id"),
                rs.getString("execution_id"),
                rs.getString("screen_pop"),
                Times.read(rs, "enqueued_at")))
        .findOne();
  }

  /** Takes the call out of its queue: the row it had, or empty when it was not waiting. */
  public Optional<QueuedCall> remove(Handle h, String conversationId) {
    Optional<QueuedCall> row =
        h.createQuery("select * from queued_calls where conversation_id = :c for update")
            .bind("c", conversationId)
            .map((rs, ctx) ->
                new QueuedCall(
                    rs.getString("conversation_id"),
                    rs.getString("org_id"),
                    rs.getString("queue_id"),
                    rs.getString("execution_id"),
                    rs.getString("screen_pop"),
                    Times.read(rs, "enqueued_at")))
            .findOne();
    if (row.isEmpty() || !dequeue(h, conversationId)) return Optional.empty();
    return row;
  }

  public boolean dequeue(Handle h, String conversationId) {
    return h.createUpdate("delete from queued_calls where conversation_id = :c")
            .bind("c", conversationId)
            .execute()
        == 1;
  }

  public long waiting(String orgId, String queueId) {
    return jdbi.withHandle(h ->
        h.createQuery("select count(*) from queued_calls where queue_id = :q and org_id = :org")
            .bind("q", queueId)
            .bind("org", orgId)
            .mapTo(Long.class)
            .one());
  }

  /** Queues with waiting calls (any org): what the sweeper looks at. */
  public List<String[]> queuesWithCalls() {
    return jdbi.withHandle(h ->
        h.createQuery("select distinct org_id, queue_id from queued_calls")
            .map((rs, ctx) -> new String[] {rs.getString("org_id"), rs.getString("queue_id")})
            .list());
  }

  /** The agent's queues that have waiting calls, the one whose oldest call waited longest first. */
  public List<String> queuesWithCallsFor(String orgId, String userId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select c.queue_id, min(c.enqueued_at) as oldest from queued_calls c where"
                    + " c.org_id = :org and c.queue_id in (select m.queue_id from"
                    + " routing_queue_members m where m.user_id = :u) group by c.queue_id order by"
                    + " oldest, c.queue_id")
            .bind("org", orgId)
            .bind("u", userId)
            .map((rs, ctx) -> rs.getString("queue_id"))
            .list());
  }

  public void link(
      Handle h,
      String orgId,
      String conversationId,
      String executionId,
      String ivrId,
      Instant now) {
    h.createUpdate(
            "insert into call_flow_executions (conversation_id, execution_id, org_id, ivr_id,"
                + " routing_result, created_at, modified_at) values (:c, :e, :org, :ivr, 'running',"
                + " :now, :now)")
        .bind("c", conversationId)
        .bind("e", executionId)
        .bind("org", orgId)
        .bind("ivr", ivrId)
        .bind("now", Times.db(now))
        .execute();
  }

  /** Records what routing made of the execution; null arguments keep what is stored. */
  public void result(
      Handle h,
      String conversationId,
      String executionId,
      String result,
      String queueId,
      String queueName,
      String agentId,
      String sessionId,
      String detail,
      Instant now) {
    h.createUpdate(
            "update call_flow_executions set routing_result = :result, queue_id ="
                + " coalesce(:queue, queue_id), queue_name = coalesce(:queueName, queue_name),"
                + " agent_id = coalesce(:agent, agent_id), session_id = coalesce(:session,"
                + " session_id), detail = :detail, modified_at = :now where conversation_id = :c"
                + " and execution_id = :e")
        .bind("result", result)
        .bind("queue", queueId)
        .bind("queueName", queueName)
        .bind("agent", agentId)
        .bind("session", sessionId)
        .bind(
            "detail", detail == null ? null : detail.substring(0, Math.min(2000, detail.length())))
        .bind("now", Times.db(now))
        .bind("c", conversationId)
        .bind("e", executionId)
        .execute();
  }

  public List<CallExecution> executions(String orgId, String conversationId) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select * from call_flow_executions where org_id = :org and conversation_id = :c"
                    + " order by created_at, execution_id")
            .bind("org", orgId)
            .bind("c", conversationId)
            .map((rs, ctx) ->
                new CallExecution(
                    rs.getString("conversation_id"),
                    rs.getString("execution_id"),
                    rs.getString("ivr_id"),
                    rs.getString("routing_result"),
                    rs.getString("queue_id"),
                    rs.getString("queue_name"),
                    rs.getString("agent_id"),
                    rs.getString("session_id"),
                    rs.getString("detail"),
                    Times.read(rs, "created_at"),
                    Times.read(rs, "modified_at")))
            .list());
  }
}

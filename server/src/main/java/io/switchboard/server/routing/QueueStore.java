package io.switchboard.server.routing;

import io.switchboard.server.storage.InList;
import io.switchboard.server.storage.Like;
import io.switchboard.server.storage.OrderBy;
import io.switchboard.server.storage.Times;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** Queues and their members in SQL ({@code routing_queues}, {@code routing_queue_members}). */
public final class QueueStore {
  private static final String COUNTS =
      "(select count(*) from routing_queue_members m join users u on u.id = m.user_id where"
          + " m.queue_id = q.id) as member_count";
  private static final RowMapper<Queue> ROW =
      (rs, ctx) ->
          new Queue(
              rs.getString("id"),
              rs.getString("org_id"),
              rs.getString("name"),
              rs.getString("description"),
              Times.read(rs, "created_at"),
              Times.read(rs, "modified_at"),
              rs.getInt("member_count"),
              rs.getInt("member_count"));

  private final Jdbi jdbi;

  public QueueStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** False when the org already has a queue of that name (any case). */
  public boolean insert(Queue q) {
    return io.switchboard.server.storage.SqlErrors.insertUnlessDuplicate(() ->
        jdbi.useHandle(h ->
            h.createUpdate(
                    "insert into routing_queues (id, org_id, name, name_lower, description,"
                        + " created_at, modified_at) values (:id, :org, :name, :lower,"
                        + " :description, :created, :created)")
                .bind("id", q.id())
                .bind("org", q.orgId())
                .bind("name", q.name())
                .bind("lower", q.name().toLowerCase(java.util.Locale.ROOT))
                .bind("description", q.description())
                .bind("created", Times.db(q.createdAt()))
                .execute()));
  }

  /** Empty when missing; throws on a name taken by another queue (unique violation). */
  public boolean update(String orgId, String id, String name, String description, Instant now) {
    return jdbi.withHandle(h ->
        h.createUpdate(
                "update routing_queues set name = :name, name_lower = :lower, description ="
                    + " :description, modified_at = :now where id = :id and org_id = :org")
            .bind("name", name)
            .bind("lower", name.toLowerCase(java.util.Locale.ROOT))
            .bind("description", description)
            .bind("now", Times.db(now))
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        == 1;
  }

  public boolean delete(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createUpdate("delete from routing_queues where id = :id and org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .execute())
        == 1;
  }

  public Optional<Queue> find(String orgId, String id) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select q.*, "
                    + COUNTS
                    + " from routing_queues q where q.id = :id and q.org_id = :org")
            .bind("id", id)
            .bind("org", orgId)
            .map(ROW)
            .findOne());
  }

  /** The org's queue of that name, case-insensitively. */
  public Optional<Queue> findByName(String orgId, String name) {
    return jdbi.withHandle(h ->
        h.createQuery(
                "select q.*, "
                    + COUNTS
                    + " from routing_queues q where q.org_id = :org and q.name_lower = :lower")
            .bind("org", orgId)
            .bind("lower", name.toLowerCase(java.util.Locale.ROOT))
            .map(ROW)
            .findOne());
  }

  /**
   * Queues by name, ascending or descending: whose name contains {@code nameContains} (null: any),
   * only {@code ids} (null: all, empty: none).
   */
  public List<Queue> list(
      String orgId,
      String nameContains,
      Set<String> ids,
      boolean ascending,
      int offset,
      int limit) {
    return jdbi.withHandle(h ->
        InList.bind(
                h.createQuery(
                    "select q.*, "
                        + COUNTS
                        + " from routing_queues q where q.org_id = :org"
                        + filters(nameContains, ids)
                        + OrderBy.of(ascending, "q.name_lower", "q.id")
                        + " limit :limit offset :offset"),
                "ids",
                ids)
            .bind("org", orgId)
            .bindMap(nameBinding(nameContains))
            .bind("limit", limit)
            .bind("offset", offset)
            .map(ROW)
            .list());
  }

  public long count(String orgId, String nameContains, Set<String> ids) {
    return jdbi.withHandle(h ->
        InList.bind(
                h.createQuery(
                    "select count(*) from routing_queues q where q.org_id = :org"
                        + filters(nameContains, ids)),
                "ids",
                ids)
            .bind("org", orgId)
            .bindMap(nameBinding(nameContains))
            .mapTo(Long.class)
            .one());
  }

  /** The name filter (null: none) and the ids one (null: none, empty: no queue). */
  private static String filters(String nameContains, Set<String> ids) {
    return (nameContains == null ? "" : " and q.name_lower like :name escape '" + Like.ESCAPE + "'")
        + InList.and("q.id", "ids", ids);
  }

  private static java.util.Map<String, Object> nameBinding(String nameContains) {
    return nameContains == null
        ? java.util.Map.of()
        : java.util.Map.of("name", Like.containsIgnoringCase(nameContains));
  }

  /** Adds the users not yet members (the caller checked they are the org's users). */
  public int addMembers(String orgId, String queueId, List<String> userIds, Instant now) {
    return jdbi.inTransaction(h -> {
      int added = 0;
      for (String u : userIds) {
        if (isMember(h, queueId, u)) continue;
        h.createUpdate(
                "insert into routing_queue_members (queue_id, user_id, org_id, joined_at) values"
                    + " (:q, :u, :org, :now)")
            .bind("q", queueId)
            .bind("u", u)
            .bind("org", orgId)
            .bind("now", Times.db(now))
            .execute();
        added++;
      }
      return added;
    });
  }

  private static boolean isMember(Handle h, String queueId, String userId) {
    return h.createQuery(
                "select count(*) from routing_queue_members where queue_id = :q and user_id = :u")
            .bind("q", queueId)
            .bind("u", userId)
            .mapTo(Integer.class)
            .one()
        > 0;
  }

  public int removeMembers(String orgId, String queueId, List<String> userIds) {
    if (userIds.isEmpty()) return 0;
    return jdbi.withHandle(h ->
        h.createUpdate(
                "delete from routing_queue_members where queue_id = :q and org_id = :org and"
                    + " user_id in (<users>)")
            .bind("q", queueId)
            .bind("org", orgId)
            .bindList("users", userIds)
            .execute());
  }

  /**
   * Which members a listing keeps and in which order: {@code nameContains} and {@code statuses}
   * (routing statuses, a member without one being OFF_QUEUE) null for no filter; {@code none} when
   * the request filters on something no member here has (a group, a skill, a presence).
   */
  public record MemberFilter(
      String nameContains, Set<String> statuses, boolean none, boolean ascending) {
    public static final MemberFilter ALL = new MemberFilter(null, null, false, true);

    private String where() {
      return " where m.queue_id = :q"
          + (none ? " and 1 = 0" : "")
          + (nameContains == null
              ? ""
              : " and lower(u.name) like :name escape '" + Like.ESCAPE + "'")
          + InList.and("coalesce(s.status, '" + AgentStatus.OFF_QUEUE + "')", "statuses", statuses);
    }

    private org.jdbi.v3.core.statement.Query bind(
        org.jdbi.v3.core.statement.Query q, String queueId) {
      q.bind("q", queueId);
      if (nameContains != null) q.bind("name", Like.containsIgnoringCase(nameContains));
      return InList.bind(q, "statuses", statuses);
    }
  }

  private static final String MEMBERS_FROM =
      " from routing_queue_members m join users u on u.id = m.user_id left join routing_status s"
          + " on s.user_id = m.user_id";

  /** Members with their names and routing status, by name, as {@code f} keeps and orders them. */
  public List<QueueMember> members(String queueId, MemberFilter f, int offset, int limit) {
    return jdbi.withHandle(h ->
        f.bind(
                h.createQuery(
                    "select m.user_id, m.joined_at, u.org_id, u.name, u.state, s.status,"
                        + " s.start_time"
                        + MEMBERS_FROM
                        + f.where()
                        + OrderBy.of(f.ascending(), "u.name", "m.user_id")
                        + " limit :limit offset :offset"),
                queueId)
            .bind("limit", limit)
            .bind("offset", offset)
            .map((rs, ctx) -> {
              String user = rs.getString("user_id");
              String status = rs.getString("status");
              return new QueueMember(
                  queueId,
                  user,
                  rs.getString("org_id"),
                  rs.getString("name"),
                  rs.getString("state"),
                  Times.read(rs, "joined_at"),
                  status == null
                      ? AgentStatus.offQueue(user)
                      : new AgentStatus(user, status, Times.read(rs, "start_time")));
            })
            .list());
  }

  public long countMembers(String queueId, MemberFilter f) {
    return jdbi.withHandle(h ->
        f.bind(h.createQuery("select count(*)" + MEMBERS_FROM + f.where()), queueId)
            .mapTo(Long.class)
            .one());
  }
}

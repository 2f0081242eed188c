package io.switchboard.server.routing;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.Flow;
import io.switchboard.server.storage.SqlErrors;
import io.switchboard.server.users.UserService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Queues and their members. A queue's name is unique in the org (409 {@code queue.name.taken});
 * deleting a queue that the published version of a flow names, or that calls wait in, is 409.
 */
public final class QueueService {
  public static final int MAX_MEMBERS_PER_REQUEST = 100;

  private final QueueStore store;
  private final CallStore calls;
  private final UserService users;
  private final BiFunction<String, String, java.util.Optional<Flow>> flowUsing;
  private final Clock clock;

  /** {@code flowUsing}: (org, queue name) → a published flow naming that queue. */
  public QueueService(
      QueueStore store,
      CallStore calls,
      UserService users,
      BiFunction<String, String, java.util.Optional<Flow>> flowUsing,
      Clock clock) {
    this.store = store;
    this.calls = calls;
    this.users = users;
    this.flowUsing = flowUsing;
    this.clock = clock;
  }

  public Queue create(String orgId, String name, String description) {
    String n = Checks.requiredText("name", name, 200);
    String d = Checks.optionalText("description", description, 1000);
    Instant now = clock.instant();
    var q = new Queue(UUID.randomUUID().toString(), orgId, n, d, now, now, 0, 0);
    if (!store.insert(q)) throw nameTaken(n);
    return q;
  }

  public Queue get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Queue", id));
  }

  public java.util.Optional<Queue> find(String orgId, String id) {
    return store.find(orgId, id);
  }

  public java.util.Optional<Queue> findByName(String orgId, String name) {
    return store.findByName(orgId, name);
  }

  /**
   * The org's queues by name: whose name contains {@code name} (blank: any), and only {@code ids}
   * when not null (an empty set: none).
   */
  public List<Queue> list(
      String orgId, String name, Set<String> ids, boolean ascending, int offset, int limit) {
    return store.list(orgId, blankToNull(name), ids, ascending, offset, limit);
  }

  public long count(String orgId, String name, Set<String> ids) {
    return store.count(orgId, blankToNull(name), ids);
  }

  /**
   * Renaming a queue that a published flow names by its old name is 409: the flow would lose its
   * queue.
   */
  public Queue update(String orgId, String id, String name, String description) {
    Queue before = get(orgId, id);
    String n = Checks.requiredText("name", name, 200);
    String d = Checks.optionalText("description", description, 1000);
    if (!n.equalsIgnoreCase(before.name())) flowUsing(orgId, before, "renamed");
    try {
      if (!store.update(orgId, id, n, d, clock.instant())) throw Problem.notFound("Queue", id);
    } catch (RuntimeException e) {
      if (SqlErrors.isUniqueViolation(e)) throw nameTaken(n);
      throw e;
    }
    return get(orgId, id);
  }

  public void delete(String orgId, String id) {
    Queue q = get(orgId, id);
    flowUsing(orgId, q, "deleted");
    long waiting = calls.waiting(orgId, id);
    if (waiting > 0) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "queue.has.calls",
          "Queue '" + q.name() + "' has " + waiting + " waiting call(s); it cannot be deleted now",
          Map.of("queueId", id, "waiting", waiting));
    }
    if (!store.delete(orgId, id)) throw Problem.notFound("Queue", id);
  }

  private void flowUsing(String orgId, Queue q, String what) {
    flowUsing
        .apply(orgId, q.name())
        .ifPresent(f -> {
          throw new Problem(
              Problem.Kind.CONFLICT,
              "queue.in.use",
              "Queue '"
                  + q.name()
                  + "' is used by the published flow '"
                  + f.name()
                  + "' ("
                  + f.id()
                  + "); it cannot be "
                  + what,
              Map.of("queueId", q.id(), "flowId", f.id(), "flowName", f.name()));
        });
  }

  public List<QueueMember> members(String orgId, String queueId, int offset, int limit) {
    return members(orgId, queueId, QueueStore.MemberFilter.ALL, offset, limit);
  }

  public List<QueueMember> members(
      String orgId, String queueId, QueueStore.MemberFilter filter, int offset, int limit) {
    get(orgId, queueId);
    return store.members(queueId, filter, offset, limit);
  }

  public long countMembers(String orgId, String queueId, QueueStore.MemberFilter filter) {
    return store.countMembers(queueId, filter);
  }

  /** Adds (or with {@code delete}, removes) the users; every id must be a user of the org. */
  public void changeMembers(String orgId, String queueId, List<String> userIds, boolean delete) {
    get(orgId, queueId);
    if (userIds == null || userIds.isEmpty())
      throw Problem.invalid("body", "give at least one member");
    if (userIds.size() > MAX_MEMBERS_PER_REQUEST)
      throw Problem.invalid("body", "at most " + MAX_MEMBERS_PER_REQUEST + " members per request");
    var ids = new LinkedHashSet<String>();
    for (int i = 0; i < userIds.size(); i++) {
      String u = userIds.get(i);
      if (u == null || u.isBlank()) throw Problem.invalid("[" + i + "].id", "is required");
      if (!delete && users.find(orgId, u).isEmpty()) {
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "[" + i + "].id: " + u + " is not a user of this organization",
            Map.of("field", "[" + i + "].id", "id", u));
      }
      ids.add(u);
    }
    if (delete) store.removeMembers(orgId, queueId, new ArrayList<>(ids));
    else store.addMembers(orgId, queueId, new ArrayList<>(ids), clock.instant());
  }

  public void removeMember(String orgId, String queueId, String userId) {
    get(orgId, queueId);
    if (store.removeMembers(orgId, queueId, List.of(userId)) == 0)
      throw Problem.notFound("Queue member", userId);
  }

  private static Problem nameTaken(String name) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "queue.name.taken",
        "A queue named '" + name + "' already exists in this organization",
        Map.of("name", name));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

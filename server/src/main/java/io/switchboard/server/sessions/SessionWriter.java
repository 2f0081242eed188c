package io.switchboard.server.sessions;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.notifications.Notification;
import io.switchboard.server.notifications.Notifier;
import io.switchboard.server.notifications.Topics;
import io.switchboard.server.storage.SqlErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies writes to sessions, combining the concurrent writes of this node into few transactions
 * (group commit). Every session belongs to one of a fixed number of lanes (by its id's hash). A
 * writer queues its change on its session's lane and takes the lane's lock; whoever holds the lock
 * drains the lane's queue and applies every queued change, of whichever sessions, in one
 * transaction: the sessions' rows locked in id order ({@code SELECT ... FOR UPDATE}), each
 * session's changes applied in queue order, each to its predecessor's result; then it answers each
 * writer with the state its own change produced.
 *
 * <p>So 64 concurrent writers cost one transaction (one durable commit, one pooled connection) per
 * lane instead of one per write or per session, while every rule holds per write: an unversioned
 * change applies to the latest state and never fails because of another writer; a versioned one
 * applies only if its version is current at its turn; a completed session refuses; a failed change
 * writes nothing and does not affect its neighbours; the version rises by one per applied change;
 * and nobody is answered before the transaction committed. A session's writes are applied in the
 * order they were queued (one queue and one lock holder per lane). When a batch's transaction fails
 * as a whole (a lock timeout, a deadlock, a lost connection), each of its sessions is tried again
 * in a transaction of its own, so one session's trouble is not its neighbours'. Across nodes the
 * row locks order the batches; locking in id order keeps two nodes' batches from deadlocking.
 *
 * <p>{@code lanes = 0} is one lane per session: a batch holds one session's writes only (the
 * behaviour before batches across sessions, kept to measure against).
 */
final class SessionWriter {
  private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);

  /**
   * Enough to drain 64 concurrent writers in one go, small enough to keep one transaction short.
   */
  static final int MAX_BATCH = 128;

  /** Lanes when not configured: more would split a busy node's writes into smaller commits. */
  static final int DEFAULT_LANES = 4;

  private record Write(
      String orgId,
      String id,
      OptionalLong expectedVersion,
      UnaryOperator<Session> change,
      CompletableFuture<Session> result,
      String correlationId) {}

  private record Lane(ConcurrentLinkedQueue<Write> queue, ReentrantLock lock) {}

  private final SessionStore store;
  private final Notifier notifier;
  private final int lanes;

  /** The fixed lanes ({@code lanes > 0}). */
  private final Lane[] fixed;

  /** One lane per session ({@code lanes == 0}): queues by session, locks striped. */
  private final Map<String, ConcurrentLinkedQueue<Write>> perSession = new ConcurrentHashMap<>();

  private final ReentrantLock[] stripes;

  SessionWriter(SessionStore store, Notifier notifier, int lanes) {
    if (lanes < 0) throw new IllegalArgumentException("lanes must be >= 0");
    this.store = store;
    this.notifier = notifier;
    this.lanes = lanes;
    this.fixed = new Lane[lanes];
    for (int i = 0; i < lanes; i++)
      fixed[i] = new Lane(new ConcurrentLinkedQueue<>(), new ReentrantLock());
    this.stripes = new ReentrantLock[lanes == 0 ? 1024 : 0];
    for (int i = 0; i < stripes.length; i++) stripes[i] = new ReentrantLock();
  }

  Session write(
      String orgId, String id, OptionalLong expectedVersion, UnaryOperator<Session> change) {
    // The correlation id of this writer's request: another writer's thread may commit it.
    var write =
        new Write(
            orgId,
            id,
            expectedVersion,
            change,
            new CompletableFuture<>(),
            notifier.correlationId());
    // Per org and id: a caller from another org never joins a batch of a session it could not see.
    String key = orgId + "/" + id;
    Lane lane;
    if (lanes > 0) {
      lane = fixed[Math.floorMod(key.hashCode(), lanes)];
    } else {
      lane =
          new Lane(
              perSession.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()),
              stripes[Math.floorMod(key.hashCode(), stripes.length)]);
    }
    lane.queue().add(write);
    lane.lock().lock();
    try {
      // Another holder of the lock may already have applied this write; if not, apply what is
      // queued.
      while (!write.result().isDone()) {
        List<Write> batch = drain(lane.queue());
        // Whoever drained this write held the lock and answered it before letting go; if the queue
        // is empty and the write is unanswered, something is broken: fail rather than spin.
        if (batch.isEmpty())
          throw new IllegalStateException("session write " + key + " was taken but never answered");
        apply(batch);
      }
    } finally {
      lane.lock().unlock();
    }
    if (lanes == 0 && lane.queue().isEmpty()) perSession.remove(key, lane.queue());
    try {
      return write.result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  private static List<Write> drain(ConcurrentLinkedQueue<Write> queue) {
    var batch = new ArrayList<Write>();
    for (Write w = queue.poll(); w != null; w = batch.size() < MAX_BATCH ? queue.poll() : null)
      batch.add(w);
    return batch;
  }

  private void apply(List<Write> batch) {
    try {
      Map<String, List<Write>> bySession = bySession(batch);
      try {
        applyAll(bySession);
      } catch (RuntimeException e) {
        // No connection within the pool wait is every session's trouble: one answer (503) for all,
        // not a wait per session while the lane is held.
        if (bySession.size() == 1 || SqlErrors.isConnectionUnavailable(e)) throw e;
        // The transaction failed as a whole, nothing was written: each session on its own, so one
        // session's trouble (a row locked elsewhere past the lock timeout) is not its neighbours'.
        log.debug(
            "session writes of {} sessions at once failed ({}); one session at a time",
            bySession.size(),
            e.toString());
        for (var one : bySession.entrySet()) {
          try {
            applyAll(Map.of(one.getKey(), one.getValue()));
          } catch (RuntimeException failed) {
            for (Write w : one.getValue()) w.result().completeExceptionally(failed);
          }
        }
      }
    } catch (RuntimeException e) {
      for (Write w : batch) w.result().completeExceptionally(e);
    } finally {
      // Even an Error leaves no writer waiting forever for an answer.
      for (Write w : batch)
        if (!w.result().isDone())
          w.result()
              .completeExceptionally(new IllegalStateException("session write was not applied"));
    }
  }

  /** The batch's writes by session id, each session's in queue order; sessions in id order. */
  private static Map<String, List<Write>> bySession(List<Write> batch) {
    var map = new java.util.TreeMap<String, List<Write>>();
    for (Write w : batch) map.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w);
    return map;
  }

  /**
   * One transaction for the sessions of {@code bySession}; answers every write, or throws (then
   * nothing was written and nobody was answered).
   */
  private void applyAll(Map<String, List<Write>> bySession) {
    var outcomes = new LinkedHashMap<Write, Object>();
    Map<String, Session> stored =
        store.updateAll(
            bySession.keySet(),
            before -> {
              Session current = before;
              for (Write w : bySession.get(before.id())) {
                // Another org's session with this id is, for this writer, no session at all.
                if (!w.orgId().equals(before.orgId())) {
                  outcomes.put(w, Problem.notFound("Session", w.id()));
                  continue;
                }
                try {
                  current = applyOne(current, w);
                  outcomes.put(w, current);
                } catch (RuntimeException e) {
                  outcomes.put(w, e);
                }
              }
              return current;
            });
    for (var e : bySession.entrySet())
      if (!stored.containsKey(e.getKey()))
        for (Write w : e.getValue()) outcomes.put(w, Problem.notFound("Session", w.id()));
    // Committed: one event per applied write, each session's in version order, still under the
    // lane's lock, so this node publishes a session's events in commit order.
    for (var e : outcomes.entrySet())
      if (e.getValue() instanceof Session s) published(s, e.getKey().correlationId());
    for (var e : outcomes.entrySet()) {
      if (e.getValue() instanceof Session s) e.getKey().result().complete(s);
      else e.getKey().result().completeExceptionally((RuntimeException) e.getValue());
    }
  }

  private void published(Session s, String correlationId) {
    try {
      notifier.publish(
          new Notification(
              s.orgId(),
              Topics.session(s.id()),
              SessionRoutes.SessionView.of(s),
              correlationId,
              "session:" + s.id(),
              s.version()));
    } catch (RuntimeException e) {
      // The write is committed; a failed announcement must not turn it into an error.
      log.warn("session {} v{} not announced: {}", s.id(), s.version(), e.toString());
    }
  }

  private static Session applyOne(Session current, Write w) {
    if (current.isCompleted()) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "session.completed",
          "Session " + current.id() + " is completed; it no longer accepts changes",
          Map.of("sessionId", current.id(), "currentVersion", current.version()));
    }
    if (w.expectedVersion().isPresent() && w.expectedVersion().getAsLong() != current.version()) {
      throw Problem.versionMismatch(current.version(), w.expectedVersion().getAsLong());
    }
    Session next = w.change().apply(current);
    if (next.version() != current.version() + 1)
      throw new IllegalStateException("a session write must raise the version by one");
    return next;
  }
}

package io.switchboard.server.sessions;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.notifications.Notification;
import io.switchboard.server.notifications.Notifier;
import io.switchboard.server.notifications.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Applies writes to sessions, combining the concurrent writes of one session on this node into one
 * transaction (group commit). A writer queues its change and takes the session's lock; whoever
 * holds the lock drains the queue and applies every queued change in order, each to its
 * predecessor's result, in one transaction under the row lock, then answers each writer with the
 * state its own change produced.
 *
 * <p>So a hot session costs one transaction per batch instead of one per write, while every rule
 * holds per write: an unversioned change applies to the latest state and never fails because of
 * another writer; a versioned one applies only if its version is current at its turn; a completed
 * session refuses; a failed change writes nothing and does not affect its neighbours; the version
 * rises by one per applied change; and nobody is answered before the transaction committed. Across
 * nodes the row lock orders the batches.
 */
final class SessionWriter {
  /**
   * Enough to drain 64 concurrent writers in one go, small enough to keep one transaction short.
   */
  static final int MAX_BATCH = 128;

  private record Write(
      OptionalLong expectedVersion,
      UnaryOperator<Session> change,
      CompletableFuture<Session> result,
      String correlationId) {}

  private final SessionStore store;
  private final Notifier notifier;
  private final ReentrantLock[] locks = new ReentrantLock[1024];
  private final Map<String, ConcurrentLinkedQueue<Write>> queues = new ConcurrentHashMap<>();

  SessionWriter(SessionStore store, Notifier notifier) {
    this.store = store;
    this.notifier = notifier;
    for (int i = 0; i < locks.length; i++) locks[i] = new ReentrantLock();
  }

  Session write(
      String orgId, String id, OptionalLong expectedVersion, UnaryOperator<Session> change) {
    // The correlation id of this writer's request: another writer's thread may commit it.
    var write =
        new Write(expectedVersion, change, new CompletableFuture<>(), notifier.correlationId());
    // Per org and id: a caller from another org never joins a batch it could not see.
    String key = orgId + "/" + id;
    ConcurrentLinkedQueue<Write> queue =
        queues.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
    queue.add(write);
    ReentrantLock lock = locks[Math.floorMod(key.hashCode(), locks.length)];
    lock.lock();
    try {
      // Another holder of the lock may already have applied this write; if not, apply what is
      // queued.
      while (!write.result().isDone()) {
        List<Write> batch = drain(queue);
        // Whoever drained this write held the lock and answered it before letting go; if the queue
        // is empty
        // and the write is unanswered, something is broken: fail rather than spin.
        if (batch.isEmpty())
          throw new IllegalStateException("session write " + key + " was taken but never answered");
        apply(orgId, id, batch);
      }
    } finally {
      lock.unlock();
    }
    if (queue.isEmpty()) queues.remove(key, queue);
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

  private void apply(String orgId, String id, List<Write> batch) {
    try {
      applyAll(orgId, id, batch);
    } finally {
      // Even an Error leaves no writer waiting forever for an answer.
      for (Write w : batch)
        w.result()
            .completeExceptionally(new IllegalStateException("session write was not applied"));
    }
  }

  private void applyAll(String orgId, String id, List<Write> batch) {
    Object[] outcomes = new Object[batch.size()];
    try {
      var stored =
          store.update(
              orgId,
              id,
              before -> {
                Session current = before;
                for (int i = 0; i < batch.size(); i++) {
                  try {
                    current = applyOne(current, batch.get(i));
                    outcomes[i] = current;
                  } catch (RuntimeException e) {
                    outcomes[i] = e;
                  }
                }
                return current;
              });
      if (stored.isEmpty()) {
        for (Write w : batch) w.result().completeExceptionally(Problem.notFound("Session", id));
        return;
      }
    } catch (RuntimeException e) {
      // The transaction failed as a whole: nothing was written for anyone.
      for (Write w : batch) w.result().completeExceptionally(e);
      return;
    }
    // Committed (or, inside a caller's transaction, sent on its commit): one event per applied
    // write, in version order, still under this session's lock, so this node publishes a
    // session's events in commit order.
    for (int i = 0; i < batch.size(); i++) {
      if (outcomes[i] instanceof Session s) published(s, batch.get(i).correlationId());
    }
    for (int i = 0; i < batch.size(); i++) {
      if (outcomes[i] instanceof Session s) batch.get(i).result().complete(s);
      else batch.get(i).result().completeExceptionally((RuntimeException) outcomes[i]);
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
      org.slf4j.LoggerFactory.getLogger(SessionWriter.class)
          .warn("session {} v{} not announced: {}", s.id(), s.version(), e.toString());
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

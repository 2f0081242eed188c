package io.switchboard.client;

import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;

/**
 * Turns concurrent session creations into bulk requests. The first creation opens a batch and waits
 * {@code window} for others (or until {@code maxBatch} have joined); the batch then goes out as one
 * {@code POST /sessions/bulk} (a batch of one as a plain {@code POST /sessions}), with an {@code
 * Idempotency-Key} so it may be retried, and each caller gets its own item's session or error.
 *
 * <p>The request runs on its own virtual thread with the latest deadline of its items, and each
 * caller waits only until its own deadline: a short-deadline caller never holds up the batch, nor
 * the batch it.
 */
final class SessionBatcher {
  static final int MAX_BULK = 100;
  private static final String BASE = "/api/v2/agent-scripting/sessions";

  private record Item(NewSession request, Instant deadline, CompletableFuture<Session> result) {}

  private static final class Batch {
    final List<Item> items = new ArrayList<>();
    boolean sealed;
  }

  private final ClientCore core;
  private final Duration window;
  private final int maxBatch;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition sealed = lock.newCondition();
  private Batch open;

  SessionBatcher(ClientCore core, Duration window, int maxBatch) {
    if (maxBatch < 1 || maxBatch > MAX_BULK)
      throw new IllegalArgumentException("maxBatch must be 1.." + MAX_BULK);
    this.core = core;
    this.window = window;
    this.maxBatch = maxBatch;
  }

  Session create(NewSession request, Instant deadline) {
    var item = new Item(request, deadline, new CompletableFuture<>());
    Batch led = join(item);
    if (led != null) {
      awaitWindow(led);
      Thread.ofVirtual().name("switchboard-session-batch").start(() -> send(led.items));
    }
    return await(item);
  }

  /**
   * Adds the item to the open batch; returns the batch if this caller opened it (and so must send
   * it).
   */
  private Batch join(Item item) {
    lock.lock();
    try {
      Batch led = null;
      if (open == null) {
        open = new Batch();
        led = open;
      }
      open.items.add(item);
      if (open.items.size() >= maxBatch) {
        open.sealed = true;
        open = null;
        sealed.signalAll();
      }
      return led;
    } finally {
      lock.unlock();
    }
  }

  private void awaitWindow(Batch batch) {
    lock.lock();
    try {
      long nanos = window.toNanos();
      while (!batch.sealed && nanos > 0) nanos = sealed.awaitNanos(nanos);
      if (!batch.sealed) {
        batch.sealed = true;
        if (open == batch) open = null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      batch.sealed = true;
      if (open == batch) open = null;
    } finally {
      lock.unlock();
    }
  }

  private Session await(Item item) {
    try {
      return Waits.await(item.result(), item.deadline(), core.clock, "POST " + BASE + " (batched)");
    } catch (ExecutionException e) {
      throw copy(e.getCause());
    }
  }

  private void send(List<Item> items) {
    Instant deadline =
        items.stream().map(Item::deadline).max(Comparator.naturalOrder()).orElseThrow();
    String key = SwitchboardClient.newIdempotencyKey();
    try {
      if (items.size() == 1) {
        ApiResponse r =
            core.send(ApiRequest.post(BASE, items.get(0).request()).idempotencyKey(key), deadline);
        items.get(0).result().complete(core.json.readValue(r.body(), Session.class));
        return;
      }
      core.counters.batched.add(items.size());
      ApiResponse r =
          core.send(
              ApiRequest.post(BASE + "/bulk", items.stream().map(Item::request).toList())
                  .idempotencyKey(key),
              deadline);
      JsonNode results = core.json.readTree(r.body()).path("results");
      boolean[] answered = new boolean[items.size()];
      for (JsonNode result : results) {
        int index = result.path("index").asInt(-1);
        if (index < 0 || index >= items.size() || answered[index]) continue;
        answered[index] = true;
        int status = result.path("status").asInt();
        if (status >= 200 && status < 300) {
          items
              .get(index)
              .result()
              .complete(core.json.treeToValue(result.path("session"), Session.class));
        } else {
          ErrorBody error = core.json.treeToValue(result.path("error"), ErrorBody.class);
          items.get(index).result().completeExceptionally(ApiException.of(status, error));
        }
      }
      for (int i = 0; i < items.size(); i++) {
        if (!answered[i])
          items
              .get(i)
              .result()
              .completeExceptionally(
                  new SwitchboardException("the bulk answer has no result for item " + i));
      }
    } catch (RuntimeException | Error e) {
      for (Item item : items) item.result().completeExceptionally(e);
    }
  }

  /** A fresh exception per caller, so each stack trace shows its own call. */
  private static RuntimeException copy(Throwable t) {
    if (t instanceof ApiException api)
      return ApiException.of(api.status(), api.error(), api.attempts());
    if (t instanceof DeadlineExceededException d)
      return new DeadlineExceededException(
          "POST " + BASE + " (batched) did not complete within its deadline", d.attempts(), d);
    if (t instanceof RuntimeException e) return e;
    return new SwitchboardException("session creation failed: " + t, t);
  }
}

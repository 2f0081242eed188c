package io.switchboard.server.flows.runtime;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.switchboard.server.externalapis.ExecutionReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The response cache of {@code callData} ({@code cache: {ttl}}, a Switchboard extension): a data
 * action's successful answer is kept for the ttl, keyed by org, external API id and version, the
 * evaluated inputs and the ttl. Concurrent executions with the same key share one upstream call
 * (single flight, Caffeine's {@link AsyncCache}: the first installs an incomplete future and runs
 * the call on its own thread, the others wait for that future within their own budget). Only
 * successes are kept: a failed call completes its future exceptionally, which Caffeine removes, so
 * the next execution calls again (executions already waiting on it share that failure). Bounded to
 * {@value #MAX_ENTRIES} entries; expiry follows the server's clock.
 */
public final class CallDataCache {
  public static final long MAX_ENTRIES = 10_000;

  /** How an execution got its answer: it made the call, found it stored, or joined it in flight. */
  public static final String MISS = "miss";

  public static final String HIT = "hit";
  public static final String JOINED = "joined";

  /** The report the execution acts on and how it was obtained ({@link #MISS}, ...). */
  public record Answer(ExecutionReport report, String use) {}

  record Key(String orgId, String apiId, long version, String inputs, long ttlMillis) {}

  /** A failed call: completes the shared future exceptionally so that it is not kept. */
  private static final class NotCached extends RuntimeException {
    final ExecutionReport report;

    NotCached(ExecutionReport report) {
      super(null, null, false, false);
      this.report = report;
    }
  }

  private final AsyncCache<Key, ExecutionReport> cache;

  public CallDataCache(Clock clock) {
    Ticker ticker =
        () -> {
          Instant now = clock.instant();
          return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
        };
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES)
            .ticker(ticker)
            .expireAfter(
                Expiry.creating((Key k, ExecutionReport v) -> Duration.ofMillis(k.ttlMillis())))
            .buildAsync();
  }

  /**
   * The answer for {@code api} with {@code inputs}: stored, shared with an execution already making
   * the same call, or made now with {@code upstream} (which must keep to {@code budgetMs}). A
   * waiter gives up after {@code budgetMs} with a {@code timeout} report.
   */
  public Answer get(
      String orgId,
      FlowRuntime.DataActions.Resolved api,
      JsonNode inputs,
      long ttlMillis,
      long budgetMs,
      Supplier<ExecutionReport> upstream) {
    var key = new Key(orgId, api.id(), api.version(), inputs.toString(), ttlMillis);
    var mine = new CompletableFuture<ExecutionReport>();
    CompletableFuture<ExecutionReport> shared = cache.get(key, (k, executor) -> mine);
    if (shared == mine) return new Answer(lead(mine, upstream), MISS);
    long started = System.nanoTime();
    boolean done = shared.isDone();
    try {
      ExecutionReport r = shared.get(budgetMs, TimeUnit.MILLISECONDS);
      return new Answer(shared(r, started), done ? HIT : JOINED);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof NotCached n) return new Answer(shared(n.report, started), JOINED);
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (CancellationException e) {
      return new Answer(
          failure(started, ExecutionReport.HTTP, "the shared call was cancelled"), JOINED);
    } catch (TimeoutException e) {
      return new Answer(
          failure(
              started,
              ExecutionReport.TIMEOUT,
              "no answer within the "
                  + budgetMs
                  + " ms budget while waiting for the same call made by another execution"),
          JOINED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(
          failure(started, ExecutionReport.HTTP, "interrupted while waiting for the shared call"),
          JOINED);
    }
  }

  /** Makes the call on this thread and completes the shared future with it. */
  private static ExecutionReport lead(
      CompletableFuture<ExecutionReport> mine, Supplier<ExecutionReport> upstream) {
    ExecutionReport r;
    try {
      r = upstream.get();
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    }
    if (r.success()) mine.complete(r);
    else mine.completeExceptionally(new NotCached(r));
    return r;
  }

  /** Another execution's report, as this one saw it: no request of its own, its own wait. */
  private static ExecutionReport shared(ExecutionReport r, long started) {
    return new ExecutionReport(
        r.success(), r.status(), elapsedMs(started), 0, r.outputs(), r.error(), r.circuit());
  }

  private static ExecutionReport failure(long started, String kind, String detail) {
    return new ExecutionReport(
        false, null, elapsedMs(started), 0, null, new ExecutionReport.Failure(kind, detail), null);
  }

  private static long elapsedMs(long started) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /** Entries currently held (approximate), for tests and metrics. */
  public long size() {
    return cache.synchronous().estimatedSize();
  }
}

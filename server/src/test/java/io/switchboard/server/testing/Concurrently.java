package io.switchboard.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Races: {@code n} tasks on {@code n} threads, released together by one latch, bounded in time. */
public final class Concurrently {
  private Concurrently() {}

  /** The results of {@code task(0..n-1)}, in index order; a task's exception fails the call. */
  public static <T> List<T> run(int n, IntFunction<T> task) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      var start = new CountDownLatch(1);
      var futures = new ArrayList<Future<T>>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<T> call =
            () -> {
              start.await();
              return task.apply(index);
            };
        futures.add(pool.submit(call));
      }
      start.countDown();
      var out = new ArrayList<T>();
      for (Future<T> f : futures) out.add(f.get(120, TimeUnit.SECONDS));
      return out;
    } catch (Exception e) {
      throw new AssertionError("a concurrent task failed", e);
    } finally {
      pool.shutdownNow();
    }
  }
}

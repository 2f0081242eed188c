package io.switchboard.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for another thread's result (a shared read, a batch) no longer than this caller's
 * deadline.
 */
final class Waits {
  private Waits() {}

  /**
   * The result, or {@link DeadlineExceededException} naming {@code what} when the deadline comes
   * first.
   *
   * @throws ExecutionException when the work failed: the caller decides what its failure means to
   *     it
   */
  static <T> T await(CompletableFuture<T> result, Instant deadline, Clock clock, String what)
      throws ExecutionException {
    long nanos = Duration.between(clock.instant(), deadline).toNanos();
    try {
      if (nanos <= 0) throw new TimeoutException();
      return result.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new DeadlineExceededException(
          what + " did not finish within this call's deadline", List.of(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while waiting for " + what, e);
    }
  }
}

package io.switchboard.server.expressions;

import dev.cel.common.CelOptions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import java.time.Duration;
import java.util.Map;

/**
 * The bounds every CEL expression a tenant writes is held to: its length, how deeply it may nest,
 * how many comprehension iterations one evaluation may run, and a wall-clock deadline checked while
 * it runs. External API response mappings use them; flow expressions are to use the same. Without
 * them an 848-character nested comprehension ran 24 million iterations for 7 s, outside the API's
 * time budget.
 */
public record CelLimits(
    int maxExpressionChars, int maxParseDepth, int maxIterations, Duration maxEvaluationTime) {
  /**
   * 25,000 iterations is well beyond a mapping over a real answer (a list of a thousand items
   * mapped twice) and, at the 10-40 microseconds an iteration of CEL's interpreter was measured at
   * here, up to a second. The iteration count alone does not bound time (CEL's {@code map} copies
   * its result list at every step, so one map over 10,000 items copies 50 million elements): every
   * evaluation also has a deadline, the earlier of the caller's and {@link #maxEvaluationTime} from
   * its start.
   */
  public static final CelLimits DEFAULT = new CelLimits(2000, 32, 25_000, Duration.ofSeconds(1));

  /**
   * How often (in evaluated sub-expressions) the deadline is looked at: a clock read is not free.
   */
  private static final int CHECK_EVERY = 256;

  /** The options to build a {@code Cel} (compiler and runtime) with. */
  public CelOptions options() {
    return CelOptions.current()
        .maxParseRecursionDepth(maxParseDepth)
        .comprehensionMaxIterations(maxIterations)
        .build();
  }

  /** The evaluation ran past its deadline (a {@link System#nanoTime} value) and was stopped. */
  public static final class DeadlineExceeded extends Exception {
    DeadlineExceeded() {
      super("the expression did not finish within the time left of the budget", null, false, false);
    }
  }

  /** Thrown from the listener to unwind the interpreter; never escapes {@link #eval}. */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  /** The deadline of work starting now: the caller's, or sooner by {@link #maxEvaluationTime}. */
  public long deadline(long callerDeadlineNanos) {
    long own = System.nanoTime() + maxEvaluationTime.toNanos();
    return own - callerDeadlineNanos < 0 ? own : callerDeadlineNanos;
  }

  /**
   * Evaluates {@code program}, stopping it once {@code deadlineNanos} (a {@link System#nanoTime}
   * value) has passed. The iteration limit is enforced by CEL itself (a {@link
   * CelEvaluationException}).
   */
  public static Object eval(
      CelRuntime.Program program, Map<String, ?> variables, long deadlineNanos)
      throws CelEvaluationException, DeadlineExceeded {
    if (System.nanoTime() - deadlineNanos >= 0) throw new DeadlineExceeded();
    var counter = new int[1];
    CelEvaluationListener watch =
        (expr, result) -> {
          if (++counter[0] % CHECK_EVERY == 0 && System.nanoTime() - deadlineNanos >= 0)
            throw new Stop();
        };
    try {
      return program.trace(variables, watch);
    } catch (Stop stop) {
      throw new DeadlineExceeded();
    } catch (CelEvaluationException e) {
      for (Throwable t = e; t != null; t = t.getCause())
        if (t instanceof Stop) throw new DeadlineExceeded();
      throw e;
    }
  }
}

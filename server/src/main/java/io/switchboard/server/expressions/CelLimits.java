package io.switchboard.server.expressions;

import dev.cel.common.CelOptions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import java.time.Duration;
import java.util.Map;

/**
 * The bounds every CEL expression a tenant writes is held to: its length, how deeply it may nest,
 * how many comprehension iterations one evaluation may run, optionally how many sub-expressions it
 * may evaluate, and a wall-clock deadline checked while it runs. External API response mappings use
 * {@link #DEFAULT}; flow expressions use tighter limits of the same kind. Without them an
 * 848-character nested comprehension ran 24 million iterations for 7 s, outside the API's time
 * budget.
 */
public record CelLimits(
    int maxExpressionChars,
    int maxParseDepth,
    int maxIterations,
    long maxEvaluationSteps,
    Duration maxEvaluationTime) {
  /** Limits without a step bound: the iteration limit and the deadline bound the work. */
  public CelLimits(
      int maxExpressionChars, int maxParseDepth, int maxIterations, Duration maxEvaluationTime) {
    this(maxExpressionChars, maxParseDepth, maxIterations, Long.MAX_VALUE, maxEvaluationTime);
  }

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

  /** Thrown from the listener to unwind the interpreter; never escapes this class. */
  private static final class Stop extends RuntimeException {
    final boolean steps;

    Stop(boolean steps) {
      super(null, null, false, false);
      this.steps = steps;
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
    try {
      return run(program, variables, deadlineNanos, Long.MAX_VALUE);
    } catch (Stop stop) {
      throw new DeadlineExceeded();
    }
  }

  /**
   * Evaluates {@code program} within these limits: stopped after {@link #maxEvaluationSteps}
   * evaluated sub-expressions, or at {@link #deadline} of the caller's deadline.
   */
  public Object evaluate(
      CelRuntime.Program program, Map<String, ?> variables, long callerDeadlineNanos)
      throws CelEvaluationException, Stopped {
    try {
      return run(program, variables, deadline(callerDeadlineNanos), maxEvaluationSteps);
    } catch (Stop stop) {
      throw new Stopped(
          stop.steps
              ? "more than " + maxEvaluationSteps + " evaluation steps"
              : "the evaluation time bound was reached");
    }
  }

  /** An evaluation stopped by a step or time bound; the message says which. */
  public static final class Stopped extends Exception {
    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  private static Object run(
      CelRuntime.Program program, Map<String, ?> variables, long deadlineNanos, long maxSteps)
      throws CelEvaluationException {
    if (System.nanoTime() - deadlineNanos >= 0) throw new Stop(false);
    var counter = new long[1];
    CelEvaluationListener watch =
        (expr, result) -> {
          long steps = ++counter[0];
          if (steps > maxSteps) throw new Stop(true);
          if (steps % CHECK_EVERY == 0 && System.nanoTime() - deadlineNanos >= 0)
            throw new Stop(false);
        };
    try {
      return program.trace(variables, watch);
    } catch (CelEvaluationException | RuntimeException e) {
      // CEL may wrap what the listener threw.
      for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof Stop stop) throw stop;
      throw e;
    }
  }
}

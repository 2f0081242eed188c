package io.switchboard.server.expressions;

import dev.cel.common.CelOptions;
import dev.cel.common.ast.CelExpr;
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
    Duration maxEvaluationTime,
    long maxProduced) {
  /** Limits without a step bound: the iteration limit and the deadline bound the work. */
  public CelLimits(
      int maxExpressionChars, int maxParseDepth, int maxIterations, Duration maxEvaluationTime) {
    this(
        maxExpressionChars,
        maxParseDepth,
        maxIterations,
        Long.MAX_VALUE,
        maxEvaluationTime,
        Long.MAX_VALUE);
  }

  /**
   * 25,000 iterations is well beyond a mapping over a real answer (a list of a thousand items
   * mapped twice) and, at the 10-40 microseconds an iteration of CEL's interpreter was measured at
   * here, up to a second. The iteration count alone does not bound time (CEL's {@code map} copies
   * its result list at every step, so one map over 10,000 items copies 50 million elements): every
   * evaluation also has a deadline, the earlier of the caller's and {@link #maxEvaluationTime} from
   * its start. Nor does time bound memory: a chain of 16 string doublings made 65 million
   * characters in 157 ms, before the deadline was next looked at, so what its calls make is bounded
   * too (10 million characters, bytes and items: a mapping over a 1 MiB answer makes far less).
   */
  public static final CelLimits DEFAULT =
      new CelLimits(2000, 32, 25_000, Long.MAX_VALUE, Duration.ofSeconds(1), 10_000_000);

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

  /** Which bound stopped an evaluation. */
  private enum Bound {
    TIME,
    STEPS,
    SIZE
  }

  /** Thrown from the listener to unwind the interpreter; never escapes this class. */
  private static final class Stop extends RuntimeException {
    final Bound bound;

    Stop(Bound bound) {
      super(null, null, false, false);
      this.bound = bound;
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
      return run(program, variables, deadlineNanos, Long.MAX_VALUE, Long.MAX_VALUE);
    } catch (Stop stop) {
      throw new DeadlineExceeded();
    }
  }

  /**
   * Evaluates {@code program} within these limits: stopped after {@link #maxEvaluationSteps}
   * evaluated sub-expressions, once its calls have produced {@link #maxProduced} characters and
   * items (a string's length, a list's or map's size, summed over every call's result: what one
   * evaluation may allocate, whatever its steps), or at {@link #deadline} of the caller's deadline.
   */
  public Object evaluate(
      CelRuntime.Program program, Map<String, ?> variables, long callerDeadlineNanos)
      throws CelEvaluationException, Stopped {
    try {
      return run(
          program, variables, deadline(callerDeadlineNanos), maxEvaluationSteps, maxProduced);
    } catch (Stop stop) {
      throw new Stopped(
          switch (stop.bound) {
            case STEPS -> "more than " + maxEvaluationSteps + " evaluation steps";
            case SIZE -> "its results passed " + maxProduced + " characters and items";
            case TIME -> "the evaluation time bound was reached";
          });
    }
  }

  /** What a value takes: a string's or bytes' length, a list's or map's size. */
  public static long sizeOf(Object result) {
    return switch (result) {
      case String s -> s.length();
      case com.google.protobuf.ByteString b -> b.size();
      case dev.cel.common.values.CelByteString b -> b.size();
      case java.util.Collection<?> c -> c.size();
      case Map<?, ?> m -> m.size();
      case null, default -> 0;
    };
  }

  /** An evaluation stopped by a step, size or time bound; the message says which. */
  public static final class Stopped extends Exception {
    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  private static Object run(
      CelRuntime.Program program,
      Map<String, ?> variables,
      long deadlineNanos,
      long maxSteps,
      long maxProduced)
      throws CelEvaluationException {
    if (System.nanoTime() - deadlineNanos >= 0) throw new Stop(Bound.TIME);
    var counter = new long[2];
    CelEvaluationListener watch =
        (expr, result) -> {
          long steps = ++counter[0];
          if (steps > maxSteps) throw new Stop(Bound.STEPS);
          if (steps % CHECK_EVERY == 0 && System.nanoTime() - deadlineNanos >= 0)
            throw new Stop(Bound.TIME);
          // Calls (functions and operators such as +) make new values; a variable's is counted
          // where it was made.
          if (maxProduced != Long.MAX_VALUE
              && expr.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL
              && (counter[1] += sizeOf(result)) > maxProduced) throw new Stop(Bound.SIZE);
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

package io.switchboard.server.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 10, item 8: a tenant's CEL expression is bounded in iterations, nesting and time. */
class CelLimitsTest {
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(CelLimits.DEFAULT.options())
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("xs", ListType.create(SimpleType.INT))
          .build();
  private static final List<Long> THOUSAND = LongStream.range(0, 1000).boxed().toList();

  private static CelRuntime.Program program(String expression) throws Exception {
    return CEL.createProgram(CEL.compile(expression).getAst());
  }

  private static long far() {
    return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
  }

  @Test
  void ordinaryExpressionsRunAsBefore() throws Exception {
    assertThat(
            CelLimits.eval(
                program("xs.map(x, x * 2).filter(y, y % 3 == 0).size()"),
                Map.of("xs", THOUSAND),
                far()))
        .isEqualTo(334L);
    assertThat(
            CelLimits.eval(
                program("xs.map(a, xs.filter(b, b < 10).size()).size()"),
                Map.of("xs", THOUSAND.subList(0, 100)),
                far()))
        .isEqualTo(100L);
  }

  /**
   * Time does not bound memory: a chain of doublings makes tens of millions of characters between
   * two looks at the clock. What a response mapping's calls make is bounded instead.
   */
  @Test
  void aChainOfDoublingsStopsAtWhatItsCallsMake() throws Exception {
    Cel cel =
        CelFactory.standardCelBuilder()
            .setOptions(CelLimits.DEFAULT.options())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("s", SimpleType.STRING)
            .build();
    String doubling = "[s]" + ".map(x, x + x)".repeat(16) + "[0].size()";
    var program = cel.createProgram(cel.compile(doubling).getAst());
    assertThatThrownBy(
            () -> CelLimits.DEFAULT.evaluate(program, Map.of("s", "a".repeat(1000)), far()))
        .isInstanceOf(CelLimits.Stopped.class)
        .hasMessage("its results passed 10000000 characters and items");
    String bytesDoubling = "[bytes(s)]" + ".map(x, x + x)".repeat(16) + "[0].size()";
    var bytesProgram = cel.createProgram(cel.compile(bytesDoubling).getAst());
    assertThatThrownBy(
            () -> CelLimits.DEFAULT.evaluate(bytesProgram, Map.of("s", "a".repeat(1000)), far()))
        .as("bytes count as their length")
        .isInstanceOf(CelLimits.Stopped.class);
    assertThat(CelLimits.DEFAULT.evaluate(program, Map.of("s", "a"), far())).isEqualTo(65_536L);
  }

  /**
   * The limit is CEL's own, counted over all comprehensions of one evaluation. A small limit shows
   * it without spending seconds of CPU (an iteration of CEL's interpreter cost 10-500 microseconds
   * on the shared build machine); the default's 25,000 is exercised end to end by {@code
   * DenialOfServiceIT}.
   */
  @Test
  @Timeout(
      value = 15,
      unit = TimeUnit.SECONDS) // generous: building a Cel alone took 1-2 s on a busy machine
  void nestedComprehensionsStopAtTheIterationLimit() throws Exception {
    var small = new CelLimits(2000, 32, 500, java.time.Duration.ofSeconds(1));
    Cel cel =
        CelFactory.standardCelBuilder()
            .setOptions(small.options())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("xs", ListType.create(SimpleType.INT))
            .build();
    var ten = Map.of("xs", THOUSAND.subList(0, 10));
    var twoDeep =
        cel.createProgram(cel.compile("xs.map(a, xs.map(b, a + b).size()).size()").getAst());
    assertThat(CelLimits.eval(twoDeep, ten, far())).isEqualTo(10L);
    var threeDeep =
        cel.createProgram(
            cel.compile("xs.map(a, xs.map(b, xs.map(c, a + b + c).size()).size()).size()")
                .getAst());
    assertThatThrownBy(() -> CelLimits.eval(threeDeep, ten, far()))
        .isInstanceOf(CelEvaluationException.class)
        .hasMessageContaining("Iteration budget exceeded: 500");
    var exists =
        cel.createProgram(cel.compile("xs.exists(a, xs.exists(b, xs.exists(c, false)))").getAst());
    assertThatThrownBy(() -> CelLimits.eval(exists, ten, far()))
        .isInstanceOf(CelEvaluationException.class)
        .hasMessageContaining("Iteration budget exceeded");
    assertThat(CelLimits.DEFAULT.maxIterations()).isEqualTo(25_000);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void anExpressionStillRunningAtTheDeadlineIsStopped() throws Exception {
    // Within the iteration limit (20,000 of 25,000), yet far longer than the 5 ms deadline on any
    // machine: CEL's map copies its result list at each step, so this copies some 200 million
    // elements. (A deadline of 200 ms against a nested map was a race with the iteration limit on a
    // fast machine.)
    var slow = program("xs.map(a, string(a) + string(a)).size()");
    var twentyThousand = LongStream.range(0, 20_000).boxed().toList();
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(5);
    assertThatThrownBy(() -> CelLimits.eval(slow, Map.of("xs", twentyThousand), deadline))
        .isInstanceOf(CelLimits.DeadlineExceeded.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .as("stopped soon after the deadline")
        .isLessThan(3_000);
    assertThatThrownBy(
            () -> CelLimits.eval(program("1 + 1"), Map.of("xs", List.of()), System.nanoTime() - 1))
        .isInstanceOf(CelLimits.DeadlineExceeded.class);
  }

  @Test
  void deeplyNestedExpressionsAreRefusedWhenCompiled() {
    String deep = "(".repeat(100) + "1" + ")".repeat(100);
    assertThatThrownBy(() -> program(deep)).isInstanceOf(Exception.class);
  }
}

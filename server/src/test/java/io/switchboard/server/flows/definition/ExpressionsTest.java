package io.switchboard.server.flows.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.bundle.Cel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Archy's functions as CEL, typed variables with dotted names, and the cost bounds. */
class ExpressionsTest {
  static final Instant NOW = Instant.parse("2026-11-30T04:00:00Z");
  final Expressions x = new Expressions(Clock.fixed(NOW, ZoneOffset.UTC));
  final Cel cel =
      x.environment(
          Map.of(
              "Task.tier",
              VarType.STRING,
              "Task.n",
              VarType.INTEGER,
              "Flow.items",
              new VarType(VarType.Base.INTEGER, true),
              "Task.any",
              VarType.ANY));

  Object eval(String source, Map<String, Object> vars) throws Exception {
    var all =
        new HashMap<String, Object>(
            Map.of(
                "Task.tier",
                Expressions.isSet(null) ? "" : dev.cel.common.values.NullValue.NULL_VALUE,
                "Task.n",
                3L,
                "Flow.items",
                List.of(1L, 2L),
                "Task.any",
                dev.cel.common.values.NullValue.NULL_VALUE));
    all.putAll(vars);
    return x.evaluate(x.compile(cel, source), all, System.nanoTime() + 1_000_000_000L);
  }

  @Test
  void archysEverydayFunctionsWork() throws Exception {
    assertThat(eval("If(IsSet(Task.tier), Task.tier, \"none\")", Map.of())).isEqualTo("none");
    assertThat(eval("If(IsSet(Task.tier), Task.tier, \"none\")", Map.of("Task.tier", "gold")))
        .isEqualTo("gold");
    assertThat(eval("IsNotSetOrEmpty(Task.tier)", Map.of("Task.tier", ""))).isEqualTo(true);
    assertThat(eval("ToInt(\"42\") + Task.n", Map.of())).isEqualTo(45L);
    assertThat(eval("ToDecimal(\"1.5\")", Map.of())).isEqualTo(1.5);
    assertThat(eval("ToString(Task.n)", Map.of())).isEqualTo("3");
    assertThat(eval("Append(\"a\", \"b\", \"c\")", Map.of())).isEqualTo("abc");
    assertThat(eval("Substring(\"switchboard\", 6, 5)", Map.of())).isEqualTo("board");
    assertThat(eval("Contains(\"switchboard\", \"board\")", Map.of())).isEqualTo(true);
    assertThat(eval("Contains(Flow.items, 2)", Map.of())).isEqualTo(true);
    assertThat(eval("Now()", Map.of())).isEqualTo(NOW);
  }

  @Test
  void dateTimesHaveTheWiresExactMilliseconds() throws Exception {
    var micros = Instant.parse("2026-11-30T04:00:00.123456789Z");
    var precise = new Expressions(Clock.fixed(micros, ZoneOffset.UTC));
    Cel env = precise.environment(Map.of());
    long deadline = System.nanoTime() + 1_000_000_000L;
    assertThat(precise.evaluate(precise.compile(env, "Now()"), Map.of(), deadline))
        .isEqualTo(Instant.parse("2026-11-30T04:00:00.123Z"));
    assertThat(precise.evaluate(precise.compile(env, "ToString(Now())"), Map.of(), deadline))
        .isEqualTo("2026-11-30T04:00:00.123Z");
    assertThat(eval("ToString(Now())", Map.of())).isEqualTo("2026-11-30T04:00:00.000Z");
  }

  @Test
  void typesAndUnknownVariablesAreCompileErrors() {
    assertThatThrownBy(() -> x.compile(cel, "Task.tier + 1"))
        .isInstanceOf(Expressions.CompileError.class)
        .hasMessageContaining("no matching overload");
    assertThatThrownBy(() -> x.compile(cel, "Task.nope == 1"))
        .isInstanceOf(Expressions.CompileError.class)
        .hasMessageContaining("undeclared reference");
    assertThatThrownBy(() -> x.compile(cel, "Lower(Task.tier)"))
        .isInstanceOf(Expressions.CompileError.class);
    assertThatThrownBy(() -> x.compile(cel, "1 + ".repeat(1000) + "1"))
        .isInstanceOf(Expressions.CompileError.class);
  }

  @Test
  void costIsBounded() throws Exception {
    var big = new java.util.ArrayList<Object>();
    for (long i = 0; i < 2000; i++) big.add(i);
    // A comprehension over more than the iteration limit stops with an error instead of running.
    assertThatThrownBy(() -> eval("Task.any.all(i, i >= 0)", Map.of("Task.any", big)))
        .isInstanceOf(Expressions.EvaluationError.class);
    var nine = new java.util.ArrayList<Object>();
    for (long i = 0; i < 900; i++) nine.add(i);
    // Nested comprehensions share CEL's iteration budget.
    assertThatThrownBy(
            () -> eval("Task.any.all(i, Task.any.all(j, i + j >= 0))", Map.of("Task.any", nine)))
        .isInstanceOf(Expressions.EvaluationError.class)
        .hasMessageContaining("budget");
    // A heavy body under the iteration budget still stops at the evaluation-step bound.
    long started = System.nanoTime();
    String heavy = "Task.any.all(i, size([" + "i, ".repeat(150) + "i]) > 0)";
    assertThatThrownBy(() -> eval(heavy, Map.of("Task.any", nine)))
        .isInstanceOf(Expressions.EvaluationError.class)
        .hasMessageContaining("stopped");
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2000);
  }
}

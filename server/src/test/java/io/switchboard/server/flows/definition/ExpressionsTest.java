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
  void archysTextCollectionAndDateFunctions() throws Exception {
    assertThat(eval("Lower(\"AbC\")", Map.of())).isEqualTo("abc");
    assertThat(eval("Upper(\"straße\")", Map.of())).isEqualTo("STRASSE");
    assertThat(eval("Trim(\"  gold \\n\")", Map.of())).isEqualTo("gold");
    assertThat(eval("Length(\"switchboard\")", Map.of())).isEqualTo(11L);
    assertThat(eval("Replace(\"12-34 56\", \"-\", \"\")", Map.of())).isEqualTo("1234 56");
    assertThat(eval("Replace(\"abc\", \"\", \"x\")", Map.of())).isEqualTo("abc");
    assertThat(eval("Left(\"+13125550199\", 2)", Map.of())).isEqualTo("+1");
    assertThat(eval("Right(\"+13125550199\", 4)", Map.of())).isEqualTo("0199");
    assertThat(eval("Left(\"ab\", 5) + Right(\"ab\", 5)", Map.of())).isEqualTo("abab");
    assertThat(eval("StartsWith(\"+1312\", \"+1\") && EndsWith(\"+1312\", \"12\")", Map.of()))
        .isEqualTo(true);
    assertThat(eval("FindString(\"switchboard\", \"board\")", Map.of())).isEqualTo(6L);
    assertThat(eval("FindString(\"switchboard\", \"x\")", Map.of())).isEqualTo(-1L);
    assertThat(eval("Split(\"a,,b\", \",\")", Map.of())).isEqualTo(List.of("a", "", "b"));
    assertThat(eval("Count(Split(\"a,b,c\", \",\"))", Map.of())).isEqualTo(3L);
    assertThat(eval("Count(Flow.items)", Map.of())).isEqualTo(2L);
    assertThat(eval("GetAt(Flow.items, 1) + 40", Map.of())).isEqualTo(42L);
    assertThat(eval("AddSeconds(Now(), 90)", Map.of())).isEqualTo(NOW.plusSeconds(90));
    assertThat(eval("AddMinutes(Now(), -1)", Map.of())).isEqualTo(NOW.minusSeconds(60));
    assertThat(eval("AddHours(Now(), 2)", Map.of())).isEqualTo(NOW.plusSeconds(7200));
    assertThat(eval("AddDays(Now(), 1)", Map.of())).isEqualTo(NOW.plusSeconds(86_400));
    assertThat(eval("ToDateTime(\"2026-11-30T05:00:00+01:00\")", Map.of())).isEqualTo(NOW);
    assertThat(eval("ToDateTime(\"2026-11-30T04:00:00.000Z\") == Now()", Map.of())).isEqualTo(true);
  }

  @Test
  void archysFunctionsRefuseWhatTheyCannotDoWithTheirOwnReason() throws Exception {
    assertThatThrownBy(() -> eval("GetAt(Flow.items, 2)", Map.of()))
        .isInstanceOf(Expressions.EvaluationError.class)
        .hasMessage("GetAt: index 2 is outside a collection of 2");
    assertThatThrownBy(() -> eval("Left(\"ab\", -1)", Map.of()))
        .hasMessage("Left: the count -1 is negative");
    assertThatThrownBy(() -> eval("Split(\"ab\", \"\")", Map.of()))
        .hasMessage("Split: the separator is empty");
    assertThatThrownBy(() -> eval("ToDateTime(\"yesterday\")", Map.of()))
        .hasMessageContaining("ToDateTime cannot read 'yesterday'");
    assertThatThrownBy(() -> eval("AddDays(Now(), 9223372036854775807)", Map.of()))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> eval("ToInt(\"many\")", Map.of()))
        .hasMessage("ToInt cannot convert 'many'");
    // Bounded before it is built: 1,001 copies of a 100-character replacement.
    String a1001 = "a".repeat(1001);
    String b100 = "b".repeat(100);
    assertThatThrownBy(() -> eval("Replace(\"" + a1001 + "\", \"a\", \"" + b100 + "\")", Map.of()))
        .isInstanceOf(Expressions.EvaluationError.class)
        .hasMessage("Replace would build 100100 characters (at most 100000 characters)");
    assertThat(
            eval(
                "Length(Replace(\"" + "a".repeat(1000) + "\", \"a\", \"" + b100 + "\"))", Map.of()))
        .isEqualTo(100_000L);
  }

  @Test
  void whatOneEvaluationMakesIsBoundedWhateverItsSteps() throws Exception {
    // 21 strings of 200,000 characters from CEL's own +, each within a value's bound: 4.2 million
    // characters made in a few dozen steps and well within the time bound.
    String big = "a".repeat(100_000);
    var range = new StringBuilder("[0");
    for (int i = 1; i <= 20; i++) range.append(',').append(i);
    range.append(']');
    assertThatThrownBy(
            () -> eval(range + ".map(x, Task.tier + Task.tier).size()", Map.of("Task.tier", big)))
        .isInstanceOf(Expressions.EvaluationError.class)
        .hasMessage("the expression was stopped: its results passed 2000000 characters and items");
    // Referring to a large value costs nothing: it was counted where it was made.
    assertThat(eval(range + ".map(x, Task.tier).size()", Map.of("Task.tier", big))).isEqualTo(21L);
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
    assertThatThrownBy(() -> x.compile(cel, "Round(1.5)"))
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

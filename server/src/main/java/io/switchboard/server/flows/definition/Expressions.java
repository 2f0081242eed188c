package io.switchboard.server.flows.definition;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.Operator;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelMacro;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import io.switchboard.server.expressions.CelLimits;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Archy expressions ({@code exp:}) as CEL. Each flow version gets its own environment in which
 * every flow variable is declared under its dotted name ({@code Task.tier}, {@code Call.Ani}) with
 * its type, so a wrong type or an unknown variable is a compile error at publish. Archy's everyday
 * functions are CEL functions: {@code If, IsSet, IsNotSetOrEmpty, ToString, ToInt, ToDecimal,
 * Append, Substring, Contains, Now}. Cost is bounded: source length, parse depth, comprehension
 * iterations, and at run time the number of evaluated nodes and a time bound.
 */
public final class Expressions {
  /**
   * Tighter than response mappings' {@link CelLimits#DEFAULT}: a flow evaluates many expressions
   * per call within one deadline, and each is a small decision, not a mapping over an answer. Its
   * calls may make 2,000,000 characters and items in all: a value holds at most 100,000, and a
   * comprehension of 1,000 iterations could otherwise make a thousand of them.
   */
  public static final CelLimits LIMITS =
      new CelLimits(2000, 32, 1000, 100_000, Duration.ofMillis(100), 2_000_000);

  public static final List<String> FUNCTIONS =
      List.of(
          "If",
          "IsSet",
          "IsNotSetOrEmpty",
          "ToString",
          "ToInt",
          "ToDecimal",
          "Append",
          "Substring",
          "Contains",
          "Now",
          "Lower",
          "Upper",
          "Trim",
          "Length",
          "Replace",
          "Left",
          "Right",
          "StartsWith",
          "EndsWith",
          "FindString",
          "Split",
          "Count",
          "GetAt",
          "AddSeconds",
          "AddMinutes",
          "AddHours",
          "AddDays",
          "ToDateTime");

  /**
   * {@code If(c, a, b)} is CEL's {@code c ? a : b}: only the branch taken is evaluated, so {@code
   * If(IsSet(Task.n), Task.n + 1, 1)} works while Task.n is unset (as in Architect).
   */
  private static final CelMacro IF =
      CelMacro.newGlobalMacro(
          "If",
          3,
          (factory, target, args) ->
              Optional.of(factory.newGlobalCall(Operator.CONDITIONAL.getFunction(), args)));

  private final Clock clock;

  public Expressions(Clock clock) {
    this.clock = clock;
  }

  /** A compiled expression, ready to evaluate. */
  public record Compiled(CelRuntime.Program program, CelType type) {}

  /** A compile error with its position inside the expression (1-based; column 0 when unknown). */
  public static final class CompileError extends Exception {
    public final int line;
    public final int column;

    CompileError(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  /** Evaluation failed (a runtime error, or the cost bound was reached). */
  public static final class EvaluationError extends Exception {
    public EvaluationError(String message) {
      super(message, null, false, false);
    }
  }

  /** The environment of one flow version: its variables by dotted name. */
  public Cel environment(Map<String, VarType> variables) {
    var b =
        CelFactory.standardCelBuilder()
            .setOptions(LIMITS.options())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addMacros(IF)
            .addFunctionDeclarations(declarations())
            .addFunctionBindings(bindings());
    variables.forEach((name, type) -> b.addVar(name, type.celType()));
    return b.build();
  }

  public Compiled compile(Cel cel, String source) throws CompileError {
    if (source == null || source.isBlank()) throw new CompileError("the expression is empty", 1, 0);
    if (source.length() > LIMITS.maxExpressionChars())
      throw new CompileError(
          "the expression is longer than " + LIMITS.maxExpressionChars() + " characters", 1, 0);
    try {
      CelAbstractSyntaxTree ast = cel.compile(source).getAst();
      return new Compiled(cel.createProgram(ast), ast.getResultType());
    } catch (CelValidationException e) {
      CelIssue first = e.getErrors().isEmpty() ? null : e.getErrors().get(0);
      String message = first != null ? first.getMessage() : firstLine(e.getMessage());
      int line = first == null ? 1 : Math.max(1, first.getSourceLocation().getLine());
      int column = first == null ? 0 : first.getSourceLocation().getColumn() + 1;
      throw new CompileError(message, line, column);
    } catch (dev.cel.common.CelException e) {
      throw new CompileError(firstLine(e.getMessage()), 1, 0);
    }
  }

  /**
   * Evaluates with the variables' current values (unset ones are CEL null), within {@link #LIMITS}
   * and {@code deadlineNanos}.
   */
  public Object evaluate(Compiled c, Map<String, Object> variables, long deadlineNanos)
      throws EvaluationError {
    try {
      return LIMITS.evaluate(c.program(), variables, deadlineNanos);
    } catch (CelLimits.Stopped e) {
      throw new EvaluationError("the expression was stopped: " + e.getMessage());
    } catch (CelEvaluationException e) {
      throw new EvaluationError(firstLine(functionFailure(e)));
    } catch (RuntimeException e) {
      throw new EvaluationError(
          e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage()));
    }
  }

  /**
   * An Archy function's own reason ("ToInt cannot convert 'x'"), where CEL's message would name the
   * function's overload and repeat its arguments.
   */
  private static String functionFailure(CelEvaluationException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause())
      if (c instanceof IllegalArgumentException && c.getMessage() != null) return c.getMessage();
    return e.getMessage();
  }

  public static boolean isSet(Object v) {
    return v != null && !(v instanceof NullValue) && !(v instanceof com.google.protobuf.NullValue);
  }

  private static List<CelFunctionDecl> declarations() {
    var t = TypeParamType.create("T");
    var decls = new ArrayList<CelFunctionDecl>();
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "IsSet",
            CelOverloadDecl.newGlobalOverload("archy_isset", SimpleType.BOOL, SimpleType.DYN)));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "IsNotSetOrEmpty",
            CelOverloadDecl.newGlobalOverload(
                "archy_isnotsetorempty", SimpleType.BOOL, SimpleType.DYN)));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "ToString",
            CelOverloadDecl.newGlobalOverload(
                "archy_tostring", SimpleType.STRING, SimpleType.DYN)));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "ToInt",
            CelOverloadDecl.newGlobalOverload("archy_toint", SimpleType.INT, SimpleType.DYN)));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "ToDecimal",
            CelOverloadDecl.newGlobalOverload(
                "archy_todecimal", SimpleType.DOUBLE, SimpleType.DYN)));
    var appends = new ArrayList<CelOverloadDecl>();
    for (int n = 2; n <= 6; n++)
      appends.add(
          CelOverloadDecl.newGlobalOverload(
              "archy_append_" + n,
              SimpleType.STRING,
              java.util.Collections.nCopies(n, (CelType) SimpleType.STRING)));
    decls.add(CelFunctionDecl.newFunctionDeclaration("Append", appends));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "Substring",
            CelOverloadDecl.newGlobalOverload(
                "archy_substring",
                SimpleType.STRING,
                SimpleType.STRING,
                SimpleType.INT,
                SimpleType.INT)));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "Contains",
            CelOverloadDecl.newGlobalOverload(
                "archy_contains_string", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING),
            CelOverloadDecl.newGlobalOverload(
                "archy_contains_list", SimpleType.BOOL, ListType.create(t), t)));
    decls.add(
        CelFunctionDecl.newFunctionDeclaration(
            "Now", CelOverloadDecl.newGlobalOverload("archy_now", SimpleType.TIMESTAMP)));
    CelType str = SimpleType.STRING;
    CelType integer = SimpleType.INT;
    CelType time = SimpleType.TIMESTAMP;
    decls.add(function("Lower", "archy_lower", str, str));
    decls.add(function("Upper", "archy_upper", str, str));
    decls.add(function("Trim", "archy_trim", str, str));
    decls.add(function("Length", "archy_length", integer, str));
    decls.add(function("Replace", "archy_replace", str, str, str, str));
    decls.add(function("Left", "archy_left", str, str, integer));
    decls.add(function("Right", "archy_right", str, str, integer));
    decls.add(function("StartsWith", "archy_startswith", SimpleType.BOOL, str, str));
    decls.add(function("EndsWith", "archy_endswith", SimpleType.BOOL, str, str));
    decls.add(function("FindString", "archy_findstring", integer, str, str));
    decls.add(function("Split", "archy_split", ListType.create(str), str, str));
    decls.add(function("Count", "archy_count", integer, ListType.create(t)));
    decls.add(function("GetAt", "archy_getat", t, ListType.create(t), integer));
    for (String unit : TIME_UNITS.keySet())
      decls.add(function("Add" + unit, "archy_add" + unit.toLowerCase(), time, time, integer));
    decls.add(function("ToDateTime", "archy_todatetime", time, str));
    return decls;
  }

  private static CelFunctionDecl function(
      String name, String overload, CelType result, CelType... params) {
    return CelFunctionDecl.newFunctionDeclaration(
        name, CelOverloadDecl.newGlobalOverload(overload, result, List.of(params)));
  }

  /** The units of Archy's AddSeconds, AddMinutes, AddHours and AddDays. */
  private static final Map<String, ChronoUnit> TIME_UNITS =
      new java.util.LinkedHashMap<>(
          Map.of(
              "Seconds",
              ChronoUnit.SECONDS,
              "Minutes",
              ChronoUnit.MINUTES,
              "Hours",
              ChronoUnit.HOURS,
              "Days",
              ChronoUnit.DAYS));

  private List<CelFunctionBinding> bindings() {
    var b = new ArrayList<CelFunctionBinding>();
    b.add(CelFunctionBinding.from("archy_isset", Object.class, Expressions::isSet));
    b.add(
        CelFunctionBinding.from(
            "archy_isnotsetorempty",
            Object.class,
            v ->
                !isSet(v)
                    || (v instanceof String s && s.isEmpty())
                    || (v instanceof Collection<?> c && c.isEmpty())
                    || (v instanceof Map<?, ?> m && m.isEmpty())));
    b.add(
        CelFunctionBinding.from(
            "archy_tostring",
            Object.class,
            v ->
                !isSet(v)
                    ? ""
                    : v instanceof java.time.Instant i ? VarType.text(i) : String.valueOf(v)));
    b.add(
        CelFunctionBinding.from(
            "archy_toint",
            Object.class,
            v -> {
              try {
                return switch (v) {
                  case Long l -> l;
                  case Double d -> (long) d.doubleValue();
                  case Boolean bool -> bool ? 1L : 0L;
                  case String s -> new BigDecimal(s.trim()).longValueExact();
                  default ->
                      throw new IllegalArgumentException("ToInt cannot convert " + describe(v));
                };
              } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("ToInt cannot convert '" + v + "'");
              }
            }));
    b.add(
        CelFunctionBinding.from(
            "archy_todecimal",
            Object.class,
            v -> {
              try {
                return switch (v) {
                  case Long l -> l.doubleValue();
                  case Double d -> d;
                  case String s -> Double.parseDouble(s.trim());
                  default ->
                      throw new IllegalArgumentException("ToDecimal cannot convert " + describe(v));
                };
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ToDecimal cannot convert '" + v + "'");
              }
            }));
    for (int n = 2; n <= 6; n++) {
      b.add(
          CelFunctionBinding.from(
              "archy_append_" + n,
              java.util.Collections.nCopies(n, String.class),
              a -> {
                long length = 0;
                for (Object o : a) length += ((String) o).length();
                requireWithinBound("Append", length);
                var sb = new StringBuilder((int) length);
                for (Object o : a) sb.append((String) o);
                return sb.toString();
              }));
    }
    b.add(
        CelFunctionBinding.from(
            "archy_substring",
            List.of(String.class, Long.class, Long.class),
            a -> {
              String s = (String) a[0];
              long start = (Long) a[1];
              long length = (Long) a[2];
              if (start < 0 || length < 0 || start > s.length())
                throw new IllegalArgumentException(
                    "Substring: start "
                        + start
                        + " and length "
                        + length
                        + " do not fit a string of "
                        + s.length());
              return s.substring((int) start, (int) Math.min(s.length(), start + length));
            }));
    b.add(
        CelFunctionBinding.from(
            "archy_contains_string", String.class, String.class, String::contains));
    b.add(CelFunctionBinding.from("archy_contains_list", List.class, Object.class, List::contains));
    // Milliseconds, as every date on the wire: a value read back from JSON compares equal.
    b.add(
        CelFunctionBinding.from(
            "archy_now", List.of(), a -> clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    b.add(CelFunctionBinding.from("archy_lower", String.class, s -> s.toLowerCase(Locale.ROOT)));
    b.add(CelFunctionBinding.from("archy_upper", String.class, s -> s.toUpperCase(Locale.ROOT)));
    b.add(CelFunctionBinding.from("archy_trim", String.class, String::strip));
    b.add(CelFunctionBinding.from("archy_length", String.class, s -> (long) s.length()));
    b.add(
        CelFunctionBinding.from(
            "archy_replace",
            List.of(String.class, String.class, String.class),
            a -> replace((String) a[0], (String) a[1], (String) a[2])));
    b.add(
        CelFunctionBinding.from(
            "archy_left",
            String.class,
            Long.class,
            (s, n) -> s.substring(0, (int) Math.min(s.length(), count("Left", n)))));
    b.add(
        CelFunctionBinding.from(
            "archy_right",
            String.class,
            Long.class,
            (s, n) -> s.substring(s.length() - (int) Math.min(s.length(), count("Right", n)))));
    b.add(
        CelFunctionBinding.from(
            "archy_startswith", String.class, String.class, String::startsWith));
    b.add(CelFunctionBinding.from("archy_endswith", String.class, String.class, String::endsWith));
    b.add(
        CelFunctionBinding.from(
            "archy_findstring", String.class, String.class, (s, f) -> (long) s.indexOf(f)));
    b.add(CelFunctionBinding.from("archy_split", String.class, String.class, Expressions::split));
    b.add(CelFunctionBinding.from("archy_count", List.class, l -> (long) l.size()));
    b.add(
        CelFunctionBinding.from(
            "archy_getat",
            List.class,
            Long.class,
            (l, i) -> {
              if (i < 0 || i >= l.size())
                throw new IllegalArgumentException(
                    "GetAt: index " + i + " is outside a collection of " + l.size());
              return l.get(i.intValue());
            }));
    TIME_UNITS.forEach((unit, chrono) ->
        b.add(
            CelFunctionBinding.from(
                "archy_add" + unit.toLowerCase(),
                Object.class,
                Long.class,
                (t, n) -> {
                  try {
                    return instant("Add" + unit, t).plus(n, chrono);
                  } catch (java.time.DateTimeException | ArithmeticException e) {
                    throw new IllegalArgumentException(
                        "Add" + unit + ": " + n + " " + unit.toLowerCase() + " is out of range");
                  }
                })));
    b.add(
        CelFunctionBinding.from(
            "archy_todatetime",
            String.class,
            s -> {
              try {
                return java.time.OffsetDateTime.parse(s.strip()).toInstant();
              } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(
                    "ToDateTime cannot read '"
                        + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
                        + "' as an ISO-8601 date and time");
              }
            }));
    return b;
  }

  /** A count argument of Left and Right: not negative. */
  private static long count(String function, long n) {
    if (n < 0) throw new IllegalArgumentException(function + ": the count " + n + " is negative");
    return n;
  }

  /** Every {@code find} replaced; an empty one changes nothing. Bounded before it is built. */
  static String replace(String s, String find, String with) {
    if (find.isEmpty()) return s;
    long found = 0;
    for (int i = s.indexOf(find); i >= 0; i = s.indexOf(find, i + find.length())) found++;
    requireWithinBound("Replace", s.length() + found * (with.length() - find.length()));
    return s.replace(find, with);
  }

  /**
   * Archy's Split: the parts between separators, empty ones kept; an empty separator is refused.
   */
  static List<String> split(String s, String separator) {
    if (separator.isEmpty()) throw new IllegalArgumentException("Split: the separator is empty");
    var parts = new ArrayList<String>();
    int from = 0;
    for (int i = s.indexOf(separator); i >= 0; i = s.indexOf(separator, from)) {
      parts.add(s.substring(from, i));
      from = i + separator.length();
    }
    parts.add(s.substring(from));
    return parts;
  }

  /** A CEL timestamp as the runtime hands it over: an Instant, or protobuf's Timestamp. */
  private static java.time.Instant instant(String function, Object t) {
    return switch (t) {
      case java.time.Instant i -> i;
      case com.google.protobuf.Timestamp ts ->
          java.time.Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
      default ->
          throw new IllegalArgumentException(function + " needs a dateTime, got " + describe(t));
    };
  }

  /** The most characters a string function builds: the most a variable holds. */
  public static final int MAX_STRING_CHARS = 100_000;

  private static void requireWithinBound(String function, long length) {
    if (length > MAX_STRING_CHARS)
      throw new IllegalArgumentException(
          function
              + " would build "
              + length
              + " characters (at most "
              + MAX_STRING_CHARS
              + " characters)");
  }

  private static String describe(Object v) {
    return isSet(v) ? v.getClass().getSimpleName() : "NOT_SET";
  }

  static String firstLine(String s) {
    if (s == null) return "error";
    String l = s.split("\n", 2)[0];
    return l.length() > 300 ? l.substring(0, 300) : l;
  }
}

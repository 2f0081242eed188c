package io.switchboard.server.externalapis;

import com.google.protobuf.ByteString;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.expressions.CelLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps a JSON response to named outputs. An output starting with {@code $} is a path ({@code
 * $.a.b}, {@code $.items[0]}, {@code $['odd key']}); anything else is a CEL expression over {@code
 * body} (the parsed JSON), {@code status} (int) and {@code headers} (lower-case names to the first
 * value). Both are checked when the external API is saved, so a bad mapping is a 400 naming the
 * output, not a failure at run time. Compiled mappings are cached per external API version.
 */
public final class ResponseMapper {
  static final int MAX_OUTPUTS = 100;
  static final int MAX_EXPRESSION_CHARS = CelLimits.DEFAULT.maxExpressionChars();
  private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
  private static final Pattern PATH_STEP =
      Pattern.compile("\\.([A-Za-z_$][A-Za-z0-9_$-]*)|\\[(\\d{1,6})]|\\['((?:[^'\\\\]|\\\\.)*)']");

  private final Cel cel =
      CelFactory.standardCelBuilder()
          .setOptions(CelLimits.DEFAULT.options())
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("body", SimpleType.DYN)
          .addVar("status", SimpleType.INT)
          .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING))
          .build();
  private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

  /** One output's compiled reader. */
  private sealed interface Reader permits PathReader, CelReader {}

  private record PathReader(String source, List<Object> steps) implements Reader {}

  private record CelReader(String source, CelRuntime.Program program) implements Reader {}

  private record Compiled(long version, Map<String, Reader> outputs) {}

  /** The mapping could not produce its outputs from this response. */
  public static final class MappingFailure extends Exception {
    private final boolean budgetExceeded;

    public MappingFailure(String message) {
      this(message, false);
    }

    MappingFailure(String message, boolean budgetExceeded) {
      super(message, null, false, false);
      this.budgetExceeded = budgetExceeded;
    }

    /** True when the mapping was stopped because the call's time budget ran out. */
    public boolean budgetExceeded() {
      return budgetExceeded;
    }
  }

  /** Validates a mapping; a 400 names the first bad output. */
  public void check(ExternalApi.ResponseMapping mapping) {
    compile(mapping);
  }

  /**
   * The outputs for {@code api}'s mapping applied to one response, with no deadline but CEL's own
   * limits.
   */
  public ObjectNode map(ExternalApi api, int status, Map<String, String> headers, JsonNode body)
      throws MappingFailure {
    return map(
        api,
        status,
        headers,
        body,
        System.nanoTime() + java.util.concurrent.TimeUnit.DAYS.toNanos(1));
  }

  /**
   * The outputs for {@code api}'s mapping applied to one response. Mapping counts against the
   * call's budget: expressions still running at {@code deadlineNanos} (a {@link System#nanoTime}
   * value) are stopped.
   */
  public ObjectNode map(
      ExternalApi api, int status, Map<String, String> headers, JsonNode body, long deadlineNanos)
      throws MappingFailure {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (api.responseMapping() == null || api.responseMapping().outputs() == null) return out;
    Compiled compiled =
        cache.compute(
            api.id(),
            (id, old) ->
                old != null && old.version() == api.version()
                    ? old
                    : new Compiled(api.version(), compile(api.responseMapping())));
    Map<String, Object> celVars = null;
    // All outputs together: the earlier of the call's deadline and CEL's own cap.
    long deadline = CelLimits.DEFAULT.deadline(deadlineNanos);
    for (var e : compiled.outputs().entrySet()) {
      switch (e.getValue()) {
        case PathReader p -> out.set(e.getKey(), follow(e.getKey(), p, body));
        case CelReader c -> {
          if (celVars == null)
            celVars = Map.of("body", toCel(body), "status", (long) status, "headers", headers);
          try {
            out.set(e.getKey(), fromCel(CelLimits.eval(c.program(), celVars, deadline)));
          } catch (CelEvaluationException ex) {
            throw new MappingFailure("output " + e.getKey() + ": " + firstLine(ex.getMessage()));
          } catch (CelLimits.DeadlineExceeded ex) {
            throw new MappingFailure("output " + e.getKey() + ": " + ex.getMessage(), true);
          }
        }
      }
    }
    return out;
  }

  void forget(String apiId) {
    cache.remove(apiId);
  }

  private Map<String, Reader> compile(ExternalApi.ResponseMapping mapping) {
    var readers = new LinkedHashMap<String, Reader>();
    if (mapping == null || mapping.outputs() == null) return readers;
    if (mapping.outputs().size() > MAX_OUTPUTS)
      throw Problem.invalid(
          "responseMapping.outputs", "must hold at most " + MAX_OUTPUTS + " outputs");
    for (var e : mapping.outputs().entrySet()) {
      String field = "responseMapping.outputs." + e.getKey();
      if (!OUTPUT_NAME.matcher(e.getKey()).matches())
        throw Problem.invalid(
            field,
            "an output name is a letter or _ followed by letters, digits or _ (at most 100)");
      String source = e.getValue();
      if (source == null || source.isBlank())
        throw Problem.invalid(field, "needs a path ($.a.b) or a CEL expression");
      if (source.length() > MAX_EXPRESSION_CHARS)
        throw Problem.invalid(field, "must be at most " + MAX_EXPRESSION_CHARS + " characters");
      readers.put(
          e.getKey(), source.startsWith("$") ? path(field, source) : expression(field, source));
    }
    return readers;
  }

  private static PathReader path(String field, String source) {
    var steps = new ArrayList<Object>();
    var m = PATH_STEP.matcher(source);
    int at = 1;
    while (at < source.length()) {
      if (!m.find(at) || m.start() != at)
        throw Problem.invalid(
            field,
            "is not a valid path at character "
                + (at + 1)
                + "; use $.name, $.list[0] or $['odd name']");
      if (m.group(1) != null) steps.add(m.group(1));
      else if (m.group(2) != null) steps.add(Integer.parseInt(m.group(2)));
      else steps.add(m.group(3).replaceAll("\\\\(.)", "$1"));
      at = m.end();
    }
    return new PathReader(source, List.copyOf(steps));
  }

  private CelReader expression(String field, String source) {
    try {
      CelAbstractSyntaxTree ast = cel.compile(source).getAst();
      return new CelReader(source, cel.createProgram(ast));
    } catch (CelValidationException e) {
      throw Problem.invalid(field, "is not a valid CEL expression: " + firstLine(e.getMessage()));
    } catch (dev.cel.common.CelException e) {
      throw Problem.invalid(field, "is not a valid CEL expression: " + firstLine(e.getMessage()));
    }
  }

  private static JsonNode follow(String output, PathReader p, JsonNode body) throws MappingFailure {
    JsonNode node = body;
    for (Object step : p.steps()) {
      node =
          step instanceof Integer i
              ? (node.isArray() ? node.get(i) : null)
              : (node.isObject() ? node.get((String) step) : null);
      if (node == null)
        throw new MappingFailure(
            "output " + output + ": " + p.source() + " is not in the response");
    }
    return node;
  }

  /** JSON to the values CEL knows: maps, lists, int64, double, string, bool, null. */
  private static Object toCel(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return NullValue.NULL_VALUE;
    if (n.isObject()) {
      var m = new LinkedHashMap<String, Object>();
      for (var e : n.properties()) m.put(e.getKey(), toCel(e.getValue()));
      return m;
    }
    if (n.isArray()) {
      var l = new ArrayList<Object>(n.size());
      for (JsonNode item : n) l.add(toCel(item));
      return l;
    }
    if (n.isBoolean()) return n.booleanValue();
    if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
    if (n.isNumber()) return n.doubleValue();
    return n.asString();
  }

  private static JsonNode fromCel(Object v) {
    var f = JsonNodeFactory.instance;
    return switch (v) {
      case null -> f.nullNode();
      case NullValue ignored -> f.nullNode();
      case com.google.protobuf.NullValue ignored -> f.nullNode();
      case Boolean b -> f.booleanNode(b);
      case Long l -> f.numberNode(l);
      case Integer i -> f.numberNode(i);
      case Double d -> f.numberNode(d);
      case String s -> f.stringNode(s);
      case ByteString b ->
          f.stringNode(java.util.Base64.getEncoder().encodeToString(b.toByteArray()));
      case Map<?, ?> m -> {
        ObjectNode o = f.objectNode();
        m.forEach((k, val) -> o.set(String.valueOf(k), fromCel(val)));
        yield o;
      }
      case List<?> l -> {
        var a = f.arrayNode();
        l.forEach(item -> a.add(fromCel(item)));
        yield a;
      }
      default -> f.stringNode(v.toString());
    };
  }

  private static String firstLine(String s) {
    if (s == null) return "error";
    String line = s.split("\n", 2)[0];
    return line.length() > 300 ? line.substring(0, 300) : line;
  }
}

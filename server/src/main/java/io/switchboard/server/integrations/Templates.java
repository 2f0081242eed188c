package io.switchboard.server.integrations;

import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.IncludeEventHandler;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;
import org.apache.velocity.context.InternalContextAdapter;
import org.apache.velocity.exception.MethodInvocationException;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.TemplateInitException;
import org.apache.velocity.exception.VelocityException;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.RuntimeInstance;
import org.apache.velocity.runtime.directive.Foreach;
import org.apache.velocity.runtime.parser.node.Node;
import org.apache.velocity.util.introspection.Info;
import org.apache.velocity.util.introspection.SecureUberspector;
import org.apache.velocity.util.introspection.VelMethod;
import org.apache.velocity.util.introspection.VelPropertyGet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Apache Velocity, sandboxed, for the templates of Genesys data actions ({@code
 * requestUrlTemplate}, header values, {@code requestTemplate}, {@code successTemplate}).
 *
 * <p>A template sees only plain data (maps, lists, strings, numbers, booleans built from JSON) and
 * the helper objects Genesys documents ({@code $esc}, {@code $math}, {@code
 * $successTemplateUtils}). The sandbox:
 *
 * <ul>
 *   <li>{@link Sandbox}: a {@link SecureUberspector} that, beyond refusing reflection and class
 *       access, lets a template call only an allow-list of methods (the helpers' own, a few of
 *       {@code String}, {@code Map} and {@code List}); property access only on maps. {@code
 *       $input.getClass().forName(...)} renders nothing callable.
 *   <li>No resource loading: {@code #parse} and {@code #include} are refused (no loader is
 *       configured and the include handler answers nothing).
 *   <li>Bounded: template at most {@link #MAX_TEMPLATE_CHARS}; at most {@link #MAX_ITERATIONS}
 *       {@code #foreach} iterations per render, all loops together; ranges are lazy; macros nest at
 *       most 20 deep; every inserted value and the output at most {@link #MAX_OUTPUT_CHARS}; the
 *       render's deadline is checked at every iteration and insertion.
 * </ul>
 */
public final class Templates {
  public static final int MAX_TEMPLATE_CHARS = 64 * 1024;
  public static final int MAX_OUTPUT_CHARS = 1024 * 1024;
  public static final int MAX_ITERATIONS = 10_000;
  private static final String BUDGET_KEY = "_switchboard_budget";

  /** A template that failed: did not parse, exceeded a bound, or called something refused. */
  public static final class TemplateFailure extends RuntimeException {
    TemplateFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final RuntimeInstance velocity = new RuntimeInstance();
  private final JsonMapper json;

  public Templates(JsonMapper json) {
    this.json = json;
    var p = new Properties();
    p.setProperty(RuntimeConstants.UBERSPECT_CLASSNAME, Sandbox.class.getName());
    p.setProperty(RuntimeConstants.RESOURCE_LOADERS, "none");
    p.setProperty("resource.loader.none.class", NoResources.class.getName());
    p.setProperty(RuntimeConstants.CUSTOM_DIRECTIVES, BoundedForeach.class.getName());
    // Velocity would stop a loop silently at its bound; ours fails the render instead.
    p.setProperty(RuntimeConstants.MAX_NUMBER_LOOPS, Integer.toString(MAX_ITERATIONS + 1));
    p.setProperty(RuntimeConstants.VM_MAX_DEPTH, "20");
    p.setProperty(RuntimeConstants.DEFINE_DIRECTIVE_MAXDEPTH, "20");
    p.setProperty(RuntimeConstants.PARSE_DIRECTIVE_MAXDEPTH, "1");
    p.setProperty(RuntimeConstants.IMMUTABLE_RANGES, "true");
    p.setProperty(RuntimeConstants.SPACE_GOBBLING, "lines");
    velocity.init(p);
  }

  /** Checks that {@code template} parses; the message names the line and column otherwise. */
  public void check(String field, String template) {
    if (template == null) return;
    if (template.length() > MAX_TEMPLATE_CHARS)
      throw new TemplateFailure(field + " is longer than " + MAX_TEMPLATE_CHARS + " characters");
    try {
      velocity.parse(new StringReader(template), new org.apache.velocity.Template());
    } catch (org.apache.velocity.runtime.parser.ParseException e) {
      throw new TemplateFailure(field + " is not a valid Velocity template: " + firstLine(e));
    }
  }

  /**
   * Renders {@code template} with {@code variables} (see {@link #toVelocity}) until {@code
   * deadlineNanos}.
   */
  public String render(
      String field, String template, Map<String, Object> variables, long deadlineNanos) {
    if (template == null) return null;
    if (template.length() > MAX_TEMPLATE_CHARS)
      throw new TemplateFailure(field + " is longer than " + MAX_TEMPLATE_CHARS + " characters");
    var context = new VelocityContext();
    variables.forEach(context::put);
    context.put("esc", new Esc());
    context.put("math", new MathTool());
    context.put("successTemplateUtils", new SuccessTemplateUtils(json));
    var budget = new Budget(deadlineNanos);
    context.put(BUDGET_KEY, budget);
    var events = new EventCartridge();
    events.addReferenceInsertionEventHandler(budget);
    events.addIncludeEventHandler(budget);
    events.attachToContext(context);
    var out = new BoundedWriter();
    try {
      velocity.evaluate(context, out, field, template);
    } catch (Bound e) {
      throw new TemplateFailure(field + ": " + e.getMessage());
    } catch (ParseErrorException e) {
      throw new TemplateFailure(field + " is not a valid Velocity template: " + firstLine(e));
    } catch (MethodInvocationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof Bound b) throw new TemplateFailure(field + ": " + b.getMessage());
      throw new TemplateFailure(field + ": a helper failed: " + firstLine(cause));
    } catch (TemplateInitException e) {
      throw new TemplateFailure(field + " could not be prepared: " + firstLine(e));
    } catch (VelocityException e) {
      if (e.getCause() instanceof Bound b) throw new TemplateFailure(field + ": " + b.getMessage());
      throw new TemplateFailure(field + " failed: " + firstLine(e));
    } catch (StackOverflowError e) {
      throw new TemplateFailure(field + ": the template nests too deeply");
    }
    return out.toString();
  }

  /** A JSON value turned into what a template sees: maps, lists, strings, numbers, booleans. */
  public Object toVelocity(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (node.isObject()) {
      var m = new LinkedHashMap<String, Object>();
      for (var e : node.properties()) m.put(e.getKey(), toVelocity(e.getValue()));
      return m;
    }
    if (node.isArray()) {
      var l = new ArrayList<Object>();
      for (JsonNode n : node) l.add(toVelocity(n));
      return l;
    }
    if (node.isTextual()) return node.asString();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isIntegralNumber())
      return node.canConvertToLong() ? node.longValue() : node.bigIntegerValue();
    if (node.isNumber()) return node.decimalValue();
    return node.toString();
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  /** A bound was hit; unchecked so it passes through Velocity's own frames. */
  static final class Bound extends RuntimeException {
    Bound(String message) {
      super(message, null, false, false);
    }
  }

  /** Per render: the deadline and the shared iteration count. */
  static final class Budget implements ReferenceInsertionEventHandler, IncludeEventHandler {
    final long deadlineNanos;
    int iterations;

    Budget(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    void iteration() {
      if (++iterations > MAX_ITERATIONS)
        throw new Bound("more than " + MAX_ITERATIONS + " #foreach iterations");
      checkTime();
    }

    void checkTime() {
      if (System.nanoTime() - deadlineNanos > 0)
        throw new Bound("rendering did not finish within the time left");
    }

    @Override
    public Object referenceInsert(
        org.apache.velocity.context.Context context, String reference, Object value) {
      checkTime();
      if (value != null && value.toString().length() > MAX_OUTPUT_CHARS)
        throw new Bound("a value longer than " + MAX_OUTPUT_CHARS + " characters");
      return value;
    }

    @Override
    public String includeEvent(
        org.apache.velocity.context.Context context,
        String includeResourcePath,
        String currentResourcePath,
        String directiveName) {
      throw new Bound("#" + directiveName + " is not available in data action templates");
    }
  }

  /** The only resource loader: it finds nothing, so no template can read a file or a class. */
  public static final class NoResources
      extends org.apache.velocity.runtime.resource.loader.ResourceLoader {
    @Override
    public void init(org.apache.velocity.util.ExtProperties configuration) {}

    @Override
    public java.io.Reader getResourceReader(String source, String encoding) {
      throw new org.apache.velocity.exception.ResourceNotFoundException(
          "templates cannot load resources");
    }

    @Override
    public boolean isSourceModified(org.apache.velocity.runtime.resource.Resource resource) {
      return false;
    }

    @Override
    public long getLastModified(org.apache.velocity.runtime.resource.Resource resource) {
      return 0;
    }
  }

  /** {@code #foreach} that counts every iteration of every loop against the render's budget. */
  public static final class BoundedForeach extends Foreach {
    @Override
    protected void renderBlock(InternalContextAdapter context, Writer writer, Node node)
        throws IOException {
      if (context.get(BUDGET_KEY) instanceof Budget b) b.iteration();
      super.renderBlock(context, writer, node);
    }
  }

  private static final class BoundedWriter extends Writer {
    private final StringBuilder out = new StringBuilder();

    @Override
    public void write(char[] buf, int off, int len) {
      if (out.length() + len > MAX_OUTPUT_CHARS)
        throw new Bound("the output is longer than " + MAX_OUTPUT_CHARS + " characters");
      out.append(buf, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
      if (out.length() + len > MAX_OUTPUT_CHARS)
        throw new Bound("the output is longer than " + MAX_OUTPUT_CHARS + " characters");
      out.append(s, off, off + len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return out.toString();
    }
  }

  /**
   * The allow-list: the helpers' methods, a few side-effect-free methods of strings, maps, lists
   * and numbers; property access ({@code $a.b}) on maps only. Everything else is not found, as if
   * it did not exist (Velocity then renders the reference literally).
   */
  public static final class Sandbox extends SecureUberspector {
    private static final Set<String> STRING =
        Set.of(
            "length",
            "isEmpty",
            "toLowerCase",
            "toUpperCase",
            "trim",
            "strip",
            "substring",
            "contains",
            "startsWith",
            "endsWith",
            "indexOf",
            "lastIndexOf",
            "equals",
            "equalsIgnoreCase",
            "charAt",
            "toString",
            "isBlank");
    private static final Set<String> MAP =
        Set.of("get", "containsKey", "size", "isEmpty", "keySet", "values", "entrySet", "toString");
    private static final Set<String> LIST =
        Set.of("get", "size", "isEmpty", "contains", "toString");
    private static final Set<String> NUMBER =
        Set.of("intValue", "longValue", "doubleValue", "toString", "equals", "compareTo");
    private static final Set<String> ENTRY = Set.of("getKey", "getValue");

    static boolean allowed(Object target, String method) {
      if (target instanceof Esc
          || target instanceof MathTool
          || target instanceof SuccessTemplateUtils) return !method.equals("getClass");
      if (target instanceof String) return STRING.contains(method);
      if (target instanceof Map) return MAP.contains(method);
      if (target instanceof Map.Entry) return ENTRY.contains(method);
      if (target instanceof List) return LIST.contains(method);
      if (target instanceof Number || target instanceof Boolean) return NUMBER.contains(method);
      return false;
    }

    @Override
    public VelMethod getMethod(Object obj, String methodName, Object[] args, Info i) {
      if (obj == null || !allowed(obj, methodName)) return null;
      return super.getMethod(obj, methodName, args, i);
    }

    @Override
    public VelPropertyGet getPropertyGet(Object obj, String identifier, Info i) {
      // $foreach.hasNext, $foreach.index...: Velocity's own loop scope, read by its getters.
      if (obj instanceof org.apache.velocity.runtime.directive.Scope)
        return super.getPropertyGet(obj, identifier, i);
      // On data, $a.b is the entry b and nothing else (not getClass(), not isEmpty()).
      if (obj instanceof Map) return new MapEntryGet(identifier);
      if (obj instanceof List && (identifier.equals("size") || identifier.equals("empty")))
        return super.getPropertyGet(obj, identifier, i);
      if (obj instanceof Map.Entry && (identifier.equals("key") || identifier.equals("value")))
        return super.getPropertyGet(obj, identifier, i);
      return null;
    }

    @Override
    public org.apache.velocity.util.introspection.VelPropertySet getPropertySet(
        Object obj, String identifier, Object arg, Info i) {
      return null;
    }
  }

  /** {@code $map.key}: the map's entry, never a bean getter of the map object. */
  private record MapEntryGet(String key) implements VelPropertyGet {
    @Override
    public Object invoke(Object o) {
      return o instanceof Map<?, ?> m ? m.get(key) : null;
    }

    @Override
    public boolean isCacheable() {
      return true;
    }

    @Override
    public String getMethodName() {
      return "get";
    }
  }

  /** {@code $esc}: Genesys's string-escaping helpers. */
  public static final class Esc {
    /** The text escaped for use inside a JSON string (without the surrounding quotes). */
    public String jsonString(Object o) {
      if (o == null) return null;
      String s = o.toString();
      var b = new StringBuilder(s.length() + 8);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          case '\b' -> b.append("\\b");
          case '\f' -> b.append("\\f");
          case '/' -> b.append("\\/");
          default -> {
            if (c < 0x20 || c == '\u2028' || c == '\u2029')
              b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
          }
        }
      }
      return b.toString();
    }

    /** Alias of {@link #jsonString}. */
    public String json(Object o) {
      return jsonString(o);
    }

    /** URL form encoding (spaces as {@code +}), as Velocity's EscapeTool. */
    public String url(Object o) {
      return o == null ? null : URLEncoder.encode(o.toString(), StandardCharsets.UTF_8);
    }

    public String urlFormEncode(Object o) {
      return url(o);
    }

    /** Percent-encoding for a path segment or query value (spaces as {@code %20}). */
    public String uriEncode(Object o) {
      return o == null ? null : url(o).replace("+", "%20");
    }

    public String html(Object o) {
      if (o == null) return null;
      return o.toString()
          .replace("&", "&amp;")
          .replace("<", "&lt;")
          .replace(">", "&gt;")
          .replace("\"", "&quot;")
          .replace("'", "&#39;");
    }

    public String xml(Object o) {
      if (o == null) return null;
      return html(o).replace("&#39;", "&apos;");
    }

    public String getD() {
      return "$";
    }

    public String getH() {
      return "#";
    }

    public String getQuote() {
      return "\"";
    }
  }

  /** {@code $math}: the basic arithmetic of Velocity's MathTool; null for a non-number. */
  public static final class MathTool {
    private static BigDecimal num(Object o) {
      if (o == null) return null;
      try {
        return new BigDecimal(o.toString().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static Number out(BigDecimal d) {
      if (d == null) return null;
      BigDecimal s = d.stripTrailingZeros();
      if (s.scale() <= 0 && s.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0)
        return s.longValueExact();
      return d.doubleValue();
    }

    public Number add(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      return x == null || y == null ? null : out(x.add(y));
    }

    public Number sub(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      return x == null || y == null ? null : out(x.subtract(y));
    }

    public Number mul(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      return x == null || y == null ? null : out(x.multiply(y));
    }

    public Number div(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      if (x == null || y == null || y.signum() == 0) return null;
      return out(x.divide(y, 10, RoundingMode.HALF_UP));
    }

    public Number mod(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      if (x == null || y == null || y.signum() == 0) return null;
      return out(x.remainder(y));
    }

    public Number max(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      return x == null || y == null ? null : out(x.max(y));
    }

    public Number min(Object a, Object b) {
      BigDecimal x = num(a), y = num(b);
      return x == null || y == null ? null : out(x.min(y));
    }

    public Number abs(Object a) {
      BigDecimal x = num(a);
      return x == null ? null : out(x.abs());
    }

    public Number round(Object a) {
      BigDecimal x = num(a);
      return x == null ? null : out(x.setScale(0, RoundingMode.HALF_UP));
    }

    public Number roundTo(Object places, Object a) {
      BigDecimal p = num(places), x = num(a);
      if (p == null || x == null || p.intValue() < 0 || p.intValue() > 20) return null;
      return out(x.setScale(p.intValue(), RoundingMode.HALF_UP));
    }

    public Number floor(Object a) {
      BigDecimal x = num(a);
      return x == null ? null : out(x.setScale(0, RoundingMode.FLOOR));
    }

    public Number ceil(Object a) {
      BigDecimal x = num(a);
      return x == null ? null : out(x.setScale(0, RoundingMode.CEILING));
    }

    public Integer toInteger(Object a) {
      BigDecimal x = num(a);
      return x == null ? null : x.intValue();
    }

    public Number toNumber(Object a) {
      return out(num(a));
    }
  }

  /** {@code $successTemplateUtils}: helpers over the JSON text of translation-map values. */
  public static final class SuccessTemplateUtils {
    private final JsonMapper json;

    SuccessTemplateUtils(JsonMapper json) {
      this.json = json;
    }

    /**
     * The first element of a JSON array (as JSON text), or {@code ""} when it is empty or not an
     * array.
     */
    public String firstFromArray(Object jsonArray) {
      return firstFromArray(jsonArray, "");
    }

    /** The first element of a JSON array (as JSON text), or {@code defaultValue}. */
    public String firstFromArray(Object jsonArray, Object defaultValue) {
      String fallback = defaultValue == null ? "" : defaultValue.toString();
      if (jsonArray == null) return fallback;
      try {
        JsonNode n = json.readTree(jsonArray.toString());
        if (n == null || !n.isArray() || n.isEmpty()) return fallback;
        return json.writeValueAsString(n.get(0));
      } catch (tools.jackson.core.JacksonException e) {
        return fallback;
      }
    }
  }
}

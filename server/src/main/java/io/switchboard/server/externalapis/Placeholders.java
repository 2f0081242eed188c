package io.switchboard.server.externalapis;

import io.switchboard.server.errors.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ${input.a.b}} placeholders in the URL, header values and the request template. The body is built
 * as a JSON tree, never by pasting text: a string that is exactly one placeholder becomes the input's JSON
 * value (number, object, null...), a placeholder inside a longer string is replaced by the input's text, and
 * Jackson writes the result, so quotes, backslashes and line breaks in inputs are always escaped correctly.
 * In URLs the input's text is percent-encoded; in headers, control characters are refused.
 */
public final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{input\\.([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)}");
  private static final Pattern WHOLE = Pattern.compile("^" + PLACEHOLDER.pattern() + "$");

  private Placeholders() {}

  /** Fails naming {@code field} when a {@code ${} in {@code text} is not a well-formed placeholder. */
  static void check(String field, String text) {
    if (text == null) return;
    int from = 0;
    while (true) {
      int at = text.indexOf("${", from);
      if (at < 0) return;
      Matcher m = PLACEHOLDER.matcher(text);
      if (!m.find(at) || m.start() != at) {
        throw Problem.invalid(field, "'${' must start a placeholder of the form ${input.name} (letters, digits and _ separated by dots)");
      }
      from = m.end();
    }
  }

  static boolean has(String text) {
    return text != null && PLACEHOLDER.matcher(text).find();
  }

  /** Checks every string in a template tree, naming the path of a bad one. */
  static void checkTree(String path, JsonNode node) {
    if (node.isString()) {
      check(path, node.asString());
    } else if (node.isObject()) {
      for (var e : node.properties()) checkTree(path + "." + e.getKey(), e.getValue());
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) checkTree(path + "[" + i + "]", node.get(i));
    }
  }

  /** The template with every placeholder replaced from {@code inputs}; the template itself is not changed. */
  public static JsonNode render(JsonNode template, JsonNode inputs) {
    if (template.isString()) {
      String s = template.asString();
      Matcher whole = WHOLE.matcher(s);
      if (whole.matches()) return lookup(inputs, whole.group(1)).deepCopy();
      return has(s) ? JsonNodeFactory.instance.stringNode(text(s, inputs, Placeholders::plain)) : template;
    }
    if (template.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : template.properties()) out.set(e.getKey(), render(e.getValue(), inputs));
      return out;
    }
    if (template.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : template) out.add(render(item, inputs));
      return out;
    }
    return template;
  }

  /** A URL with each placeholder replaced by the percent-encoded text of its input. */
  public static String url(String url, JsonNode inputs) {
    return text(url, inputs, Placeholders::percentEncode);
  }

  /** A header value with placeholders replaced; an input with a line break, a control character or non-ASCII is refused. */
  public static String header(String name, String value, JsonNode inputs) {
    return text(
        value,
        inputs,
        s -> {
          for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) throw Problem.invalid("inputs", "an input used in header " + name + " must be printable ASCII (no line breaks or control characters)");
          }
          return s;
        });
  }

  private static String text(String s, JsonNode inputs, java.util.function.UnaryOperator<String> encode) {
    Matcher m = PLACEHOLDER.matcher(s);
    var out = new StringBuilder();
    while (m.find()) {
      JsonNode v = lookup(inputs, m.group(1));
      String textValue = v.isNull() ? "" : v.isValueNode() ? v.asString() : v.toString();
      m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(textValue)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static JsonNode lookup(JsonNode inputs, String path) {
    JsonNode node = inputs;
    for (String part : path.split("\\.")) {
      node = node == null || !node.isObject() ? null : node.get(part);
    }
    if (node == null || node.isMissingNode()) {
      throw new Problem(Problem.Kind.INVALID, "invalid.value", "inputs." + path + " is required by this external API", Map.of("field", "inputs." + path));
    }
    return node;
  }

  private static String plain(String s) {
    return s;
  }

  /** RFC 3986 unreserved characters stay, everything else is %XX of its UTF-8 bytes (so '/' and '?' cannot steer the URL). */
  static String percentEncode(String s) {
    // "." and ".." are path steps even when encoded by the rules; spell them out so an input cannot climb.
    if (s.equals(".") || s.equals("..")) return s.replace(".", "%2E");
    var out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}

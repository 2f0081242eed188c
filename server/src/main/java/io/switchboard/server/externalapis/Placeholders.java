package io.switchboard.server.externalapis;

import io.switchboard.server.errors.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ${input.a.b}} placeholders in the URL, header values and the request template. The body is
 * built as a JSON tree, never by pasting text: a string that is exactly one placeholder becomes the
 * input's JSON value (number, object, null...), a placeholder inside a longer string is replaced by
 * the input's text, and Jackson writes the result, so quotes, backslashes and line breaks in inputs
 * are always escaped correctly. In URLs the input's text is percent-encoded; in headers, control
 * characters are refused.
 */
public final class Placeholders {
  private static final String OPEN = "${input.";

  /** More segments than any real input path has; a longer path is refused when the API is saved. */
  static final int MAX_PATH_SEGMENTS = 32;

  private Placeholders() {}

  /**
   * One placeholder: {@code text.substring(start, end)} is {@code ${input.<path>}}. Found by a hand
   * scanner, not a regular expression: a repeated group in Java's regex engine recurses per
   * repetition, and a 3,000-segment path overflowed the stack.
   */
  private record Found(int start, int end, String path) {}

  /** The well-formed placeholder starting exactly at {@code at}, or null. */
  private static Found at(String text, int at) {
    if (!text.startsWith(OPEN, at)) return null;
    int i = at + OPEN.length();
    while (true) {
      if (i >= text.length() || !identifierStart(text.charAt(i))) return null;
      i++;
      while (i < text.length() && identifierPart(text.charAt(i))) i++;
      if (i >= text.length()) return null;
      char c = text.charAt(i);
      if (c == '}') return new Found(at, i + 1, text.substring(at + OPEN.length(), i));
      if (c != '.') return null;
      i++;
    }
  }

  /** The first well-formed placeholder at or after {@code from}, or null. */
  private static Found find(String text, int from) {
    for (int i = text.indexOf("${", from); i >= 0; i = text.indexOf("${", i + 1)) {
      Found f = at(text, i);
      if (f != null) return f;
    }
    return null;
  }

  private static boolean identifierStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean identifierPart(char c) {
    return identifierStart(c) || (c >= '0' && c <= '9');
  }

  /** Fails naming {@code field} when a {@code ${} in {@code text} is not a well-formed placeholder. */
  static void check(String field, String text) {
    if (text == null) return;
    for (int i = text.indexOf("${"); i >= 0; ) {
      Found f = at(text, i);
      if (f == null) {
        throw Problem.invalid(
            field,
            "'${' must start a placeholder of the form ${input.name} (letters, digits and _"
                + " separated by dots)");
      }
      if (segments(f.path()) > MAX_PATH_SEGMENTS) {
        throw Problem.invalid(
            field, "a placeholder path has at most " + MAX_PATH_SEGMENTS + " segments");
      }
      i = text.indexOf("${", f.end());
    }
  }

  static boolean has(String text) {
    return text != null && find(text, 0) != null;
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

  /**
   * The template with every placeholder replaced from {@code inputs}; the template itself is not
   * changed.
   */
  public static JsonNode render(JsonNode template, JsonNode inputs) {
    if (template.isString()) {
      String s = template.asString();
      Found whole = s.startsWith("${") ? at(s, 0) : null;
      if (whole != null && whole.end() == s.length())
        return lookup(inputs, whole.path()).deepCopy();
      return has(s)
          ? JsonNodeFactory.instance.stringNode(text(s, inputs, Placeholders::plain))
          : template;
    }
    if (template.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : template.properties())
        out.set(e.getKey(), render(e.getValue(), inputs));
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

  /**
   * A header value with placeholders replaced; an input with a line break, a control character or
   * non-ASCII is refused.
   */
  public static String header(String name, String value, JsonNode inputs) {
    return text(
        value,
        inputs,
        s -> {
          for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f)
              throw Problem.invalid(
                  "inputs",
                  "an input used in header "
                      + name
                      + " must be printable ASCII (no line breaks or control characters)");
          }
          return s;
        });
  }

  private static String text(
      String s, JsonNode inputs, java.util.function.UnaryOperator<String> encode) {
    var out = new StringBuilder();
    int copied = 0;
    for (Found f = find(s, 0); f != null; f = find(s, f.end())) {
      JsonNode v = lookup(inputs, f.path());
      String textValue = v.isNull() ? "" : v.isValueNode() ? v.asString() : v.toString();
      out.append(s, copied, f.start()).append(encode.apply(textValue));
      copied = f.end();
    }
    return out.append(s, copied, s.length()).toString();
  }

  private static JsonNode lookup(JsonNode inputs, String path) {
    JsonNode node = inputs;
    for (String part : path.split("\\.", -1)) {
      node = node == null || !node.isObject() ? null : node.get(part);
    }
    if (node == null || node.isMissingNode()) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "inputs." + path + " is required by this external API",
          Map.of("field", "inputs." + path));
    }
    return node;
  }

  private static int segments(String path) {
    int n = 1;
    for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '.') n++;
    return n;
  }

  private static String plain(String s) {
    return s;
  }

  /**
   * RFC 3986 unreserved characters stay, everything else is %XX of its UTF-8 bytes (so '/' and '?'
   * cannot steer the URL).
   */
  static String percentEncode(String s) {
    // "." and ".." are path steps even when encoded by the rules; spell them out so an input cannot
    // climb.
    if (s.equals(".") || s.equals("..")) return s.replace(".", "%2E");
    var out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}

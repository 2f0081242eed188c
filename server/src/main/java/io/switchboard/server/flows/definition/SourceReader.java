package io.switchboard.server.flows.definition;

import io.switchboard.server.errors.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads a flow definition (YAML or JSON) into {@link SourceNode}s from Jackson's token stream,
 * keeping each token's location. Bounded: the caller caps the bytes; here the nesting depth and the
 * number of nodes. Malformed input is a 400 with the line and column of the fault.
 */
public final class SourceReader {
  public static final int MAX_DEPTH = 64;
  public static final int MAX_NODES = 50_000;

  public enum Format {
    YAML,
    JSON
  }

  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private SourceReader() {}

  public static SourceNode read(byte[] source, Format format) {
    try (JsonParser p =
        (format == Format.YAML ? YAML : JSON).createParser(ObjectReadContext.empty(), source)) {
      JsonToken first = p.nextToken();
      if (first == null) throw Problem.badRequest("The flow definition is empty");
      int[] count = {0};
      SourceNode root = node(p, 1, count);
      if (p.nextToken() != null) {
        var at = p.currentTokenLocation();
        throw malformed("only one document is allowed", at.getLineNr(), at.getColumnNr());
      }
      return root;
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      throw malformed(
          firstLine(e.getOriginalMessage()),
          at == null ? -1 : at.getLineNr(),
          at == null ? -1 : at.getColumnNr());
    }
  }

  private static SourceNode node(JsonParser p, int depth, int[] count) {
    if (++count[0] > MAX_NODES) {
      var at = p.currentTokenLocation();
      throw limit("more than " + MAX_NODES + " nodes", at);
    }
    TokenStreamLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken t = p.currentToken();
    if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && depth > MAX_DEPTH)
      throw limit("nesting deeper than " + MAX_DEPTH + " levels", at);
    switch (t) {
      case START_OBJECT -> {
        Map<String, SourceNode.Mapping.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          TokenStreamLocation keyAt = p.currentTokenLocation();
          String key = p.currentName();
          p.nextToken();
          SourceNode value = node(p, depth + 1, count);
          if (entries.containsKey(key))
            throw malformed(
                "the key '" + key + "' appears twice", keyAt.getLineNr(), keyAt.getColumnNr());
          entries.put(
              key,
              new SourceNode.Mapping.Entry(key, value, keyAt.getLineNr(), keyAt.getColumnNr()));
        }
        return new SourceNode.Mapping(entries, line, column);
      }
      case START_ARRAY -> {
        var items = new ArrayList<SourceNode>();
        while (p.nextToken() != JsonToken.END_ARRAY) items.add(node(p, depth + 1, count));
        return new SourceNode.Sequence(items, line, column);
      }
      case VALUE_STRING -> {
        return new SourceNode.Scalar(p.getString(), line, column);
      }
      case VALUE_NUMBER_INT -> {
        return new SourceNode.Scalar(
            p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                ? (Object) p.getString()
                : p.getLongValue(),
            line,
            column);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new SourceNode.Scalar(p.getDoubleValue(), line, column);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new SourceNode.Scalar(t == JsonToken.VALUE_TRUE, line, column);
      }
      case VALUE_NULL -> {
        return new SourceNode.Scalar(null, line, column);
      }
      default -> throw malformed("unexpected " + t, line, column);
    }
  }

  private static Problem limit(String what, TokenStreamLocation at) {
    return new Problem(
        Problem.Kind.BAD_REQUEST,
        "flow.definition.too.large",
        "The flow definition has "
            + what
            + " (at line "
            + at.getLineNr()
            + ", column "
            + at.getColumnNr()
            + ")",
        Map.of("line", at.getLineNr(), "column", at.getColumnNr()));
  }

  private static Problem malformed(String why, int line, int column) {
    return new Problem(
        Problem.Kind.BAD_REQUEST,
        "flow.definition.malformed",
        "Malformed flow definition at line " + line + ", column " + column + ": " + why,
        Map.of("line", line, "column", column));
  }

  private static String firstLine(String s) {
    if (s == null) return "syntax error";
    String l = s.split("\n", 2)[0];
    int cut = l.indexOf(" (start marker");
    return cut > 0 ? l.substring(0, cut) : l;
  }
}

package io.switchboard.server.flows.runtime;

import dev.cel.common.values.NullValue;
import io.switchboard.server.flows.definition.Expressions;
import io.switchboard.server.flows.definition.VarType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Conversions between flow variable values (what CEL sees) and JSON (inputs, data-action outputs,
 * traces).
 */
public final class Values {
  private Values() {}

  /** A value that cannot be stored in a variable of the wanted type. */
  public static final class Mismatch extends Exception {
    public Mismatch(String message) {
      super(message, null, false, false);
    }
  }

  public static Object unset() {
    return NullValue.NULL_VALUE;
  }

  public static JsonNode toJson(Object v) {
    var f = JsonNodeFactory.instance;
    return switch (v) {
      case null -> f.nullNode();
      case NullValue n -> f.nullNode();
      case com.google.protobuf.NullValue n -> f.nullNode();
      case Boolean b -> f.booleanNode(b);
      case Long l -> f.numberNode(l);
      case Integer i -> f.numberNode(i);
      case Double d -> f.numberNode(d);
      case String s -> f.stringNode(s);
      case Instant i -> f.stringNode(VarType.text(i));
      case JsonNode j -> j;
      case Map<?, ?> m -> {
        ObjectNode o = f.objectNode();
        m.forEach((k, x) -> o.set(String.valueOf(k), toJson(x)));
        yield o;
      }
      case List<?> l -> {
        var a = f.arrayNode();
        l.forEach(x -> a.add(toJson(x)));
        yield a;
      }
      default -> f.stringNode(String.valueOf(v));
    };
  }

  /**
   * A JSON value as a variable of {@code type} (a launch's input, a data action's output), within
   * {@link #MAX_VALUE_CHARS}; strings holding numbers, booleans or instants are converted.
   */
  public static Object fromJson(JsonNode n, VarType type) throws Mismatch {
    if (n != null && weight(n, MAX_VALUE_CHARS) > MAX_VALUE_CHARS) throw tooLarge();
    return converted(n, type);
  }

  private static Mismatch tooLarge() {
    return new Mismatch(
        "the value is larger than a variable holds (at most " + MAX_VALUE_CHARS + " characters)");
  }

  private static Object converted(JsonNode n, VarType type) throws Mismatch {
    if (n == null || n.isNull() || n.isMissingNode()) return unset();
    if (type.collection()) {
      if (!n.isArray()) throw new Mismatch("expected a list for a " + type);
      var out = new ArrayList<Object>();
      VarType elem = new VarType(type.base(), false);
      for (JsonNode item : n) out.add(converted(item, elem));
      return out;
    }
    try {
      return switch (type.base()) {
        case ANY -> any(n);
        case STRING -> {
          if (n.isContainer())
            throw new Mismatch("expected text, got " + (n.isArray() ? "a list" : "an object"));
          yield n.asString();
        }
        case INTEGER -> {
          if (n.isIntegralNumber() && n.canConvertToLong()) yield n.longValue();
          if (n.isString()) yield Long.parseLong(n.asString().trim());
          throw new Mismatch("expected an integer, got " + n);
        }
        case DECIMAL -> {
          if (n.isNumber()) yield n.doubleValue();
          if (n.isString()) yield Double.parseDouble(n.asString().trim());
          throw new Mismatch("expected a decimal, got " + n);
        }
        case BOOLEAN -> {
          if (n.isBoolean()) yield n.booleanValue();
          if (n.isString() && (n.asString().equals("true") || n.asString().equals("false")))
            yield Boolean.parseBoolean(n.asString());
          throw new Mismatch("expected true or false, got " + n);
        }
        case DATETIME -> {
          if (n.isString()) yield Instant.parse(n.asString());
          throw new Mismatch("expected an ISO-8601 instant, got " + n);
        }
      };
    } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
      String text = n.asString();
      throw new Mismatch(
          "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "' is not a " + type);
    }
  }

  /**
   * The most text one variable may hold: a string's characters (bytes' length), summed over a
   * collection's items (other values count 8). A flow that doubles a string in a loop would
   * otherwise grow it past any heap well within its action limit and deadline.
   */
  public static final int MAX_VALUE_CHARS = Expressions.MAX_STRING_CHARS;

  /** {@code v}'s size in characters, counted until it passes {@code limit}. */
  static long weight(Object v, long limit) {
    return switch (v) {
      case String s -> s.length();
      case List<?> l -> {
        long sum = l.size();
        for (Object x : l) {
          if (sum > limit) break;
          sum += weight(x, limit - sum);
        }
        yield sum;
      }
      case Map<?, ?> m -> {
        long sum = m.size();
        for (var e : m.entrySet()) {
          if (sum > limit) break;
          sum += String.valueOf(e.getKey()).length() + weight(e.getValue(), limit - sum);
        }
        yield sum;
      }
      case JsonNode j when j.isString() -> j.asString().length();
      case JsonNode j when j.isContainer() -> {
        long sum = j.size();
        for (JsonNode x : j) {
          if (sum > limit) break;
          sum += weight(x, limit - sum);
        }
        yield sum;
      }
      case null -> 0;
      case com.google.protobuf.ByteString b -> b.size();
      case dev.cel.common.values.CelByteString b -> b.size();
      default -> 8;
    };
  }

  /**
   * A CEL result stored in a variable of {@code type}, within {@link #MAX_VALUE_CHARS}: ints widen
   * to decimals; null means unset.
   */
  public static Object coerce(Object v, VarType type) throws Mismatch {
    if (!Expressions.isSet(v)) return unset();
    if (weight(v, MAX_VALUE_CHARS) > MAX_VALUE_CHARS) throw tooLarge();
    if (type.base() == VarType.Base.ANY) return v;
    if (type.collection()) {
      if (v instanceof List<?> l) return List.copyOf(l);
      throw new Mismatch("expected a list for a " + type);
    }
    return switch (type.base()) {
      case DECIMAL -> {
        if (v instanceof Long l) yield l.doubleValue();
        if (v instanceof Double) yield v;
        throw new Mismatch("expected a decimal");
      }
      case STRING -> {
        if (v instanceof String) yield v;
        throw new Mismatch("expected text");
      }
      case INTEGER -> {
        if (v instanceof Long) yield v;
        throw new Mismatch("expected an integer");
      }
      case BOOLEAN -> {
        if (v instanceof Boolean) yield v;
        throw new Mismatch("expected true or false");
      }
      case DATETIME -> {
        if (v instanceof Instant) yield v;
        throw new Mismatch("expected a dateTime");
      }
      case ANY -> v;
    };
  }

  private static Object any(JsonNode n) {
    if (n.isObject()) {
      var m = new LinkedHashMap<String, Object>();
      for (var e : n.properties()) m.put(e.getKey(), any(e.getValue()));
      return m;
    }
    if (n.isArray()) {
      var l = new ArrayList<Object>();
      for (JsonNode item : n) l.add(any(item));
      return l;
    }
    if (n.isNull()) return unset();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
    if (n.isNumber()) return n.doubleValue();
    return n.asString();
  }
}

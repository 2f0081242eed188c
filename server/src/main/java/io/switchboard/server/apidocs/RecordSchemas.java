package io.switchboard.server.apidocs;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.server.http.Page;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) for wire types: one property per record component
 * (named as Jackson writes it). Records become {@code $ref}s into {@code components/schemas}, added
 * to the same map; recursion ends because a schema is registered before its components are visited.
 * Generic records are bound per use: {@code Page<ScriptView>} is {@code ScriptViewEntityListing},
 * the name Genesys gives its listings. A type with no known JSON shape fails the document instead
 * of being described as "anything".
 */
final class RecordSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectNode schemas;

  /** Schema name → the type it describes: a second type with the same simple name gets another. */
  private final Map<String, String> named = new HashMap<>();

  /** Type key ({@code io.x.Page<io.x.View>}) → schema name. */
  private final Map<String, String> names = new HashMap<>();

  RecordSchemas(ObjectNode schemas) {
    this.schemas = schemas;
  }

  /** Adds the record's schema (and those of records it holds) and returns a {@code $ref} to it. */
  ObjectNode ref(Class<? extends Record> type) {
    return (ObjectNode) of(type);
  }

  /** The schema of any wire type: a {@code $ref} for records, inline for the rest. */
  ObjectNode of(Type type) {
    return of(type, Map.of());
  }

  private ObjectNode of(Type type, Map<String, Type> bound) {
    if (type instanceof TypeVariable<?> v) {
      Type b = bound.get(v.getName());
      if (b == null) throw new IllegalArgumentException("unbound type variable " + v);
      return of(b, Map.of());
    }
    if (type instanceof WildcardType w) return of(w.getUpperBounds()[0], bound);
    if (type instanceof GenericArrayType g) return array(of(g.getGenericComponentType(), bound));
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) return array(of(args[0], bound));
      if (Map.class.isAssignableFrom(raw)) {
        ObjectNode map = NODES.objectNode().put("type", "object");
        map.set("additionalProperties", of(args[1], bound));
        return map;
      }
      if (raw == Optional.class) return of(args[0], bound);
      if (raw.isRecord()) {
        Map<String, Type> inner = new HashMap<>();
        TypeVariable<?>[] vars = raw.getTypeParameters();
        for (int i = 0; i < vars.length; i++) inner.put(vars[i].getName(), resolve(args[i], bound));
        return record(raw, resolve(type, bound), inner);
      }
      return of(raw, bound);
    }
    if (!(type instanceof Class<?> c)) throw new IllegalArgumentException("no schema for " + type);
    if (c == Void.class || c == void.class)
      throw new IllegalArgumentException("Doc.NONE is no body, not a schema");
    if (c == String.class || c == URI.class) return string(null);
    if (c == UUID.class) return string("uuid");
    if (c == Instant.class || c == OffsetDateTime.class) return string("date-time");
    if (c == LocalDate.class) return string("date");
    if (c == Duration.class) return string("duration");
    if (c.isEnum()) {
      ObjectNode s = string(null);
      var values = s.putArray("enum");
      for (Object v : c.getEnumConstants()) values.add(v.toString());
      return s;
    }
    if (c == boolean.class || c == Boolean.class) return NODES.objectNode().put("type", "boolean");
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class)
      return NODES.objectNode().put("type", "integer");
    if (c == double.class
        || c == Double.class
        || c == float.class
        || c == Float.class
        || c == BigDecimal.class) return NODES.objectNode().put("type", "number");
    if (c.isArray()) return array(of(c.getComponentType(), bound));
    if (c.isRecord()) return record(c, c, Map.of());
    if (c == Object.class || JsonNode.class.isAssignableFrom(c))
      return NODES.objectNode().put("description", "Any JSON value");
    if (Map.class.isAssignableFrom(c)) return NODES.objectNode().put("type", "object");
    throw new IllegalArgumentException("no schema for " + c.getName() + ": use a record");
  }

  private ObjectNode record(Class<?> raw, Type type, Map<String, Type> bound) {
    String name = nameOf(raw, type, bound);
    if (!schemas.has(name)) {
      ObjectNode schema = schemas.putObject(name);
      schema.put("type", "object");
      ObjectNode properties = schema.putObject("properties");
      for (RecordComponent c : raw.getRecordComponents()) {
        JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
        String property =
            renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
        properties.set(property, of(c.getGenericType(), bound));
      }
    }
    return NODES.objectNode().put("$ref", "#/components/schemas/" + name);
  }

  /**
   * The simple name, unless another type has it already: then the enclosing class's name is put in
   * front ({@code FaultRoutesListing}), as many times as needed.
   */
  private String nameOf(Class<?> raw, Type type, Map<String, Type> bound) {
    String key = key(type);
    String known = names.get(key);
    if (known != null) return known;
    String base;
    if (raw == Page.class) {
      Type entity = bound.get(raw.getTypeParameters()[0].getName());
      base = simpleName(entity) + "EntityListing";
    } else if (raw.getTypeParameters().length > 0) {
      StringBuilder b = new StringBuilder(raw.getSimpleName());
      for (TypeVariable<?> v : raw.getTypeParameters())
        b.append(simpleName(bound.get(v.getName())));
      base = b.toString();
    } else {
      base = raw.getSimpleName();
    }
    String name = base;
    Class<?> outer = raw.getEnclosingClass();
    while (named.containsKey(name) && !named.get(name).equals(key)) {
      if (outer != null) {
        name = outer.getSimpleName() + name;
        outer = outer.getEnclosingClass();
      } else {
        name = raw.getPackageName().replace('.', '_') + "_" + name;
      }
    }
    named.put(name, key);
    names.put(key, name);
    return name;
  }

  private static String key(Type t) {
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      StringBuilder b = new StringBuilder(raw.getName()).append('<');
      for (Type a : p.getActualTypeArguments()) b.append(key(a)).append(',');
      return b.append('>').toString();
    }
    return t.getTypeName();
  }

  private static String simpleName(Type t) {
    if (t instanceof Class<?> c) return c.getSimpleName();
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      StringBuilder b = new StringBuilder(raw.getSimpleName());
      for (Type a : p.getActualTypeArguments()) b.append(simpleName(a));
      return b.toString();
    }
    return "Value";
  }

  /** The type with its type variables replaced by what they are bound to (for naming). */
  private static Type resolve(Type t, Map<String, Type> bound) {
    if (t instanceof TypeVariable<?> v && bound.containsKey(v.getName()))
      return bound.get(v.getName());
    return t;
  }

  private static ObjectNode array(ObjectNode items) {
    ObjectNode array = NODES.objectNode().put("type", "array");
    array.set("items", items);
    return array;
  }

  private static ObjectNode string(String format) {
    ObjectNode s = NODES.objectNode().put("type", "string");
    if (format != null) s.put("format", format);
    return s;
  }
}

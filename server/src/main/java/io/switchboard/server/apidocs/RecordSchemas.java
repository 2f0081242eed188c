package io.switchboard.server.apidocs;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) for wire records: one property per record
 * component. Nested records become {@code $ref}s into {@code components/schemas}, added to the same
 * map; recursion ends because a schema is registered before its components are visited.
 */
final class RecordSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectNode schemas;

  RecordSchemas(ObjectNode schemas) {
    this.schemas = schemas;
  }

  /** Adds the record's schema (and those of records it holds) and returns a {@code $ref} to it. */
  ObjectNode ref(Class<? extends Record> type) {
    String name = type.getSimpleName();
    if (!schemas.has(name)) {
      ObjectNode schema = schemas.putObject(name);
      schema.put("type", "object");
      ObjectNode properties = schema.putObject("properties");
      for (RecordComponent c : type.getRecordComponents()) {
        properties.set(c.getName(), of(c.getGenericType()));
      }
    }
    return NODES.objectNode().put("$ref", "#/components/schemas/" + name);
  }

  @SuppressWarnings("unchecked")
  private JsonNode of(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      if (Collection.class.isAssignableFrom(raw)) {
        ObjectNode array = NODES.objectNode().put("type", "array");
        array.set("items", of(p.getActualTypeArguments()[0]));
        return array;
      }
      if (Map.class.isAssignableFrom(raw)) {
        ObjectNode map = NODES.objectNode().put("type", "object");
        map.set("additionalProperties", of(p.getActualTypeArguments()[1]));
        return map;
      }
      return of(raw);
    }
    if (!(type instanceof Class<?> c)) return NODES.objectNode();
    if (c == String.class || c == UUID.class || c.isEnum()) {
      ObjectNode s = NODES.objectNode().put("type", "string");
      if (c == UUID.class) s.put("format", "uuid");
      if (c.isEnum()) {
        var values = s.putArray("enum");
        for (Object v : c.getEnumConstants()) values.add(v.toString());
      }
      return s;
    }
    if (c == Instant.class)
      return NODES.objectNode().put("type", "string").put("format", "date-time");
    if (c == boolean.class || c == Boolean.class) return NODES.objectNode().put("type", "boolean");
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class)
      return NODES.objectNode().put("type", "integer");
    if (c == double.class || c == Double.class || c == float.class || c == Float.class)
      return NODES.objectNode().put("type", "number");
    if (c.isRecord()) return ref((Class<? extends Record>) c);
    // Object and anything else: any JSON value.
    return NODES.objectNode();
  }
}

package io.switchboard.server.integrations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.resource.ClasspathResourceLoader;
import com.networknt.schema.resource.MetaSchemaIdResolver;
import com.networknt.schema.resource.ResourceLoader;
import com.networknt.schema.resource.SchemaLoader;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The contracts' JSON Schemas (networknt json-schema-validator). Genesys writes draft-04 schemas; a
 * schema's own {@code $schema} picks another draft. Nothing is ever fetched: a {@code $ref} may
 * only point inside the schema (no resource loader is configured). Compiled schemas are cached by
 * their text (bounded).
 */
public final class JsonSchemas {
  /** At most this many errors are reported for one value. */
  public static final int MAX_ERRORS = 20;

  /**
   * Only the library's own meta-schemas can be loaded (from its jar); any other {@code $ref}
   * outside the schema, remote or {@code classpath:}, finds nothing.
   */
  private static final ResourceLoader META_SCHEMAS_ONLY =
      iri ->
          iri.toString().matches("classpath:draft[-0-9a-z/]*")
              ? ClasspathResourceLoader.getInstance().getResource(iri)
              : null;

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_4,
          b ->
              b.schemaLoader(
                      new SchemaLoader(
                          List.of(MetaSchemaIdResolver.getInstance()), List.of(META_SCHEMAS_ONLY)))
                  .schemaCacheEnabled(false));

  private final Cache<String, Schema> metaSchemas = Caffeine.newBuilder().maximumSize(10).build();

  private final Cache<String, Schema> compiled = Caffeine.newBuilder().maximumSize(2_000).build();

  /** A schema that cannot be used. */
  public static final class InvalidSchema extends RuntimeException {
    InvalidSchema(String message) {
      super(message, null, false, false);
    }
  }

  /** Compiles {@code schema} (throws {@link InvalidSchema} when it is not a usable schema). */
  public Schema compile(JsonNode schema) {
    if (schema == null || schema.isNull()) return null;
    if (!schema.isObject()) throw new InvalidSchema("must be a JSON Schema object");
    String key = schema.toString();
    Schema s = compiled.getIfPresent(key);
    if (s != null) return s;
    String dialect =
        schema.path("$schema").isString()
            ? schema.get("$schema").asString()
            : SpecificationVersion.DRAFT_4.getDialectId();
    if (SpecificationVersion.fromDialectId(dialect).isEmpty())
      throw new InvalidSchema("$schema must name a JSON Schema draft (draft-04 to 2020-12)");
    try {
      Schema meta = metaSchemas.get(dialect, d -> registry.getSchema(SchemaLocation.of(d)));
      List<Error> metaErrors = meta.validate(schema);
      if (!metaErrors.isEmpty())
        throw new InvalidSchema(
            "is not a valid JSON Schema: "
                + String.join("; ", metaErrors.stream().limit(5).map(Error::getMessage).toList()));
      s = registry.getSchema(schema);
      // Resolve references and keywords now, so a broken schema fails at save time.
      s.validate(tools.jackson.databind.node.JsonNodeFactory.instance.nullNode());
    } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSchema(
          e.getMessage() == null
              ? "is not a valid JSON Schema"
              : "is not usable: " + e.getMessage());
    }
    compiled.put(key, s);
    return s;
  }

  /** A JSON Pointer ({@code /a/0}) as the {@code $.a.0} Genesys users read. */
  private static String location(String pointer) {
    if (pointer.isEmpty() || pointer.equals("/")) return "$";
    return "$" + pointer.replace('/', '.').replace("~1", "/").replace("~0", "~");
  }

  /** The errors of {@code value} against {@code schema}, as messages naming the location. */
  public List<String> errors(JsonNode schema, JsonNode value) {
    Schema s = compile(schema);
    if (s == null) return List.of();
    List<Error> errors = s.validate(value);
    return errors.stream()
        .limit(MAX_ERRORS)
        .map(e -> location(e.getInstanceLocation().toString()) + ": " + e.getMessage())
        .toList();
  }
}

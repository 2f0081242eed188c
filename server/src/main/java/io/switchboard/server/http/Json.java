package io.switchboard.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The one JSON mapper configuration of the wire: strict on input types, Genesys-shaped on output.
 * Request bodies ignore unknown fields ({@link RequestBodies}); stored documents do not.
 */
public final class Json {
  /** Exactly milliseconds, always: {@code 2026-11-24T01:02:03.456Z}. */
  public static final DateTimeFormatter WIRE_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * Deepest nesting of arrays and objects accepted in any JSON we read (request bodies, stored
   * documents, upstream responses). Every tree walk (merge patch, templates, CEL conversion)
   * recurses per level, so the parser is where a hostile document's depth is stopped: deeper is a
   * 400, never a stack overflow.
   */
  public static final int MAX_NESTING_DEPTH = 128;

  private Json() {}

  public static JsonMapper newMapper() {
    var dates = new SimpleModule("switchboard-dates");
    dates.addSerializer(
        Instant.class,
        new ValueSerializer<Instant>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeString(WIRE_DATE.format(value));
          }
        });
    var factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();
    return JsonMapper.builder(factory)
        .addModule(dates)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        // "name": 12 is a wrong type, not the string "12".
        // 600.5 for a whole-number field is a wrong value, not 600.
        .withCoercionConfig(
            LogicalType.Integer,
            cfg -> cfg.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Textual,
            cfg -> {
              cfg.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
              cfg.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
              cfg.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
        // [null] in a list of names, tags or items is a 400 naming the index, never a null a
        // service trips on.
        .changeDefaultNullHandling(n -> JsonSetter.Value.forContentNulls(Nulls.FAIL))
        .changeDefaultPropertyInclusion(
            incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
        .build();
  }
}

package io.switchboard.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/** The one JSON mapper configuration of the wire: strict on input, Genesys-shaped on output. */
public final class Json {
  /** Exactly milliseconds, always: {@code 2026-11-24T01:02:03.456Z}. */
  public static final DateTimeFormatter WIRE_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

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
    return JsonMapper.builder()
        .addModule(dates)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        // "name": 12 is a wrong type, not the string "12".
        // 600.5 for a whole-number field is a wrong value, not 600.
        .withCoercionConfig(LogicalType.Integer, cfg -> cfg.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Textual,
            cfg -> {
              cfg.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
              cfg.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
              cfg.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
        .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
        .build();
  }
}

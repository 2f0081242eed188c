package io.switchboard.server.integrations;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.Upstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Contract schemas: validated against their meta-schema, never fetched from elsewhere. */
class JsonSchemasTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  final JsonSchemas schemas = new JsonSchemas();

  @Test
  void errorsNameTheLocation() {
    var schema =
        JSON.readTree(
            "{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\",\"maximum\":5}}}");
    assertThat(schemas.errors(schema, JSON.readTree("{\"a\":\"x\",\"n\":3}"))).isEmpty();
    assertThat(schemas.errors(schema, JSON.readTree("{\"n\":9}")))
        .anySatisfy(e -> assertThat(e).contains("$.n"))
        .anySatisfy(e -> assertThat(e).contains("'a'"));
  }

  @Test
  void invalidSchemasAreRefused() {
    assertThatThrownBy(() -> schemas.compile(JSON.readTree("{\"type\":17}")))
        .isInstanceOf(JsonSchemas.InvalidSchema.class);
    assertThatThrownBy(() -> schemas.compile(JSON.readTree("[1]")))
        .isInstanceOf(JsonSchemas.InvalidSchema.class);
    assertThatThrownBy(
            () -> schemas.compile(JSON.readTree("{\"$schema\":\"http://evil.example/s\"}")))
        .isInstanceOf(JsonSchemas.InvalidSchema.class);
  }

  @Test
  void aRemoteRefIsNeverFetched() {
    try (Upstream upstream = Upstream.start()) {
      upstream.on("/schema.json", (ex, req) -> json(ex, 200, "{\"type\":\"string\"}"));
      var schema =
          JSON.readTree(
              "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\""
                  + upstream.url("/schema.json")
                  + "\"}}}");
      try {
        schemas.errors(schema, JSON.readTree("{\"a\":1}"));
      } catch (RuntimeException refused) {
        // Refusing the schema is fine; fetching it is not.
      }
      assertThat(upstream.received("/schema.json")).isEmpty();
    }
  }
}

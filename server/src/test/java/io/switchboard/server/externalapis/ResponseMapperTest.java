package io.switchboard.server.externalapis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.errors.Problem;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ResponseMapperTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final ResponseMapper MAPPER = new ResponseMapper();
  static final JsonNode BODY =
      JSON.readTree(
          "{\"customer\":{\"name\":\"Ada\",\"tier\":\"gold\",\"score\":1.5,\"tags\":[\"a\",\"b\"],\"odd"
              + " key\":{\"it's\":1},\"none\":null}}");

  static ExternalApi api(long version, Map<String, String> outputs) {
    return new ExternalApi(
        "id-1",
        "org",
        "n",
        null,
        "https",
        "GET",
        "https://h/",
        3000,
        0,
        List.of(),
        null,
        null,
        new ExternalApi.ResponseMapping(outputs),
        version,
        Instant.EPOCH,
        Instant.EPOCH);
  }

  @Test
  void pathsAndCelReadTheBodyStatusAndHeaders() throws Exception {
    var outputs = new LinkedHashMap<String, String>();
    outputs.put("name", "$.customer.name");
    outputs.put("secondTag", "$.customer.tags[1]");
    outputs.put("odd", "$.customer['odd key']['it\\'s']");
    outputs.put("none", "$.customer.none");
    outputs.put("whole", "$");
    outputs.put("vip", "body.customer.tier == 'gold' && status == 200");
    outputs.put("double", "body.customer.score * 2.0");
    outputs.put("tags", "body.customer.tags.map(t, t + '!')");
    outputs.put("type", "headers['content-type']");
    outputs.put("anyA", "body.customer.tags.exists(t, t == 'a')");
    JsonNode out =
        MAPPER.map(api(1, outputs), 200, Map.of("content-type", "application/json"), BODY);
    assertThat(out)
        .isEqualTo(
            JSON.readTree(
                "{\"name\":\"Ada\",\"secondTag\":\"b\",\"odd\":1,\"none\":null,\"whole\":"
                    + BODY
                    + ",\"vip\":true,\"double\":3.0,\"tags\":[\"a!\",\"b!\"],\"type\":\"application/json\",\"anyA\":true}"));
  }

  @Test
  void aMissingPathOrAFailingExpressionIsAMappingFailure() {
    assertThatThrownBy(
            () -> MAPPER.map(api(2, Map.of("x", "$.customer.tags[5]")), 200, Map.of(), BODY))
        .isInstanceOf(ResponseMapper.MappingFailure.class)
        .hasMessageContaining("output x");
    assertThatThrownBy(
            () -> MAPPER.map(api(3, Map.of("y", "body.customer.missing")), 200, Map.of(), BODY))
        .isInstanceOf(ResponseMapper.MappingFailure.class)
        .hasMessageContaining("output y");
    assertThatThrownBy(
            () -> MAPPER.map(api(4, Map.of("z", "$.customer.name.first")), 200, Map.of(), BODY))
        .isInstanceOf(ResponseMapper.MappingFailure.class);
  }

  @Test
  void badMappingsAreRefusedNamingTheOutput() {
    for (var bad :
        List.of(
            Map.of("x", "$.a..b"),
            Map.of("x", "$a"),
            Map.of("x", "$.a[x]"),
            Map.of("x", "body.a +"),
            Map.of("x", "undeclared_var"),
            Map.of("1x", "$.a"),
            Map.of("x", " "))) {
      assertThatThrownBy(() -> MAPPER.check(new ExternalApi.ResponseMapping(bad)))
          .as(bad.toString())
          .isInstanceOf(Problem.class)
          .hasMessageContaining("responseMapping.outputs.");
    }
  }

  @Test
  void aNewVersionRecompiles() throws Exception {
    assertThat(
            MAPPER
                .map(api(10, Map.of("v", "$.customer.name")), 200, Map.of(), BODY)
                .get("v")
                .asString())
        .isEqualTo("Ada");
    assertThat(
            MAPPER
                .map(api(11, Map.of("v", "$.customer.tier")), 200, Map.of(), BODY)
                .get("v")
                .asString())
        .isEqualTo("gold");
  }
}

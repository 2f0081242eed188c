package io.switchboard.server.externalapis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.errors.Problem;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PlaceholdersTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  final JsonNode inputs =
      JSON.readTree(
          "{\"s\":\"a\\\"b\\\\c\\n\",\"n\":12,\"o\":{\"k\":[true]},\"nul\":null,\"dots\":\"..\",\"deep\":{\"er\":{\"x\":\"y\"}}}");

  @Test
  void aWholePlaceholderKeepsTheInputsJsonTypeAndAPartialOneIsText() {
    JsonNode out =
        Placeholders.render(
            JSON.readTree(
                "{\"s\":\"${input.s}\",\"n\":\"${input.n}\",\"o\":\"${input.o}\",\"nul\":\"${input.nul}\",\"mixed\":\"<${input.s}|${input.n}|${input.o}|${input.nul}>\",\"deep\":[\"${input.deep.er.x}\"],\"lit\":5}"),
            inputs);
    assertThat(out.get("s").asString()).isEqualTo("a\"b\\c\n");
    assertThat(out.get("n").isInt()).isTrue();
    assertThat(out.get("o")).isEqualTo(inputs.get("o"));
    assertThat(out.get("nul").isNull()).isTrue();
    assertThat(out.get("mixed").asString()).isEqualTo("<a\"b\\c\n|12|{\"k\":[true]}|>");
    assertThat(out.get("deep").get(0).asString()).isEqualTo("y");
    assertThat(out.get("lit").asInt()).isEqualTo(5);
    // Written by Jackson, the result is always valid JSON that reads back to the same values.
    assertThat(JSON.readTree(JSON.writeValueAsString(out))).isEqualTo(out);
  }

  @Test
  void urlInputsArePercentEncodedAndCannotClimbOrSteer() {
    assertThat(Placeholders.url("https://h/c/${input.s}?q=${input.n}", inputs))
        .isEqualTo("https://h/c/a%22b%5Cc%0A?q=12");
    assertThat(Placeholders.url("https://h/c/${input.dots}/x", inputs))
        .isEqualTo("https://h/c/%2E%2E/x");
    assertThat(Placeholders.percentEncode("a/b?c#d e&f=ü"))
        .isEqualTo("a%2Fb%3Fc%23d%20e%26f%3D%C3%BC");
  }

  @Test
  void headersRefuseLineBreaksAndMissingInputsAreNamed() {
    assertThat(Placeholders.header("X", "v=${input.n}", inputs)).isEqualTo("v=12");
    assertThatThrownBy(() -> Placeholders.header("X", "${input.s}", inputs))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("header X");
    assertThatThrownBy(() -> Placeholders.render(JSON.readTree("[\"${input.absent.x}\"]"), inputs))
        .isInstanceOf(Problem.class)
        .satisfies(
            e -> assertThat(((Problem) e).params().get("field")).isEqualTo("inputs.absent.x"));
  }

  @Test
  void malformedPlaceholdersAreFoundAtSaveTime() {
    for (String bad :
        new String[] {
          "${x}", "${input.}", "${input.a", "a ${input.a-b}", "${ input.a }", "${inputs.a}"
        }) {
      assertThatThrownBy(() -> Placeholders.check("f", bad)).as(bad).isInstanceOf(Problem.class);
    }
    Placeholders.check("f", "plain $ and { and } and ${input.a} and ${input.b.c_1}");
    assertThatThrownBy(() ->
            Placeholders.checkTree(
                "requestTemplate", JSON.readTree("{\"a\":[1,{\"b\":\"${oops}\"}]}")))
        .isInstanceOf(Problem.class)
        .satisfies(e ->
            assertThat(((Problem) e).params().get("field")).isEqualTo("requestTemplate.a[1].b"));
  }

  /**
   * A 3,000-segment path overflowed the regular expression's stack; 100k characters now take linear
   * time.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.SECONDS)
  void hostileTemplatesAreRefusedOrScannedWithoutRecursion() {
    String longPath = "${input" + ".a".repeat(50_000) + "}";
    assertThatThrownBy(() -> Placeholders.check("url", longPath))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("at most 32 segments");
    assertThat(Placeholders.has(longPath)).isTrue();
    String unterminated = "${input" + ".a".repeat(50_000);
    assertThatThrownBy(() -> Placeholders.check("url", unterminated))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("must start a placeholder");
    assertThat(Placeholders.has(unterminated)).isFalse();
    assertThat(Placeholders.has("${".repeat(50_000))).isFalse();
    String many = "${input.n}".repeat(10_000);
    Placeholders.check("url", many);
    assertThat(Placeholders.url(many, inputs)).isEqualTo("12".repeat(10_000));
    JsonNode deep = JSON.readTree("{\"x\":\"${input.deep.er.x}\"}");
    assertThat(Placeholders.render(deep, inputs).get("x").asString()).isEqualTo("y");
  }
}

package io.switchboard.server.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The Velocity sandbox: Genesys's helpers work, reflection and resources do not, bounds hold. */
class TemplatesTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  final Templates templates = new Templates(JSON);

  String render(String template, String inputJson) {
    return templates.render(
        "t",
        template,
        Map.of("input", templates.toVelocity(JSON.readTree(inputJson))),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void inputsAndGenesysHelpers() {
    String in =
        "{\"name\":\"Ann \\\"A\\\"\\nB\",\"q\":\"a b&c/d\",\"n\":41,\"tags\":[\"x\",\"y\"]}";
    assertThat(render("$input.n ${input.n} $!{input.missing}.", in)).isEqualTo("41 41 .");
    assertThat(render("{\"name\": \"$esc.jsonString($input.name)\"}", in))
        .isEqualTo("{\"name\": \"Ann \\\"A\\\"\\nB\"}");
    assertThat(
            JSON.readTree(render("{\"name\": \"$esc.jsonString($input.name)\"}", in))
                .get("name")
                .asString())
        .isEqualTo("Ann \"A\"\nB");
    assertThat(render("/s?q=$esc.url($input.q)", in)).isEqualTo("/s?q=a+b%26c%2Fd");
    assertThat(render("/s/$esc.uriEncode($input.q)", in)).isEqualTo("/s/a%20b%26c%2Fd");
    assertThat(render("$math.add($input.n, 1) $math.div(7, 2) $math.max(3, 9)", in))
        .isEqualTo("42 3.5 9");
    assertThat(render("#foreach($t in $input.tags)$t#if($foreach.hasNext),#end#end", in))
        .isEqualTo("x,y");
    assertThat(render("$input.tags.size() $input.name.toUpperCase().length()", in))
        .isEqualTo("2 9");
    assertThat(render("$successTemplateUtils.firstFromArray('[\"a\",\"b\"]')", in))
        .isEqualTo("\"a\"");
    assertThat(render("$successTemplateUtils.firstFromArray('[]', 'null')", in)).isEqualTo("null");
  }

  @Test
  void reflectionAndClassAccessAreNotCallable() throws Exception {
    Path marker = Files.createTempDirectory("velocity").resolve("pwned");
    String attack =
        "$input.getClass().forName('java.lang.Runtime').getRuntime().exec('touch " + marker + "')";
    // Nothing resolves: Velocity leaves the reference as written, and nothing ran.
    assertThat(render(attack, "{\"a\":1}")).isEqualTo(attack);
    assertThat(render("$input.class.name|$esc.class|$math.getClass()", "{\"a\":1}"))
        .isEqualTo("$input.class.name|$esc.class|$math.getClass()");
    assertThat(render("#set($s = 'x')$s.getClass().getClassLoader()", "{}"))
        .isEqualTo("$s.getClass().getClassLoader()");
    assertThat(render("$input.a.getClass()", "{\"a\":\"str\"}")).isEqualTo("$input.a.getClass()");
    // On data, a property is the entry: $input.class is no Class object.
    assertThat(render("$input.class|$input.empty|$!input.class", "{\"a\":1}"))
        .isEqualTo("$input.class|$input.empty|");
    assertThat(marker).doesNotExist();
  }

  @Test
  void noResourceLoading() {
    assertThatThrownBy(() -> render("#parse('/etc/passwd')", "{}"))
        .isInstanceOf(Templates.TemplateFailure.class);
    assertThatThrownBy(() -> render("#include('/etc/passwd')", "{}"))
        .isInstanceOf(Templates.TemplateFailure.class);
  }

  @Test
  void loopsOutputAndTimeAreBounded() {
    assertThatThrownBy(() -> render("#foreach($i in [1..100000000])x#end", "{}"))
        .isInstanceOf(Templates.TemplateFailure.class)
        .hasMessageContaining("#foreach iterations");
    // Nested loops share one budget.
    assertThatThrownBy(
            () -> render("#foreach($i in [1..1000])#foreach($j in [1..1000])#end#end", "{}"))
        .isInstanceOf(Templates.TemplateFailure.class)
        .hasMessageContaining("#foreach iterations");
    // Doubling a string stops at the value bound, long before memory runs out.
    String doubled;
    try {
      doubled = render("#set($s='xxxxxxxx')#foreach($i in [1..60])#set($s=\"$s$s\")#end$s", "{}");
    } catch (Templates.TemplateFailure bounded) {
      doubled = "";
    }
    assertThat(doubled.length()).isLessThanOrEqualTo(Templates.MAX_OUTPUT_CHARS);
    // A deadline already passed stops the first iteration.
    assertThatThrownBy(() ->
            templates.render("t", "#foreach($i in [1..10])$i#end", Map.of(), System.nanoTime() - 1))
        .isInstanceOf(Templates.TemplateFailure.class)
        .hasMessageContaining("time");
    // Recursive macros stop at the depth bound.
    assertThatThrownBy(() -> render("#macro(r $n)#r($n)#end#r(1)", "{}"))
        .isInstanceOf(Templates.TemplateFailure.class);
    String big = "x".repeat(Templates.MAX_TEMPLATE_CHARS + 1);
    assertThatThrownBy(() -> templates.check("requestTemplate", big))
        .isInstanceOf(Templates.TemplateFailure.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void parseErrorsAreReportedAtSaveTime() {
    assertThatThrownBy(() -> templates.check("requestTemplate", "#foreach($i in"))
        .isInstanceOf(Templates.TemplateFailure.class)
        .hasMessageContaining("not a valid Velocity template");
  }
}

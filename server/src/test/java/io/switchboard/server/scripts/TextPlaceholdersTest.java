package io.switchboard.server.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TextPlaceholdersTest {
  private static List<String> names(String text) {
    var out = new ArrayList<String>();
    for (var f = TextPlaceholders.find(text, 0);
        f != null;
        f = TextPlaceholders.find(text, f.end())) out.add(f.name());
    return out;
  }

  @Test
  void findsWhatThePatternFound() {
    assertThat(names("Hello {{customerName}}, you are {{ age }}"))
        .containsExactly("customerName", "age");
    assertThat(names("{{{x}}}")).containsExactly("x");
    assertThat(names("{{a{{b}}")).containsExactly("b");
    assertThat(names("{{a}b}} {{\t c \n}}")).containsExactly("c");
    assertThat(names("{{}} {{   }}")).containsExactly("", "");
    assertThat(names("{{ no end")).isEmpty();
    assertThat(names("{x}} {{y} }")).isEmpty();
  }

  @Test
  void fillReplacesEachPlaceholderAndKeepsTheRest() {
    assertThat(
            TextPlaceholders.fill(
                "Hi {{ n }}! {{n}}{{m}} end", name -> name.equals("n") ? "Ann" : ""))
        .isEqualTo("Hi Ann! Ann end");
    assertThat(TextPlaceholders.fill("no placeholder", name -> "x")).isEqualTo("no placeholder");
  }

  /** The regular expression took 15 s for 2,000 spaces and grew with the cube of the length. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void hostileTextsOf100kCharactersAreScannedQuickly() {
    assertThat(names("{{" + " ".repeat(100_000))).isEmpty();
    assertThat(names("{{" + " ".repeat(100_000) + "x" + " ".repeat(100_000) + "}}"))
        .containsExactly("x");
    assertThat(names("{{".repeat(50_000))).isEmpty();
    assertThat(names("{{a".repeat(33_000) + "}}")).containsExactly("a");
    assertThat(names("{{ }".repeat(25_000))).isEmpty();
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ETagsTest {
  @Test
  void ifNoneMatchComparesWeaklyAndAcceptsListsAndStar() {
    String tag = ETags.of("{\"a\":1}");
    assertThat(tag).startsWith("\"").endsWith("\"").hasSize(24);
    assertThat(ETags.of("{\"a\":1}")).isEqualTo(tag);
    assertThat(ETags.of("{\"a\":2}")).isNotEqualTo(tag);
    assertThat(ETags.matches(tag, tag)).isTrue();
    assertThat(ETags.matches("W/" + tag, tag)).isTrue();
    assertThat(ETags.matches("\"x\", " + tag, tag)).isTrue();
    assertThat(ETags.matches("*", tag)).isTrue();
    assertThat(ETags.matches("\"x\"", tag)).isFalse();
    assertThat(ETags.matches(tag.substring(1, tag.length() - 1), tag)).isFalse();
    assertThat(ETags.matches(null, tag)).isFalse();
    assertThat(ETags.matches("", tag)).isFalse();
    assertThat(ETags.matches("\"v1-pages\"", "\"v1\""))
        .as("a tag is compared whole, not by prefix")
        .isFalse();
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConditionalTest {
  @Test
  void ifNoneMatchComparesWeaklyAndAcceptsListsAndAStar() {
    String tag = "\"v1\"";
    assertThat(Conditional.noneMatchHolds("\"v1\"", tag)).isTrue();
    assertThat(Conditional.noneMatchHolds("W/\"v1\"", tag)).isTrue();
    assertThat(Conditional.noneMatchHolds("\"v0\", \"v1\"", tag)).isTrue();
    assertThat(Conditional.noneMatchHolds("*", tag)).isTrue();
    assertThat(Conditional.noneMatchHolds("\"v2\"", tag)).isFalse();
    assertThat(Conditional.noneMatchHolds("\"v1-pages\"", tag)).isFalse();
    assertThat(Conditional.noneMatchHolds("", tag)).isFalse();
    assertThat(Conditional.noneMatchHolds(null, tag)).isFalse();
  }
}

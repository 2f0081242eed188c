package io.switchboard.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void exactPatternsMatchExactly() {
    assertThat(Glob.matches("/api/v2/users", "/api/v2/users")).isTrue();
    assertThat(Glob.matches("/api/v2/users", "/api/v2/users/1")).isFalse();
    assertThat(Glob.matches("/api/v2/users", "/api/v2/user")).isFalse();
  }

  @Test
  void aStarMatchesAnyRunSlashesIncluded() {
    assertThat(Glob.matches("/api/v2/conversations/*", "/api/v2/conversations/c1")).isTrue();
    assertThat(
            Glob.matches(
                "/api/v2/conversations/*", "/api/v2/conversations/c1/participants/p1/wrapup"))
        .isTrue();
    assertThat(Glob.matches("/api/v2/conversations/*", "/api/v2/conversations")).isFalse();
    assertThat(Glob.matches("/api/v2/*/wrapup", "/api/v2/conversations/c/participants/p/wrapup"))
        .isTrue();
    assertThat(Glob.matches("/api/v2/*/wrapup", "/api/v2/conversations/c/wrapupx")).isFalse();
    assertThat(Glob.matches("*", "")).isTrue();
    assertThat(Glob.matches("crm.*.com", "crm.example.com")).isTrue();
  }

  @Test
  void manyStarsOnALongPathDoNotBacktrack() {
    // With backtracking regular expressions this pattern on this path takes minutes; here it is
    // at most pattern length times path length steps.
    String path = "/" + "a".repeat(5_000);
    assertThat(Glob.matches("/*a*a*a*a*a*a*a*b", path)).isFalse();
    assertThat(Glob.matches("/*a*a*a*a*a*a*a*a", path)).isTrue();
  }
}

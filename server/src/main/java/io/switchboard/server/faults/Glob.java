package io.switchboard.server.faults;

/**
 * A path pattern where {@code *} stands for any run of characters, {@code /} included ({@code
 * /api/v2/conversations/*} matches {@code /api/v2/conversations/c1/participants/p1/wrapup}).
 * Matched without regular expressions: a pattern's wildcards cannot make matching slow (at most
 * pattern length times path length steps).
 */
final class Glob {
  private Glob() {}

  static boolean matches(String pattern, String path) {
    int p = 0, s = 0, star = -1, mark = 0;
    while (s < path.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = s;
      } else if (p < pattern.length() && pattern.charAt(p) == path.charAt(s)) {
        p++;
        s++;
      } else if (star >= 0) {
        p = star + 1;
        s = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') p++;
    return p == pattern.length();
  }
}

package io.switchboard.server.scripts;

import java.util.function.Function;

/**
 * {@code {{name}}} placeholders in script texts and labels, spaces allowed inside the braces. A hand scanner
 * rather than a regular expression: the pattern {@code \{\{\s*([^{}]*?)\s*\}\}} backtracked cubically on
 * {@code {{} followed by thousands of spaces (15 s for 2,000). This one looks at each character at most twice.
 */
public final class TextPlaceholders {
  private TextPlaceholders() {}

  /** One placeholder: {@code text.substring(start, end)} is {@code {{ name }}}. */
  public record Found(int start, int end, String name) {}

  /** The first placeholder at or after {@code from}, or null. */
  public static Found find(String text, int from) {
    int i = text.indexOf("{{", from);
    while (i >= 0) {
      int j = i + 2;
      while (j < text.length() && text.charAt(j) != '{' && text.charAt(j) != '}') j++;
      if (j + 1 < text.length() && text.charAt(j) == '}' && text.charAt(j + 1) == '}') {
        return new Found(i, j + 2, strip(text, i + 2, j));
      }
      // Nothing between i + 2 and j is a brace, so the next "{{" cannot start before j, except one
      // step
      // on when a brace follows "{{" at once ("{{{x}}").
      i = text.indexOf("{{", j > i + 2 ? j : i + 1);
    }
    return null;
  }

  /** Every placeholder replaced by {@code value.apply(name)}. */
  public static String fill(String text, Function<String, String> value) {
    Found f = find(text, 0);
    if (f == null) return text;
    var out = new StringBuilder(text.length());
    int copied = 0;
    while (f != null) {
      out.append(text, copied, f.start()).append(value.apply(f.name()));
      copied = f.end();
      f = find(text, copied);
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * The name between the braces without the white space ({@code \s} of regular expressions) around
   * it.
   */
  private static String strip(String text, int from, int to) {
    while (from < to && isSpace(text.charAt(from))) from++;
    while (to > from && isSpace(text.charAt(to - 1))) to--;
    return text.substring(from, to);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}

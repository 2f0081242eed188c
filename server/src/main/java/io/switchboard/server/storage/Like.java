package io.switchboard.server.storage;

import java.util.Locale;

/** {@code LIKE} patterns built from user text, escaped the same way on H2 and PostgreSQL. */
public final class Like {
  /** The escape character to put in SQL: {@code like :pattern escape '!'}. */
  public static final String ESCAPE = "!";

  private Like() {}

  /** A case-folded "contains" pattern; compare it with a lower-cased column. */
  public static String containsIgnoringCase(String text) {
    String folded = text.toLowerCase(Locale.ROOT);
    var sb = new StringBuilder("%");
    for (char c : folded.toCharArray()) {
      if (c == '%' || c == '_' || c == '!') sb.append('!');
      sb.append(c);
    }
    return sb.append('%').toString();
  }
}

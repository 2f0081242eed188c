package io.switchboard.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/** The strict grammar of size settings: {@code <digits>[ ]<unit>?}; see {@link Settings#bytes}. */
final class Sizes {
  private static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("k", 1L << 10),
          Map.entry("kb", 1L << 10),
          Map.entry("kib", 1L << 10),
          Map.entry("m", 1L << 20),
          Map.entry("mb", 1L << 20),
          Map.entry("mib", 1L << 20),
          Map.entry("g", 1L << 30),
          Map.entry("gb", 1L << 30),
          Map.entry("gib", 1L << 30));

  private Sizes() {}

  /** The size in bytes, or empty when the text is not a positive size in the grammar. */
  static OptionalLong parse(String text) {
    String t = text.trim();
    int digits = 0;
    while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') digits++;
    if (digits == 0 || digits > 18) return OptionalLong.empty();
    String rest = t.substring(digits);
    if (rest.startsWith(" ")) rest = rest.substring(1);
    Long factor = UNITS.get(rest.toLowerCase(Locale.ROOT));
    if (factor == null) return OptionalLong.empty();
    try {
      long v = Math.multiplyExact(Long.parseLong(t.substring(0, digits)), factor);
      return v > 0 ? OptionalLong.of(v) : OptionalLong.empty();
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
  }
}

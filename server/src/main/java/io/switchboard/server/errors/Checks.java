package io.switchboard.server.errors;

/**
 * Field checks every feature makes the same way, failing with {@code invalid.value} naming the
 * field.
 */
public final class Checks {
  private Checks() {}

  /** The trimmed text; 400 when missing, blank or longer than {@code max}. */
  public static String requiredText(String field, String value, int max) {
    if (value == null || value.isBlank()) throw Problem.invalid(field, "is required");
    return bounded(field, value.trim(), max);
  }

  /** The trimmed text, or null when missing or blank; 400 when longer than {@code max}. */
  public static String optionalText(String field, String value, int max) {
    if (value == null || value.isBlank()) return null;
    return bounded(field, value.trim(), max);
  }

  private static String bounded(String field, String trimmed, int max) {
    if (trimmed.length() > max)
      throw Problem.invalid(field, "must be at most " + max + " characters");
    return trimmed;
  }
}

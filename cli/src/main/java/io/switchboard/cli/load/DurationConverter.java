package io.switchboard.cli.load;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 500ms}, {@code 10s}, {@code 1.5s}, {@code 2m}, or a bare number of seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms"))
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      if (v.endsWith("s"))
        return millis(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000);
      if (v.endsWith("m"))
        return millis(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 60_000);
      return millis(Double.parseDouble(v) * 1000);
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration such as 500ms, 10s or 2m");
    }
  }

  private static Duration millis(double ms) {
    if (ms < 0 || Double.isNaN(ms) || Double.isInfinite(ms)) throw new NumberFormatException();
    return Duration.ofMillis(Math.round(ms));
  }
}

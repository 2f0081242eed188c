package io.switchboard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The flat, layered view of configuration: every key of {@link SettingKeys}, resolved from
 * defaults, then the YAML file, then {@code SWITCHBOARD_*} environment variables, then command-line
 * flags. Typed getters fail with the key's name so a typo in a config file is an error at start-up,
 * not a silent default.
 */
public final class Settings {
  private final Map<String, String> values;

  Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Defaults plus the given overrides, for tests and embedding. Keys must be known. */
  public static Settings of(Map<String, String> overrides) {
    var merged = new LinkedHashMap<String, String>();
    for (SettingKeys.Key key : SettingKeys.ALL) {
      if (key.defaultValue() != null) merged.put(key.name(), key.defaultValue());
    }
    overrides.forEach((k, v) -> {
      SettingKeys.require(k, "override");
      if (v == null) merged.remove(k);
      else merged.put(k, v);
    });
    return new Settings(merged);
  }

  public Settings with(String key, String value) {
    var copy = new LinkedHashMap<>(values);
    SettingKeys.require(key, "override");
    copy.put(key, value);
    return new Settings(copy);
  }

  public Optional<String> optional(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  public String string(String key) {
    return optional(key)
        .orElseThrow(() -> new ConfigException("config key " + key + " is required"));
  }

  public int integer(String key, int min, int max) {
    String raw = string(key);
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < min || v > max) {
        throw new ConfigException(
            "config key " + key + " must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException("config key " + key + " must be a whole number, got '" + raw + "'");
    }
  }

  /**
   * A size: a whole number with an optional unit, case-insensitive, a space allowed before it.
   * Units are {@code B}, and {@code K}/{@code KB}/{@code KiB}, {@code M}/{@code MB}/{@code MiB},
   * {@code G}/{@code GB}/ {@code GiB}, all binary (1KB = 1KiB = 1024 bytes, as the defaults have
   * always been read). Anything else, zero, or more than a long holds is an error naming the key:
   * {@code 1GB} once silently became 1 byte.
   */
  public long bytes(String key) {
    String raw = string(key);
    return Sizes.parse(raw)
        .orElseThrow(() ->
            new ConfigException(
                "config key "
                    + key
                    + " must be a positive size such as 1048576, 64KiB, 1MiB or 2 GiB"
                    + " (units B, K/KB/KiB, M/MB/MiB, G/GB/GiB, all binary), got '"
                    + raw.trim()
                    + "'"));
  }

  public Duration seconds(String key, int min, int max) {
    return Duration.ofSeconds(integer(key, min, max));
  }

  public boolean bool(String key) {
    String raw = string(key).trim().toLowerCase();
    return switch (raw) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new ConfigException(
              "config key " + key + " must be true or false, got '" + raw + "'");
    };
  }

  public Path path(String key) {
    return Path.of(string(key));
  }

  public Map<String, String> asMap() {
    return values;
  }
}

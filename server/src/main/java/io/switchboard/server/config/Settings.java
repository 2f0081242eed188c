package io.switchboard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The flat, layered view of configuration: every key of {@link SettingKeys}, resolved from defaults, then
 * the YAML file, then {@code SWITCHBOARD_*} environment variables, then command-line flags. Typed getters
 * fail with the key's name so a typo in a config file is an error at start-up, not a silent default.
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
    overrides.forEach(
        (k, v) -> {
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
    return optional(key).orElseThrow(() -> new ConfigException("config key " + key + " is required"));
  }

  public int integer(String key, int min, int max) {
    String raw = string(key);
    try {
      int v = Integer.parseInt(raw.trim());
      if (v < min || v > max) {
        throw new ConfigException("config key " + key + " must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException("config key " + key + " must be a whole number, got '" + raw + "'");
    }
  }

  public long bytes(String key) {
    String raw = string(key).trim().toUpperCase();
    long factor = 1;
    if (raw.endsWith("KIB") || raw.endsWith("KB")) factor = 1024;
    else if (raw.endsWith("MIB") || raw.endsWith("MB")) factor = 1024 * 1024;
    String digits = raw.replaceAll("[A-Z]+$", "").trim();
    try {
      long v = Long.parseLong(digits) * factor;
      if (v <= 0) throw new ConfigException("config key " + key + " must be positive, got '" + raw + "'");
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException("config key " + key + " must be a size such as 1048576 or 1MiB, got '" + raw + "'");
    }
  }

  public Duration seconds(String key, int min, int max) {
    return Duration.ofSeconds(integer(key, min, max));
  }

  public boolean bool(String key) {
    String raw = string(key).trim().toLowerCase();
    return switch (raw) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new ConfigException("config key " + key + " must be true or false, got '" + raw + "'");
    };
  }

  public Path path(String key) {
    return Path.of(string(key));
  }

  public Map<String, String> asMap() {
    return values;
  }
}

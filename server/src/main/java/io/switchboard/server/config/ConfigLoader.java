package io.switchboard.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Resolves {@link Settings}: defaults &lt; YAML file &lt; environment &lt; flags. */
public final class ConfigLoader {
  private final Map<String, String> environment;

  public ConfigLoader(Map<String, String> environment) {
    this.environment = environment;
  }

  public Settings load(Path yamlFile, Map<String, String> flags) {
    var merged = new LinkedHashMap<String, String>();
    for (SettingKeys.Key key : SettingKeys.ALL) {
      if (key.defaultValue() != null) merged.put(key.name(), key.defaultValue());
    }
    if (yamlFile != null) merged.putAll(readYaml(yamlFile));
    for (SettingKeys.Key key : SettingKeys.ALL) {
      String fromEnv = environment.get(key.envName());
      if (fromEnv != null) merged.put(key.name(), fromEnv);
    }
    flags.forEach((k, v) -> {
      SettingKeys.require(k, "flags");
      if (v != null) merged.put(k, v);
    });
    return new Settings(merged);
  }

  private static Map<String, String> readYaml(Path file) {
    if (!Files.isRegularFile(file))
      throw new ConfigException("config file " + file + " does not exist");
    try {
      JsonNode root = YAMLMapper.builder().build().readTree(Files.readString(file));
      var flat = new LinkedHashMap<String, String>();
      if (root != null && !root.isNull() && !root.isMissingNode()) {
        if (!root.isObject())
          throw new ConfigException("config file " + file + " must be a mapping of keys");
        flatten("", root, flat, file);
      }
      return flat;
    } catch (IOException | JacksonException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * Nested mappings ({@code http: {port: 8080}}) and dotted keys ({@code http.port: 8080}) mean the
   * same.
   */
  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
    for (var entry : node.properties()) {
      String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
      JsonNode value = entry.getValue();
      if (value.isObject()) {
        flatten(key, value, out, file);
      } else {
        SettingKeys.require(key, "config file " + file);
        // A YAML list (e.g. externalapis.egress.allow) is kept as its comma-separated items.
        if (value.isArray())
          out.put(key, String.join(",", value.valueStream().map(JsonNode::asString).toList()));
        else out.put(key, value.isNull() ? null : value.asString());
      }
    }
  }
}

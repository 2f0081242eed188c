package io.switchboard.server.integrations;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JsonSmartJsonProvider;
import com.jayway.jsonpath.spi.mapper.JsonSmartMappingProvider;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A data action's {@code translationMap}: each key is a Jayway JSONPath over the raw response,
 * giving the JSON text of its value (a string keeps its quotes, as Genesys inserts it into the
 * success template). A path that resolves nothing takes its {@code translationMapDefaults} value
 * (JSON text); a path that resolves to null stays null ("Null values do not fall back to
 * defaults"). With neither, the translation fails, naming the key.
 */
public final class Translation {
  private static final Configuration CONFIG =
      Configuration.builder()
          .jsonProvider(new JsonSmartJsonProvider())
          .mappingProvider(new JsonSmartMappingProvider())
          .options(EnumSet.noneOf(Option.class))
          .build();

  /** A key that resolved to nothing and has no default, or a path that is not valid. */
  public static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private final JsonMapper json;

  public Translation(JsonMapper json) {
    this.json = json;
  }

  /** Checks that {@code path} compiles. */
  public static void check(String field, String path) {
    try {
      JsonPath.compile(path);
    } catch (InvalidPathException | IllegalArgumentException e) {
      throw new Failure(field + " is not a valid JSONPath: " + e.getMessage());
    }
  }

  /** Key → JSON text of the value (never null: JSON {@code null} is the text "null"). */
  public Map<String, String> apply(
      Map<String, String> map, Map<String, String> defaults, JsonNode raw) {
    var out = new LinkedHashMap<String, String>();
    if (map == null || map.isEmpty()) return out;
    Object document = json.convertValue(raw, Object.class);
    for (var e : map.entrySet()) {
      Object value;
      boolean found;
      try {
        value = JsonPath.compile(e.getValue()).read(document, CONFIG);
        found =
            !(value instanceof java.util.List<?> l && l.isEmpty() && isIndefinite(e.getValue()));
      } catch (PathNotFoundException notFound) {
        value = null;
        found = false;
      } catch (InvalidPathException | IllegalArgumentException bad) {
        throw new Failure(
            "translationMap." + e.getKey() + " is not a valid JSONPath: " + bad.getMessage());
      }
      if (found) {
        out.put(e.getKey(), json.writeValueAsString(json.valueToTree(value)));
      } else if (defaults != null && defaults.containsKey(e.getKey())) {
        out.put(e.getKey(), defaults.get(e.getKey()));
      } else {
        throw new Failure(
            "translationMap."
                + e.getKey()
                + ": the path "
                + e.getValue()
                + " resolved to nothing in the response and there is no translationMapDefaults"
                + " value for it");
      }
    }
    return out;
  }

  private static boolean isIndefinite(String path) {
    return !JsonPath.compile(path).isDefinite();
  }
}

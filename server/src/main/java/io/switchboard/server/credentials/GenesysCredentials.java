package io.switchboard.server.credentials;

import io.switchboard.server.errors.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Genesys's credential shape over our typed credentials. Reads: {@code type: {name}} is {@code
 * basicAuth} (our {@code basic}), {@code userDefinedOAuth} ({@code oauth2-client-credentials}) or
 * {@code userDefined} ({@code bearer}, {@code api-key}, the free-form {@code user-defined}); {@code
 * credentialFields} holds strings only (as the SDKs' {@code Map<String,String>} reads them) under
 * Genesys's names ({@code userName}, {@code loginUrl}; {@code scopes} space-separated). Writes
 * accept either naming: the type as our string, a Genesys name or {@code {name}}, and the fields
 * under either name.
 */
final class GenesysCredentials {
  private GenesysCredentials() {}

  static final String BASIC_AUTH = "basicAuth";
  static final String USER_DEFINED = "userDefined";
  static final String USER_DEFINED_OAUTH = "userDefinedOAuth";

  /** Our field name to Genesys's, where they differ. */
  private static final Map<String, String> GENESYS_FIELD =
      Map.of("username", "userName", "tokenUrl", "loginUrl");

  static String genesysType(CredentialType t) {
    return switch (t) {
      case BASIC -> BASIC_AUTH;
      case OAUTH2_CLIENT_CREDENTIALS -> USER_DEFINED_OAUTH;
      case BEARER, API_KEY, USER_DEFINED -> GenesysCredentials.USER_DEFINED;
    };
  }

  static String genesysField(String ours) {
    return GENESYS_FIELD.getOrDefault(ours, ours);
  }

  /** The public fields as Genesys shows them: strings under Genesys's names. */
  static Map<String, String> fields(Map<String, Object> publicFields) {
    var out = new LinkedHashMap<String, String>();
    publicFields.forEach((k, v) -> {
      if (v == null) return;
      String value =
          v instanceof List<?> list
              ? String.join(" ", list.stream().map(String::valueOf).toList())
              : String.valueOf(v);
      out.put(genesysField(k), value);
    });
    return out;
  }

  /**
   * Our type name for what the caller wrote: our own names pass through; a Genesys {@code
   * userDefined} is {@code credentialType} when given, else the current type its fields fit, else
   * told apart by its fields (just {@code token}: bearer; {@code headerName} and {@code apiKey}:
   * api-key; any other: the free-form user-defined).
   */
  static String ourType(
      JsonNode type, JsonNode fields, String credentialType, CredentialType current) {
    String name;
    if (type == null || type.isNull() || type.isMissingNode()) return null;
    if (type.isString()) name = type.asString();
    else if (type.isObject() && type.get("name") != null && type.get("name").isString())
      name = type.get("name").asString();
    else throw Problem.invalid("type", "must be a type name or an object with a name");
    name = name.trim();
    if (CredentialType.byWireName(name).isPresent()) return name;
    return switch (name) {
      case BASIC_AUTH -> CredentialType.BASIC.wireName();
      case USER_DEFINED_OAUTH -> CredentialType.OAUTH2_CLIENT_CREDENTIALS.wireName();
      case USER_DEFINED -> {
        java.util.Set<String> names =
            fields != null && fields.isObject()
                ? java.util.Set.copyOf(fields.propertyNames())
                : java.util.Set.of();
        if (credentialType != null
            && java.util.Set.of(
                    CredentialType.BEARER.wireName(),
                    CredentialType.API_KEY.wireName(),
                    CredentialType.USER_DEFINED.wireName())
                .contains(credentialType)) yield credentialType;
        // A replace keeps its type (secrets left out are kept). A bearer or api-key credential with
        // other fields is a mistake, not a new kind: becoming user-defined would drop its secrets
        // and leave its users sending nothing, so that takes credentialType user-defined.
        if (current == CredentialType.USER_DEFINED) yield current.wireName();
        if (current == CredentialType.BEARER || current == CredentialType.API_KEY) {
          if (names.stream().allMatch(current::isKnownField)) yield current.wireName();
          throw Problem.invalid(
              "credentialFields",
              "a "
                  + current.wireName()
                  + " credential's fields are "
                  + String.join(", ", current.fields())
                  + "; to make it a free-form user-defined one, send credentialType user-defined");
        }
        if (names.equals(java.util.Set.of("token"))) yield CredentialType.BEARER.wireName();
        if (names.equals(java.util.Set.of("headerName", "apiKey")))
          yield CredentialType.API_KEY.wireName();
        if (!names.isEmpty()) yield CredentialType.USER_DEFINED.wireName();
        throw Problem.invalid("credentialFields", "a userDefined credential needs its fields");
      }
      default ->
          throw new Problem(
              Problem.Kind.INVALID,
              "invalid.value",
              "type must be one of " + String.join(", ", allNames()) + ", got '" + name + "'",
              Map.of("field", "type", "allowed", String.join(",", allNames())));
    };
  }

  private static List<String> allNames() {
    var names = new ArrayList<>(List.of(BASIC_AUTH, USER_DEFINED, USER_DEFINED_OAUTH));
    names.addAll(CredentialType.wireNames());
    return names;
  }

  /**
   * The fields under our names: {@code userName} and {@code loginUrl} taken as aliases, a space- or
   * comma-separated {@code scopes} string as a list.
   */
  static JsonNode normalizeFields(JsonNode fields) {
    if (fields == null || !fields.isObject()) return fields;
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (var e : fields.properties()) {
      String ours = e.getKey();
      for (var alias : GENESYS_FIELD.entrySet())
        if (alias.getValue().equals(e.getKey())) ours = alias.getKey();
      if (out.has(ours))
        throw Problem.invalid("credentialFields." + e.getKey(), "is given twice (under two names)");
      JsonNode v = e.getValue();
      if (ours.equals("scopes") && v != null && v.isString()) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (String s : v.asString().split("[\\s,]+")) if (!s.isEmpty()) list.add(s);
        v = list;
      }
      out.set(ours, v);
    }
    return out;
  }

  /** Genesys's {@code CredentialType}s, with the fields each takes (secret ones marked). */
  static List<Map<String, Object>> types() {
    var out = new ArrayList<Map<String, Object>>();
    out.add(
        type(
            BASIC_AUTH,
            List.of("userName", "password"),
            List.of("userName", "password"),
            Map.of("password", true)));
    out.add(
        type(
            USER_DEFINED,
            List.of("token", "headerName", "apiKey"),
            List.of(),
            Map.of("token", true, "apiKey", true)));
    out.add(
        type(
            USER_DEFINED_OAUTH,
            List.of("loginUrl", "clientId", "clientSecret", "scopes"),
            List.of("loginUrl", "clientId", "clientSecret"),
            Map.of("clientSecret", true)));
    return out;
  }

  private static Map<String, Object> type(
      String name, List<String> order, List<String> required, Map<String, Boolean> secret) {
    var properties = new LinkedHashMap<String, Object>();
    for (String field : order) {
      var p = new LinkedHashMap<String, Object>();
      p.put("type", "string");
      p.put("title", field);
      p.put("secret", secret.getOrDefault(field, false));
      properties.put(field, p);
    }
    var t = new LinkedHashMap<String, Object>();
    t.put("id", name);
    t.put("name", name);
    t.put("properties", properties);
    t.put("displayOrder", order);
    t.put("required", required);
    return t;
  }
}

package io.switchboard.server.credentials;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of stored credential, each with its public fields (returned to callers) and its secret
 * fields (write-only: sealed at rest, never returned, logged or exported).
 */
public enum CredentialType {
  /** HTTP Basic: {@code Authorization: Basic base64(username:password)}. */
  BASIC("basic", List.of("username"), List.of(), List.of("password")),
  /** A fixed bearer token: {@code Authorization: Bearer <token>}. */
  BEARER("bearer", List.of(), List.of(), List.of("token")),
  /** An API key sent in a named header, e.g. {@code X-API-Key}. */
  API_KEY("api-key", List.of("headerName"), List.of(), List.of("apiKey")),
  /**
   * OAuth 2.0 client credentials: a token from {@code tokenUrl}, cached and refreshed before it
   * expires.
   */
  OAUTH2_CLIENT_CREDENTIALS(
      "oauth2-client-credentials",
      List.of("tokenUrl", "clientId"),
      List.of("scopes"),
      List.of("clientSecret")),
  /**
   * Genesys's free-form {@code userDefined}: fields of the caller's naming, every one secret, that
   * a data action's templates place ({@code $credentials.<field>}); nothing is attached by type.
   */
  USER_DEFINED("user-defined", List.of(), List.of(), List.of());

  /** A free-form field's name, as a template refers to it. */
  private static final java.util.regex.Pattern FIELD_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** The public entry under which a free-form credential keeps its fields' names. */
  public static final String FIELD_NAMES = "fieldNames";

  private final String wireName;
  private final List<String> requiredPublic;
  private final List<String> optionalPublic;
  private final List<String> secrets;

  CredentialType(
      String wireName,
      List<String> requiredPublic,
      List<String> optionalPublic,
      List<String> secrets) {
    this.wireName = wireName;
    this.requiredPublic = requiredPublic;
    this.optionalPublic = optionalPublic;
    this.secrets = secrets;
  }

  public String wireName() {
    return wireName;
  }

  public List<String> requiredPublicFields() {
    return requiredPublic;
  }

  public List<String> optionalPublicFields() {
    return optionalPublic;
  }

  /** Every secret field is required when the credential is created. */
  public List<String> secretFields() {
    return secrets;
  }

  public boolean isSecret(String field) {
    return secrets.contains(field);
  }

  /** Every field of a fixed type: required public, optional public, secret. */
  public List<String> fields() {
    var all = new java.util.ArrayList<>(requiredPublic);
    all.addAll(optionalPublic);
    all.addAll(secrets);
    return all;
  }

  /** True for {@link #USER_DEFINED}, whose fields the caller names. */
  public boolean freeForm() {
    return this == USER_DEFINED;
  }

  /** The names of a free-form credential's fields, from its public fields. */
  public static List<String> fieldNames(java.util.Map<String, Object> publicFields) {
    return publicFields.get(FIELD_NAMES) instanceof List<?> names
        ? names.stream().map(String::valueOf).toList()
        : List.of();
  }

  /** A name a free-form credential may give a field. */
  public static boolean isFieldName(String field) {
    return field != null && FIELD_NAME.matcher(field).matches();
  }

  public boolean isKnownField(String field) {
    if (freeForm()) return isFieldName(field);
    return requiredPublic.contains(field)
        || optionalPublic.contains(field)
        || secrets.contains(field);
  }

  public static Optional<CredentialType> byWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static Set<String> wireNames() {
    var names = new java.util.LinkedHashSet<String>();
    for (CredentialType t : values()) names.add(t.wireName);
    return names;
  }
}

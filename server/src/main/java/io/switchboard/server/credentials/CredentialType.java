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
      List.of("clientSecret"));

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

  public boolean isKnownField(String field) {
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

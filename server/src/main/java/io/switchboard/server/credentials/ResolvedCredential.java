package io.switchboard.server.credentials;

import java.util.List;
import java.util.Map;

/**
 * A credential with its secrets opened, for attaching to an outbound request. It never leaves the
 * engine: it is not a wire type and its {@code toString} shows no secret.
 */
public record ResolvedCredential(
    String id,
    long version,
    CredentialType type,
    Map<String, Object> publicFields,
    Map<String, String> secrets,
    List<String> allowedHosts) {
  /**
   * True when the credential may be sent to {@code host}: it is one of {@link #allowedHosts}, or
   * under a {@code *.domain} entry. Nothing is allowed when the list is empty.
   */
  public boolean mayBeSentTo(String host) {
    if (host == null) return false;
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.") ? h.endsWith(allowed.substring(1)) : h.equals(allowed))
        return true;
    }
    return false;
  }

  public String publicField(String name) {
    Object v = publicFields.get(name);
    return v == null ? null : v.toString();
  }

  public List<String> scopes() {
    Object v = publicFields.get("scopes");
    if (v instanceof List<?> list) return list.stream().map(String::valueOf).toList();
    return List.of();
  }

  public String secret(String name) {
    return secrets.get(name);
  }

  /**
   * The fields as a data action's templates read them ({@code $credentials.token}): every public
   * and secret field under its name, and also under Genesys's name where that differs ({@code
   * userName}, {@code loginUrl}); a list (scopes) space-separated.
   */
  public Map<String, String> templateFields() {
    var out = new java.util.LinkedHashMap<String, String>();
    java.util.function.BiConsumer<String, String> both =
        (name, value) -> {
          out.put(name, value);
          out.put(GenesysCredentials.genesysField(name), value);
        };
    // A free-form credential's only public entry is its fields' names.
    if (!type.freeForm())
      publicFields.forEach((name, v) -> {
        if (v != null)
          both.accept(
              name,
              v instanceof List<?> list
                  ? String.join(" ", list.stream().map(String::valueOf).toList())
                  : v.toString());
      });
    secrets.forEach(both);
    return out;
  }

  @Override
  public String toString() {
    return "ResolvedCredential[id="
        + id
        + ", version="
        + version
        + ", type="
        + type.wireName()
        + ", secrets=<redacted>]";
  }
}

package io.switchboard.server.credentials;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored credential as the database keeps it: public fields in clear, secret fields sealed.
 * Holding one never exposes a secret; {@link CredentialService#resolve} opens the seal for the
 * engine alone. {@code allowedHosts}: the hosts it may be sent to (exact names or {@code
 * *.domain}); null when none were given (rows from before the field existed).
 */
public record Credential(
    String id,
    String orgId,
    String name,
    String description,
    CredentialType type,
    Map<String, Object> publicFields,
    String sealedSecrets,
    String keyId,
    List<String> allowedHosts,
    long version,
    Instant createdAt,
    Instant modifiedAt) {

  /**
   * The associated data that ties a sealed value to its row: moving it to another row fails to
   * open.
   */
  static String associatedData(String orgId, String id) {
    return "integration-credential:" + orgId + ":" + id;
  }

  @Override
  public String toString() {
    // The sealed value is not a secret, but nothing about secrets belongs in a log line.
    return "Credential[id="
        + id
        + ", orgId="
        + orgId
        + ", name="
        + name
        + ", type="
        + type.wireName()
        + ", version="
        + version
        + "]";
  }
}

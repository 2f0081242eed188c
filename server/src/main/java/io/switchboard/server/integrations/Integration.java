package io.switchboard.server.integrations;

import java.time.Instant;

/**
 * An integration instance (Genesys's {@code Integration} of type {@code custom-rest-actions}): a
 * named container of data actions holding the credential they are called with.
 *
 * @param intendedState {@code ENABLED} or {@code DISABLED}; the actions of a disabled integration
 *     do not run
 */
public record Integration(
    String id,
    String orgId,
    String name,
    String notes,
    String typeId,
    String intendedState,
    String credentialId,
    int retry,
    long version,
    Instant createdAt,
    Instant modifiedAt) {
  public static final String TYPE = "custom-rest-actions";

  public boolean enabled() {
    return "ENABLED".equals(intendedState);
  }
}

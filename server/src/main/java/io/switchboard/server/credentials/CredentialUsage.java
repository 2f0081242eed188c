package io.switchboard.server.credentials;

import java.util.List;

/**
 * Who refers to a credential, so deleting one that is in use is refused instead of breaking its
 * users. Implemented by the features that hold references (external APIs); wired in the composition
 * root.
 */
public interface CredentialUsage {
  /**
   * Names of the things in {@code orgId} that use credential {@code credentialId}; empty when
   * unused.
   */
  List<String> usersOf(String orgId, String credentialId);
}

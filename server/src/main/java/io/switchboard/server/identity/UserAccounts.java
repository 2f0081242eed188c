package io.switchboard.server.identity;

import java.util.Optional;

/**
 * The users that can sign in, as identity sees them (the {@code users} feature implements it):
 * found by id or by user name (email) within an org, with their password hash.
 */
public interface UserAccounts {
  /** An active user of the org; {@code passwordHash} null when it has no password. */
  record Account(String id, String orgId, String username, String passwordHash) {}

  Optional<Account> findActive(String orgId, String userId);

  Optional<Account> findActiveByUsername(String orgId, String username);
}

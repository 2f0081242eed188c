package io.switchboard.server.credentials;

import io.switchboard.server.storage.Database;
import tools.jackson.databind.json.JsonMapper;

/**
 * Re-encrypts every stored credential and server secret from one key to another, in place and in
 * one transaction: either all rows move to the new key or none do. The token-signing and page-token
 * keys are replaced by new ones on the way ({@link ServerSecrets#rotate}): a rotation is what one
 * does after a key may have leaked, so every access token issued before it stops working and
 * clients fetch new ones. Rows already sealed with the new key are left alone, so a run that was
 * interrupted (or repeated) is safe to run again. Used offline by {@code switchboard credentials
 * rotate-key}.
 */
public final class KeyRotation {
  private KeyRotation() {}

  /** Credentials moved, credentials already on the new key, server secrets re-sealed or renewed. */
  public record Result(int reEncrypted, int alreadyOnNewKey, int serverSecrets) {}

  public static Result rotate(Database database, SecretBox from, SecretBox to) {
    var store = new CredentialStore(database.jdbi(), JsonMapper.builder().build());
    return store.inTransaction(h -> {
      int moved = 0;
      int done = 0;
      for (CredentialStore.SealedRow row : store.lockAllSealed(h)) {
        if (row.keyId().equals(to.keyId())) {
          done++;
          continue;
        }
        if (!row.keyId().equals(from.keyId())) {
          throw new IllegalStateException(
              "credential "
                  + row.id()
                  + " is sealed with key id "
                  + row.keyId()
                  + ", which is neither the current key ("
                  + from.keyId()
                  + ") nor the new one ("
                  + to.keyId()
                  + "); nothing was changed");
        }
        String ad = Credential.associatedData(row.orgId(), row.id());
        byte[] plain = from.open(row.sealed(), ad);
        try {
          store.reseal(h, row.id(), to.seal(plain, ad), to.keyId());
        } finally {
          java.util.Arrays.fill(plain, (byte) 0);
        }
        moved++;
      }
      return new Result(moved, done, ServerSecrets.rotate(h, from, to));
    });
  }
}

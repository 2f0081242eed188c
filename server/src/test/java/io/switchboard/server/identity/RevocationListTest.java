package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.storage.Database;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestDatabases;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RevocationListTest {
  @Test
  void revokedTokensAreRefusedUntilTheyExpireAndTheirRowsArePurgedAfterwards() {
    var clock = new MutableClock();
    try (Database db = Database.open(TestDatabases.h2())) {
      var store = new IdentityStore(db.jdbi());
      try (var list = new RevocationList(store, clock)) {
        list.revoke("short", clock.instant().plusSeconds(60));
        list.revoke("short", clock.instant().plusSeconds(60));
        list.revoke("long", clock.instant().plus(Duration.ofHours(2)));
        assertThat(list.isRevoked("short")).isTrue();

        clock.advance(RevocationList.PURGE.plusSeconds(1));
        list.refresh();
        assertThat(list.isRevoked("short")).isFalse();
        assertThat(list.isRevoked("long")).isTrue();
        // The expired row was deleted by the refresh: nothing is left for a later purge.
        assertThat(store.purgeExpiredRevocations(clock.instant())).isZero();
        assertThat(store.revokedSince(java.time.Instant.EPOCH, clock.instant()))
            .extracting(IdentityStore.Revocation::jti)
            .containsExactly("long");
      }
    }
  }
}

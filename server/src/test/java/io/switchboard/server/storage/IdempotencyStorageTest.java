package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.idempotency.IdempotencyStore;
import io.switchboard.server.testing.BothDatabases;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Idempotency-Key records: one claim per (org, key), owner-checked completion, take-over, on both
 * databases.
 */
class IdempotencyStorageTest {
  static final Instant NOW = Instant.parse("2026-11-24T01:02:03.456Z");

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aKeyIsClaimedOnceCompletedByItsOwnerAndReplayable(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new IdempotencyStore(db.jdbi());
          assertThat(
                  store.tryInsert(
                      "org",
                      "k",
                      "fp",
                      "owner-1",
                      NOW,
                      NOW.plusSeconds(120),
                      NOW.plusSeconds(86_400)))
              .isTrue();
          assertThat(
                  store.tryInsert(
                      "org",
                      "k",
                      "fp",
                      "owner-2",
                      NOW,
                      NOW.plusSeconds(120),
                      NOW.plusSeconds(86_400)))
              .isFalse();
          assertThat(
                  store.tryInsert(
                      "org-2",
                      "k",
                      "fp",
                      "owner-3",
                      NOW,
                      NOW.plusSeconds(120),
                      NOW.plusSeconds(86_400)))
              .as("keys are per org")
              .isTrue();
          assertThat(store.complete("org", "k", "owner-2", 201, "Location:/x\n", "{}")).isFalse();
          assertThat(store.complete("org", "k", "owner-1", 201, "Location:/x\n", "{\"id\":\"1\"}"))
              .isTrue();
          var entry = store.find("org", "k").orElseThrow();
          assertThat(entry.state()).isEqualTo("done");
          assertThat(entry.status()).isEqualTo(201);
          assertThat(entry.body()).isEqualTo("{\"id\":\"1\"}");
          assertThat(entry.headers()).isEqualTo("Location:/x\n");
          assertThat(entry.expiresAt()).isEqualTo(NOW.plusSeconds(86_400));
          store.release("org", "k", "owner-1");
          assertThat(store.find("org", "k")).as("a done key is not released").isPresent();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void onlyAnExpiredOrAbandonedKeyIsTakenOver(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new IdempotencyStore(db.jdbi());
          store.tryInsert(
              "org", "running", "fp", "first", NOW, NOW.plusSeconds(120), NOW.plusSeconds(86_400));
          assertThat(
                  store.takeOver(
                      "org",
                      "running",
                      "fp",
                      "second",
                      NOW.plusSeconds(60),
                      NOW.plusSeconds(180),
                      NOW.plusSeconds(86_460)))
              .isFalse();
          assertThat(
                  store.takeOver(
                      "org",
                      "running",
                      "fp",
                      "second",
                      NOW.plusSeconds(121),
                      NOW.plusSeconds(241),
                      NOW.plusSeconds(86_521)))
              .isTrue();
          assertThat(
                  store.takeOver(
                      "org",
                      "running",
                      "fp",
                      "third",
                      NOW.plusSeconds(122),
                      NOW.plusSeconds(242),
                      NOW.plusSeconds(86_522)))
              .as("the new lease holds")
              .isFalse();
          assertThat(store.complete("org", "running", "first", 200, null, "{}"))
              .as("the first owner lost the key")
              .isFalse();
          store.release("org", "running", "first");
          assertThat(store.find("org", "running").orElseThrow().ownerToken()).isEqualTo("second");

          store.tryInsert(
              "org", "done", "fp", "o", NOW, NOW.plusSeconds(120), NOW.plusSeconds(86_400));
          store.complete("org", "done", "o", 201, null, "{}");
          assertThat(
                  store.takeOver(
                      "org",
                      "done",
                      "fp2",
                      "n",
                      NOW.plusSeconds(86_399),
                      NOW.plusSeconds(86_519),
                      NOW.plusSeconds(172_799)))
              .isFalse();
          assertThat(
                  store.takeOver(
                      "org",
                      "done",
                      "fp2",
                      "n",
                      NOW.plusSeconds(86_400),
                      NOW.plusSeconds(86_520),
                      NOW.plusSeconds(172_800)))
              .isTrue();
          assertThat(store.find("org", "done").orElseThrow().fingerprint()).isEqualTo("fp2");

          store.release("org", "running", "second");
          assertThat(store.find("org", "running")).isEmpty();
          assertThat(store.purgeExpired(NOW.plusSeconds(172_800))).isEqualTo(1);
          assertThat(store.find("org", "done")).isEmpty();
        });
  }
}

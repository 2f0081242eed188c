package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.ratelimit.LimitStore;
import io.switchboard.server.testing.BothDatabases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-org limit overrides behave the same on H2 and on PostgreSQL. */
class LimitStorageTest {
  static final Instant NOW = Instant.parse("2026-11-24T01:02:03.456Z");

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void overridesAreSetRemovedAndVersioned(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new LimitStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          assertThat(store.load(org)).isEqualTo(LimitStore.Overrides.NONE);

          var first =
              store.change(
                  org, Map.of("org.rate.per.minute", 100L, "client.rate.per.minute", 50L), NOW);
          assertThat(first.version()).isEqualTo(1);
          assertThat(first.values())
              .containsExactly(
                  Map.entry("client.rate.per.minute", 50L), Map.entry("org.rate.per.minute", 100L));

          var removals = new HashMap<String, Long>();
          removals.put("client.rate.per.minute", null);
          removals.put("org.rate.per.minute", 200L);
          var second = store.change(org, removals, NOW.plusSeconds(1));
          assertThat(second.version()).isEqualTo(2);
          assertThat(second.values()).containsExactly(Map.entry("org.rate.per.minute", 200L));
          assertThat(store.load(org)).isEqualTo(second);
          // Another org sees none of it.
          assertThat(store.load(UUID.randomUUID().toString())).isEqualTo(LimitStore.Overrides.NONE);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void concurrentFirstChangesOfOneOrgAllLandInOrder(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new LimitStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          var tasks = new ArrayList<Callable<Long>>();
          for (int i = 0; i < 8; i++) {
            long v = i + 1;
            tasks.add(() -> store.change(org, Map.of("org.rate.per.minute", v), NOW).version());
          }
          var versions = new ArrayList<Long>();
          try (var pool = Executors.newFixedThreadPool(8)) {
            for (var f : pool.invokeAll(tasks)) versions.add(f.get());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          assertThat(versions).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
          assertThat(store.load(org).version()).isEqualTo(8);
        });
  }
}

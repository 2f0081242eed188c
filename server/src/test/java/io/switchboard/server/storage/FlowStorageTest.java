package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowExecution;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.testing.BothDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow store (V12) on H2 and PostgreSQL: versions, publishing, executions and their pruning.
 */
class FlowStorageTest {
  static final Instant NOW = Instant.parse("2026-11-30T01:02:03.456Z");

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void versionsPublishExecutionsAndPruning(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new FlowStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          var f =
              new Flow(
                  UUID.randomUUID().toString(),
                  org,
                  "Main IVR",
                  null,
                  "INBOUNDCALL",
                  null,
                  null,
                  1,
                  NOW,
                  NOW);
          store.insert(f);
          var v1 =
              store
                  .saveVersion(
                      org,
                      f.id(),
                      UUID.randomUUID().toString(),
                      "yaml",
                      "inboundCall:\n  name: x\n",
                      NOW)
                  .orElseThrow();
          var v2 =
              store
                  .saveVersion(
                      org, f.id(), UUID.randomUUID().toString(), "json", "{}", NOW.plusSeconds(1))
                  .orElseThrow();
          assertThat(v1.seq()).isEqualTo(1);
          assertThat(v2.seq()).isEqualTo(2);
          assertThat(
                  store.saveVersion(
                      "other-org", f.id(), UUID.randomUUID().toString(), "json", "{}", NOW))
              .isEmpty();
          // Only the saved (latest) version can be published.
          assertThat(store.publish(org, f.id(), v1.id(), NOW)).isFalse();
          assertThat(store.publish(org, f.id(), v2.id(), NOW)).isTrue();
          Flow published = store.find(org, f.id()).orElseThrow();
          assertThat(published.publishedVersionId()).isEqualTo(v2.id());
          assertThat(store.version(org, v2.id()).orElseThrow().published()).isTrue();
          assertThat(store.version("other-org", v2.id())).isEmpty();
          assertThat(store.versions(f.id(), 0, 10)).extracting(v -> v.seq()).containsExactly(2, 1);
          assertThat(store.count(org, new FlowStore.Filter("ivr", "INBOUNDCALL"))).isEqualTo(1);
          assertThat(store.count(org, new FlowStore.Filter(null, "WORKFLOW"))).isZero();

          var old =
              new FlowExecution(
                  UUID.randomUUID().toString(),
                  org,
                  f.id(),
                  v2.id(),
                  "old",
                  "RUNNING",
                  null,
                  null,
                  null,
                  null,
                  NOW,
                  null);
          var recent =
              new FlowExecution(
                  UUID.randomUUID().toString(),
                  org,
                  f.id(),
                  v2.id(),
                  "recent",
                  "RUNNING",
                  null,
                  null,
                  null,
                  null,
                  NOW.plus(Duration.ofHours(2)),
                  null);
          store.insertExecution(old);
          store.insertExecution(recent);
          store.finishExecution(
              old.id(),
              "COMPLETED",
              "completed",
              "disconnect",
              "{}",
              "{\"actionCount\":1}",
              NOW.plusSeconds(1));
          FlowExecution done = store.execution(org, old.id()).orElseThrow();
          assertThat(done.status()).isEqualTo("COMPLETED");
          assertThat(done.trace()).contains("actionCount");
          assertThat(store.execution("other-org", old.id())).isEmpty();

          assertThat(store.pruneExecutions(NOW.plus(Duration.ofHours(1)))).isEqualTo(1);
          assertThat(store.execution(org, old.id())).isEmpty();
          assertThat(store.execution(org, recent.id())).isPresent();
          // Versions outlive their flow.
          assertThat(store.delete(org, f.id())).isTrue();
          assertThat(store.version(org, v2.id())).isPresent();
        });
  }
}

package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowExecution;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.testing.BothDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow store (V12) on H2 and PostgreSQL: versions, publishing, executions and their pruning.
 */
class FlowStorageTest {
  static final Instant NOW = Instant.parse("2026-11-30T01:02:03.456Z");
  static final FlowStore.References NONE = new FlowStore.References(Set.of(), Set.of(), Set.of());

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
          assertThat(store.publish(org, f.id(), v1.id(), true, NOW, NONE)).isFalse();
          assertThat(store.publish(org, f.id(), v2.id(), true, NOW, NONE)).isTrue();
          Flow published = store.find(org, f.id()).orElseThrow();
          assertThat(published.publishedVersionId()).isEqualTo(v2.id());
          assertThat(store.version(org, v2.id()).orElseThrow().published()).isTrue();
          assertThat(store.version("other-org", v2.id())).isEmpty();
          assertThat(store.versions(f.id(), 0, 10)).extracting(v -> v.seq()).containsExactly(2, 1);
          assertThat(store.count(org, new FlowStore.Filter("ivr", Set.of("INBOUNDCALL"))))
              .isEqualTo(1);
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of("WORKFLOW")))).isZero();
          assertThat(
                  store.count(org, new FlowStore.Filter(null, Set.of("WORKFLOW", "INBOUNDCALL"))))
              .isEqualTo(1);

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

          var all = new FlowStore.ExecutionFilter(f.id(), null);
          assertThat(store.executions(org, all, 0, 10))
              .extracting(FlowExecution::name)
              .containsExactly("recent", "old");
          assertThat(store.executions(org, all, 1, 10))
              .extracting(FlowExecution::name)
              .containsExactly("old");
          var running = new FlowStore.ExecutionFilter(f.id(), Set.of("running"));
          assertThat(store.executions(org, running, 0, 10))
              .extracting(FlowExecution::name)
              .containsExactly("recent");
          assertThat(
                  store.countExecutions(
                      org, new FlowStore.ExecutionFilter(f.id(), Set.of("completed", "error"))))
              .isEqualTo(1);
          assertThat(store.countExecutions("other-org", all)).isZero();
          assertThat(store.outcomeCounts(org, f.id()))
              .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("completed", 1L, "running", 1L));
          assertThat(store.pruneExecutions(NOW.plus(Duration.ofHours(1)))).isEqualTo(1);
          assertThat(store.execution(org, old.id())).isEmpty();
          assertThat(store.execution(org, recent.id())).isPresent();
          // Versions outlive their flow.
          assertThat(store.delete(org, f.id())).isTrue();
          assertThat(store.version(org, v2.id())).isPresent();
        });
  }

  /**
   * flow_references (V14): the current published version's data actions and scripts; the foreign
   * keys refuse deleting a used one and publishing a reference to a deleted one; deleting the flow
   * releases them.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void referencesOfThePublishedVersionGuardDeletes(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new FlowStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          String api = UUID.randomUUID().toString();
          String gone = UUID.randomUUID().toString();
          db.jdbi()
              .useHandle(h -> {
                for (String id : List.of(api, gone))
                  h.execute(
                      "insert into external_apis (id, org_id, name, protocol, http_method, url,"
                          + " timeout_ms, retry_count, headers_json, row_version, created_at,"
                          + " modified_at) values (?, ?, ?, 'REST', 'GET', 'http://x', 1000, 0,"
                          + " '[]', 1, ?, ?)",
                      id,
                      org,
                      "api-" + id,
                      java.sql.Timestamp.from(NOW),
                      java.sql.Timestamp.from(NOW));
              });
          var f =
              new Flow(
                  UUID.randomUUID().toString(),
                  org,
                  "F",
                  null,
                  "WORKFLOW",
                  null,
                  null,
                  1,
                  NOW,
                  NOW);
          store.insert(f);
          var v1 =
              store
                  .saveVersion(org, f.id(), UUID.randomUUID().toString(), "json", "{}", NOW)
                  .orElseThrow();
          assertThat(
                  store.publish(
                      org,
                      f.id(),
                      v1.id(),
                      true,
                      NOW,
                      new FlowStore.References(Set.of(api), Set.of(), Set.of())))
              .isTrue();
          assertThat(store.flowsUsingExternalApi(org, api)).containsExactly("F");
          assertThat(store.flowsUsingExternalApi("other-org", api)).isEmpty();
          assertThatThrownBy(() ->
                  db.jdbi()
                      .useHandle(h -> h.execute("delete from external_apis where id = ?", api)))
              .satisfies(e -> assertThat(SqlErrors.isForeignKeyViolation(e)).isTrue());

          // A data action deleted before the publish's write: the publish is refused, nothing
          // changes.
          db.jdbi().useHandle(h -> h.execute("delete from external_apis where id = ?", gone));
          var v2 =
              store
                  .saveVersion(org, f.id(), UUID.randomUUID().toString(), "json", "{}", NOW)
                  .orElseThrow();
          assertThatThrownBy(() ->
                  store.publish(
                      org,
                      f.id(),
                      v2.id(),
                      true,
                      NOW,
                      new FlowStore.References(Set.of(gone), Set.of(), Set.of())))
              .isInstanceOfSatisfying(
                  io.switchboard.server.errors.Problem.class,
                  p -> assertThat(p.code()).isEqualTo("flow.reference.gone"));
          assertThat(store.find(org, f.id()).orElseThrow().publishedVersionId()).isEqualTo(v1.id());
          assertThat(store.flowsUsingExternalApi(org, api)).containsExactly("F");

          // A new published version without it releases it; so does deleting the flow.
          assertThat(store.publish(org, f.id(), v2.id(), true, NOW, NONE)).isTrue();
          assertThat(store.flowsUsingExternalApi(org, api)).isEmpty();
          var v3 =
              store
                  .saveVersion(org, f.id(), UUID.randomUUID().toString(), "json", "{}", NOW)
                  .orElseThrow();
          assertThat(
                  store.publish(
                      org,
                      f.id(),
                      v3.id(),
                      true,
                      NOW,
                      new FlowStore.References(Set.of(api), Set.of(), Set.of())))
              .isTrue();
          assertThat(store.delete(org, f.id())).isTrue();
          assertThat(store.flowsUsingExternalApi(org, api)).isEmpty();
          db.jdbi().useHandle(h -> h.execute("delete from external_apis where id = ?", api));
        });
  }
}

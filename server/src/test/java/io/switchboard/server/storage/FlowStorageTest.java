package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowExecution;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.routing.Ivr;
import io.switchboard.server.routing.IvrStore;
import io.switchboard.server.testing.BothDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow store (V12) on H2 and PostgreSQL: versions, publishing, executions and their pruning;
 * the listing's filters and orders; a flow's guarded delete racing an IVR's write, which never
 * leaves an IVR without its flow.
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
          var f = flow(store, org, "Main IVR", null, "INBOUNDCALL");
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
          assertThat(deleted(store, org, f.id())).isTrue();
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
          var f = flow(store, org, "F", null, "WORKFLOW");
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
          assertThat(deleted(store, org, f.id())).isTrue();
          assertThat(store.flowsUsingExternalApi(org, api)).isEmpty();
          db.jdbi().useHandle(h -> h.execute("delete from external_apis where id = ?", api));
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aDeleteRacingAnIvrWriteNeverLeavesTheIvrWithoutItsFlow(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var flows = new FlowStore(db.jdbi());
          var ivrs = new IvrStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          int kept = 0;
          int deleted = 0;
          try (var pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 40; round++) {
              String flowId = flow(flows, org, "Race " + round, null, "INBOUNDCALL").id();
              var ivr =
                  new Ivr(
                      UUID.randomUUID().toString(),
                      org,
                      "Race IVR " + round,
                      null,
                      List.of("+65" + (7_000_000 + round)),
                      flowId,
                      1,
                      NOW,
                      NOW);
              var barrier = new CyclicBarrier(2);
              var write =
                  CompletableFuture.supplyAsync(
                      () -> {
                        await(barrier);
                        try {
                          ivrs.jdbi().useTransaction(h -> ivrs.insert(h, ivr));
                          return true;
                        } catch (IvrStore.FlowGone gone) {
                          return false;
                        }
                      },
                      pool);
              var delete =
                  CompletableFuture.supplyAsync(
                      () -> {
                        await(barrier);
                        return flows.delete(org, flowId, ivrs::namesUsingFlow);
                      },
                      pool);
              boolean written = write.join();
              FlowStore.Deletion d = delete.join();
              boolean flowThere = flows.find(org, flowId).isPresent();
              boolean ivrThere = ivrs.find(org, ivr.id()).isPresent();
              assertThat(ivrThere).as("round %d", round).isEqualTo(written);
              if (ivrThere) assertThat(flowThere).as("round %d: the IVR's flow", round).isTrue();
              assertThat(flowThere).as("round %d", round).isEqualTo(!d.usedBy().isEmpty());
              if (flowThere) kept++;
              else deleted++;
            }
          }
          assertThat(kept + deleted).isEqualTo(40);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void theListingFiltersByDescriptionAndPublishedVersionAndSorts(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new FlowStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          String alpha = flow(store, org, "Alpha", "Routes billing calls", "INBOUNDCALL").id();
          String beta = flow(store, org, "Beta", "sales line", "INBOUNDCALL").id();
          String gamma = flow(store, org, "Gamma billing", null, "INBOUNDCALL").id();
          var v =
              store
                  .saveVersion(org, beta, UUID.randomUUID().toString(), "json", "{}", NOW)
                  .orElseThrow();
          assertThat(store.publish(org, beta, v.id(), true, NOW.plusSeconds(5), NONE)).isTrue();

          var none = FlowStore.Published.ANY;
          var byName = FlowStore.Sort.DEFAULT;
          assertThat(ids(store, org, filter(null, "BILLING", null, none, byName)))
              .containsExactly(alpha);
          assertThat(ids(store, org, filter(null, null, "billing", none, byName)))
              .containsExactly(alpha, gamma);
          assertThat(ids(store, org, sorted(FlowStore.SortField.DESCRIPTION, true)))
              .as("descriptions ignoring case, a flow without one last")
              .containsExactly(alpha, beta, gamma);
          assertThat(ids(store, org, sorted(FlowStore.SortField.NAME, false)))
              .containsExactly(gamma, beta, alpha);
          for (var published :
              List.of(
                  new FlowStore.Published(v.id(), null, null),
                  new FlowStore.Published(null, NOW, null),
                  new FlowStore.Published(null, NOW, NOW.plusSeconds(6))))
            assertThat(ids(store, org, filter(null, null, null, published, byName)))
                .as(published.toString())
                .containsExactly(beta);
          assertThat(
                  store.count(
                      org,
                      filter(null, null, null, new FlowStore.Published(null, null, NOW), byName)))
              .isZero();
        });
  }

  private static FlowStore.Filter filter(
      String name,
      String description,
      String nameOrDescription,
      FlowStore.Published published,
      FlowStore.Sort sort) {
    return new FlowStore.Filter(
        name, Set.of(), null, description, nameOrDescription, published, false, sort);
  }

  private static FlowStore.Filter sorted(FlowStore.SortField field, boolean ascending) {
    return filter(null, null, null, FlowStore.Published.ANY, new FlowStore.Sort(field, ascending));
  }

  /** A delete with nothing using the flow: true when it was there and is gone. */
  private static boolean deleted(FlowStore store, String org, String id) {
    FlowStore.Deletion d = store.delete(org, id, (h, o, f) -> List.of());
    return d.name() != null && d.usedBy().isEmpty();
  }

  private static List<String> ids(FlowStore store, String org, FlowStore.Filter f) {
    var listed = store.list(org, f, 0, 10).stream().map(Flow::id).toList();
    assertThat(store.count(org, f)).isEqualTo(listed.size());
    return listed;
  }

  /** A flow of {@code type}, stored. */
  private static Flow flow(
      FlowStore store, String org, String name, String description, String type) {
    var f =
        new Flow(
            UUID.randomUUID().toString(), org, name, description, type, null, null, 1, NOW, NOW);
    store.insert(f);
    return f;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

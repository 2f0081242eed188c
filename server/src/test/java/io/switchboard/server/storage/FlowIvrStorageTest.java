package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.routing.Ivr;
import io.switchboard.server.routing.IvrStore;
import io.switchboard.server.testing.BothDatabases;
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
 * Flows and the IVRs that run them on H2 and PostgreSQL: a flow's guarded delete racing an IVR's
 * write never leaves an IVR without its flow, and the flow listing's newer filters and orders.
 */
class FlowIvrStorageTest {
  static final Instant NOW = Instant.parse("2026-12-01T01:02:03.456Z");
  static final FlowStore.References NONE = new FlowStore.References(Set.of(), Set.of(), Set.of());

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
              String flowId = flow(flows, org, "Race " + round, null);
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
          String alpha = flow(store, org, "Alpha", "Routes billing calls");
          String beta = flow(store, org, "Beta", "sales line");
          String gamma = flow(store, org, "Gamma billing", null);
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
          assertThat(
                  ids(
                      store,
                      org,
                      filter(
                          null,
                          null,
                          null,
                          none,
                          new FlowStore.Sort(FlowStore.SortField.DESCRIPTION, true))))
              .as("descriptions ignoring case, a flow without one last")
              .containsExactly(alpha, beta, gamma);
          assertThat(
                  ids(
                      store,
                      org,
                      filter(
                          null,
                          null,
                          null,
                          none,
                          new FlowStore.Sort(FlowStore.SortField.NAME, false))))
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

  private static List<String> ids(FlowStore store, String org, FlowStore.Filter f) {
    var listed = store.list(org, f, 0, 10).stream().map(Flow::id).toList();
    assertThat(store.count(org, f)).isEqualTo(listed.size());
    return listed;
  }

  private static String flow(FlowStore store, String org, String name, String description) {
    var f =
        new Flow(
            UUID.randomUUID().toString(),
            org,
            name,
            description,
            "INBOUNDCALL",
            null,
            null,
            1,
            NOW,
            NOW);
    store.insert(f);
    return f.id();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

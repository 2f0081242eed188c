package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.routing.Queue;
import io.switchboard.server.routing.QueueStore;
import io.switchboard.server.testing.BothDatabases;
import io.switchboard.server.users.User;
import io.switchboard.server.users.UserStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The id filters of the users, queues and flows listings on H2 and PostgreSQL: an in-list of bound
 * ids within the org (null: no filter, empty: no row), with the listings' other filters.
 */
class IdFilterStorageTest {
  static final Instant NOW = Instant.parse("2026-12-01T01:02:03Z");

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void usersAreListedByIdAndStateWithinTheOrg(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new UserStore(db.jdbi());
          String org = id();
          String ann = user(store, org, "Ann");
          String bob = user(store, org, "Bob");
          String cid = user(store, org, "Cid");
          String foreign = user(store, id(), "Ann");
          assertThat(store.markDeleted(org, cid, NOW)).isTrue();

          String active = "active";
          assertThat(store.list(org, active, null, true, 0, 10))
              .extracting(User::id)
              .containsExactly(ann, bob);
          Set<String> asked = Set.of(bob, ann, cid, foreign, id());
          assertThat(store.list(org, active, asked, true, 0, 10))
              .extracting(User::id)
              .containsExactly(ann, bob);
          assertThat(store.count(org, active, asked)).isEqualTo(2);
          assertThat(store.list(org, active, asked, true, 1, 10))
              .extracting(User::id)
              .containsExactly(bob);
          assertThat(store.list(org, active, Set.of(bob), true, 0, 10))
              .extracting(User::id)
              .containsExactly(bob);
          assertThat(store.list(org, active, Set.of(), true, 0, 10)).isEmpty();
          assertThat(store.count(org, active, Set.of())).isZero();
          assertThat(store.count(org, active, hundredWith(ann))).isEqualTo(1);

          // By state: the deleted one alone, or every state (null), never another org's.
          assertThat(store.list(org, "deleted", asked, true, 0, 10))
              .extracting(User::id)
              .containsExactly(cid);
          assertThat(store.count(org, "deleted", null)).isEqualTo(1);
          assertThat(store.list(org, null, asked, true, 0, 10))
              .extracting(User::id)
              .containsExactly(ann, bob, cid);
          assertThat(store.list(org, null, asked, false, 0, 10))
              .extracting(User::id)
              .containsExactly(cid, bob, ann);
          assertThat(store.count(org, null, null)).isEqualTo(3);
          assertThat(store.count(org, "inactive", null)).isZero();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void queuesAreListedByIdWithinTheOrgAndByName(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new QueueStore(db.jdbi());
          String org = id();
          String billing = queue(store, org, "Billing");
          String sales = queue(store, org, "Sales");
          queue(store, org, "Support");
          String foreign = queue(store, id(), "Billing");

          Set<String> asked = Set.of(sales, billing, foreign, id());
          assertThat(store.list(org, null, asked, true, 0, 10))
              .extracting(Queue::id)
              .containsExactly(billing, sales);
          assertThat(store.list(org, null, asked, false, 0, 10))
              .extracting(Queue::id)
              .containsExactly(sales, billing);
          assertThat(store.count(org, null, asked)).isEqualTo(2);
          assertThat(store.list(org, "sal", asked, true, 0, 10))
              .extracting(Queue::id)
              .containsExactly(sales);
          assertThat(store.count(org, "sal", asked)).isEqualTo(1);
          assertThat(store.count(org, "sup", asked)).isZero();
          assertThat(store.count(org, null, null)).isEqualTo(3);
          assertThat(store.list(org, null, Set.of(), true, 0, 10)).isEmpty();
          assertThat(store.count(org, null, Set.of())).isZero();
          assertThat(store.count(org, null, hundredWith(sales))).isEqualTo(1);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void flowsAreListedByIdWithinTheOrgAndByType(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new FlowStore(db.jdbi());
          String org = id();
          String ivr = flow(store, org, "IVR", "INBOUNDCALL");
          String job = flow(store, org, "Job", "WORKFLOW");
          flow(store, org, "Other", "WORKFLOW");
          String foreign = flow(store, id(), "IVR", "INBOUNDCALL");

          Set<String> asked = Set.of(job, ivr, foreign, id());
          assertThat(store.list(org, new FlowStore.Filter(null, Set.of(), asked), 0, 10))
              .extracting(Flow::id)
              .containsExactly(ivr, job);
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of(), asked))).isEqualTo(2);
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of("WORKFLOW"), asked)))
              .isEqualTo(1);
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of(), null))).isEqualTo(3);
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of(), Set.of()))).isZero();
          // A Genesys type no stored flow has matches none; with one they have, those.
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of("BOT")))).isZero();
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of("BOT", "WORKFLOW"))))
              .isEqualTo(2);
          assertThat(store.count(org, new FlowStore.Filter(null, Set.of(), hundredWith(job))))
              .isEqualTo(1);
        });
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  /** {@code id} and 99 ids that exist nowhere: the most one request may ask for. */
  private static Set<String> hundredWith(String id) {
    var ids = new HashSet<>(Set.of(id));
    while (ids.size() < 100) ids.add(id());
    return ids;
  }

  private static String user(UserStore store, String org, String name) {
    var u = new User(id(), org, name, id() + "@example.com", null, null, "active", 1, NOW, NOW);
    assertThat(store.insert(u, "hash")).isTrue();
    return u.id();
  }

  private static String queue(QueueStore store, String org, String name) {
    var q = new Queue(id(), org, name, null, NOW, NOW, 0, 0);
    assertThat(store.insert(q)).isTrue();
    return q.id();
  }

  private static String flow(FlowStore store, String org, String name, String type) {
    var f = new Flow(id(), org, name, null, type, null, null, 1, NOW, NOW);
    store.insert(f);
    return f.id();
  }
}

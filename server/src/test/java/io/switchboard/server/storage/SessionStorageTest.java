package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.http.Json;
import io.switchboard.server.sessions.Session;
import io.switchboard.server.sessions.SessionStore;
import io.switchboard.server.testing.BothDatabases;
import io.switchboard.server.testing.Concurrently;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The session store's row-locked update and the wrap-up completion, the same on H2 and PostgreSQL.
 */
class SessionStorageTest {
  static final Instant NOW = Instant.parse("2026-11-24T01:02:03.456Z");
  static final JsonMapper MAPPER = Json.newMapper();

  static Session session(String org, String conversation, String agent) {
    return new Session(
        UUID.randomUUID().toString(),
        org,
        "script",
        "script-v1",
        conversation,
        agent,
        Session.ACTIVE,
        1,
        JsonNodeFactory.instance.objectNode(),
        NOW,
        NOW,
        null);
  }

  static Session withKey(Session s, String key) {
    ObjectNode data = s.data().deepCopy();
    data.put(key, "v");
    return new Session(
        s.id(),
        s.orgId(),
        s.scriptId(),
        s.scriptVersionId(),
        s.conversationId(),
        s.agentId(),
        s.state(),
        s.version() + 1,
        data,
        s.createdAt(),
        NOW,
        s.completedAt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void concurrentUpdatesQueueOnTheRowLockAndNoneIsLost(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new SessionStore(db.jdbi(), db.directReads(), MAPPER);
          Session s = session("org", "c1", "a1");
          store.insert(s);
          int writers = 24;
          Concurrently.run(
              writers,
              i -> store.update("org", s.id(), current -> withKey(current, "k" + i)).orElseThrow());
          Session after = store.find("org", s.id()).orElseThrow();
          assertThat(after.version()).isEqualTo(writers + 1);
          assertThat(after.data().size()).isEqualTo(writers);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aFailedChangeWritesNothingAndAnotherOrgSeesNothing(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new SessionStore(db.jdbi(), db.directReads(), MAPPER);
          Session s = session("org", "c1", "a1");
          store.insert(s);
          assertThatThrownBy(() ->
                  store.update(
                      "org",
                      s.id(),
                      current -> {
                        throw new IllegalArgumentException("refused");
                      }))
              .hasMessage("refused");
          assertThat(store.update("other-org", s.id(), current -> withKey(current, "x"))).isEmpty();
          assertThat(store.find("other-org", s.id())).isEmpty();
          Session unchanged = store.find("org", s.id()).orElseThrow();
          assertThat(unchanged.version()).isEqualTo(1);
          assertThat(unchanged.data().isEmpty()).isTrue();
          assertThat(unchanged.createdAt()).isEqualTo(NOW);
          assertThat(store.update("org", s.id(), current -> current).orElseThrow().version())
              .as("no change, nothing written")
              .isEqualTo(1);
          assertThatThrownBy(() ->
                  store.update(
                      "org",
                      s.id(),
                      current ->
                          new Session(
                              current.id(),
                              current.orgId(),
                              current.scriptId(),
                              current.scriptVersionId(),
                              current.conversationId(),
                              current.agentId(),
                              current.state(),
                              0,
                              current.data(),
                              current.createdAt(),
                              current.modifiedAt(),
                              current.completedAt())))
              .isInstanceOf(IllegalStateException.class);

          // A batch of three changes in one transaction raises the version by three.
          Session batched =
              store
                  .update(
                      "org", s.id(), current -> withKey(withKey(withKey(current, "a"), "b"), "c"))
                  .orElseThrow();
          assertThat(batched.version()).isEqualTo(4);
          assertThat(store.find("org", s.id()).orElseThrow().data().propertyNames())
              .containsExactly("a", "b", "c");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aWrapupCompletesTheAgentsAndTheUnassignedActiveSessionsOfTheConversation(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new SessionStore(db.jdbi(), db.directReads(), MAPPER);
          Session mine = session("org", "c1", "agent-a");
          Session unassigned = session("org", "c1", null);
          Session colleague = session("org", "c1", "agent-b");
          Session otherCall = session("org", "c2", "agent-a");
          Session otherOrg = session("org-2", "c1", "agent-a");
          for (Session s : new Session[] {mine, unassigned, colleague, otherCall, otherOrg})
            store.insert(s);
          Instant at = NOW.plusSeconds(60);
          int n =
              db.jdbi().inTransaction(h -> store.completeForAgent(h, "org", "c1", "agent-a", at));
          assertThat(n).isEqualTo(2);
          Session done = store.find("org", mine.id()).orElseThrow();
          assertThat(done.state()).isEqualTo(Session.COMPLETED);
          assertThat(done.version()).isEqualTo(2);
          assertThat(done.completedAt()).isEqualTo(at);
          assertThat(store.find("org", unassigned.id()).orElseThrow().isCompleted()).isTrue();
          assertThat(store.find("org", colleague.id()).orElseThrow().isCompleted()).isFalse();
          assertThat(store.find("org", otherCall.id()).orElseThrow().isCompleted()).isFalse();
          assertThat(store.find("org-2", otherOrg.id()).orElseThrow().isCompleted()).isFalse();
          int again =
              db.jdbi().inTransaction(h -> store.completeForAgent(h, "org", "c1", "agent-a", at));
          assertThat(again).as("already completed").isZero();
          assertThat(store.findActiveForScript("org", "script")).isPresent();
        });
  }
}

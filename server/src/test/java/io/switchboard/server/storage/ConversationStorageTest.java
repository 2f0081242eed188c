package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.conversations.CallState;
import io.switchboard.server.conversations.Conversation;
import io.switchboard.server.conversations.ConversationStore;
import io.switchboard.server.conversations.Participant;
import io.switchboard.server.http.Json;
import io.switchboard.server.testing.BothDatabases;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A participant's queue (V20) is stored and read back the same on H2 and on PostgreSQL. */
class ConversationStorageTest {
  static final Instant NOW = Instant.parse("2026-11-30T01:02:03.456Z");

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void aParticipantKeepsItsQueue(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new ConversationStore(db.jdbi(), Json.newMapper());
          String org = UUID.randomUUID().toString();
          String id = UUID.randomUUID().toString();
          String queue = UUID.randomUUID().toString();
          var agent =
              new Participant(
                  UUID.randomUUID().toString(),
                  id,
                  0,
                  Participant.AGENT,
                  UUID.randomUUID().toString(),
                  "Agent",
                  "+15550100",
                  CallState.CONNECTED,
                  UUID.randomUUID().toString(),
                  Map.of(),
                  NOW,
                  NOW,
                  null,
                  null,
                  queue);
          var customer =
              new Participant(
                  UUID.randomUUID().toString(),
                  id,
                  1,
                  Participant.CUSTOMER,
                  null,
                  "+15550123",
                  "+15550123",
                  CallState.ALERTING,
                  UUID.randomUUID().toString(),
                  Map.of(),
                  NOW,
                  null,
                  null,
                  null);
          var c =
              new Conversation(
                  id,
                  org,
                  CallState.CONNECTED,
                  "+15550100",
                  "+15550123",
                  NOW,
                  null,
                  List.of(agent, customer));
          store.inTransaction(h -> {
            store.insert(h, c);
            return null;
          });
          Conversation back = store.find(org, id).orElseThrow();
          assertThat(back.participants()).containsExactly(agent, customer);
          assertThat(back.participants().get(0).queueId()).isEqualTo(queue);
          assertThat(back.participants().get(1).queueId()).isNull();
          assertThat(back.outbound()).isTrue();
        });
  }
}

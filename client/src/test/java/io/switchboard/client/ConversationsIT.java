package io.switchboard.client;

import static io.switchboard.client.FaultProxy.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.ConversationsApi.Conversation;
import io.switchboard.client.ConversationsApi.WrapupInput;
import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Calls and wrap-ups through the client (S5): keyed POSTs are retried and recorded once. */
class ConversationsIT {
  static TestServer server;
  static Scenario scenario;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
  }

  @AfterAll
  static void stop() {
    scenario.close();
    server.close();
  }

  @Test
  void aWrapupRightAfterDisconnectIsRecorded() {
    String agentId = scenario.agent();
    String code = scenario.admin().wrapupCodes().create("Resolved " + System.nanoTime()).id();
    Conversation call = scenario.call(agentId);
    var agent = call.participant("agent").orElseThrow();
    scenario.admin().conversations().disconnect(call.id());
    scenario
        .admin()
        .conversations()
        .wrapup(
            call.id(),
            agent.id(),
            agent.calls().get(0).id(),
            new WrapupInput(code, "all good", null, null));
    assertThat(scenario.admin().conversations().getWrapup(call.id(), agent.id()))
        .hasValueSatisfying(w -> assertThat(w.code()).isEqualTo(code));
  }

  /**
   * Seed 004: right after the close, the interaction's wrap-up answers 404 for a moment (here the
   * {@code wrapup-after-close-404} fault scenario: 1.5 s). One naive POST fails; the library tries
   * the keyed wrap-up again through the lag and it is recorded.
   */
  @Test
  void aWrapupRightAfterTheCloseIsTriedAgainThroughTheLag() {
    String agentId = scenario.agent();
    String code = scenario.admin().wrapupCodes().create("Lagged " + System.nanoTime()).id();
    Conversation first = scenario.call(agentId);
    Conversation second = scenario.call(agentId);
    var admin = scenario.admin();
    admin.faults().applyScenario("wrapup-after-close-404", 60L);
    try {
      String token = server.api().token(scenario.org().clientId(), scenario.org().clientSecret());
      admin.conversations().disconnect(first.id());
      var naive =
          server
              .api()
              .post(
                  "/api/v2/integrations/scripting/interactions/" + first.id() + "/wrapup",
                  token,
                  "{\"agentId\":\"" + agentId + "\",\"code\":\"" + code + "\"}");
      assertThat(naive.status()).as(naive.toString()).isEqualTo(404);

      admin.conversations().disconnect(second.id());
      long closed = System.nanoTime();
      admin
          .conversations()
          .wrapupInteraction(second.id(), null, agentId, new WrapupInput(code, "late", null, null));
      assertThat(Duration.ofNanos(System.nanoTime() - closed))
          .as("recorded only once the lag had passed")
          .isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
    } finally {
      admin.faults().clear();
    }
    var agent = second.participant("agent").orElseThrow();
    assertThat(admin.conversations().getWrapup(second.id(), agent.id()))
        .hasValueSatisfying(w -> assertThat(w.code()).isEqualTo(code));
  }

  @Test
  void aWrapupWhoseAnswerWasLostIsRetriedAndRecordedOnce() {
    String agentId = scenario.agent();
    String code = scenario.admin().wrapupCodes().create("Sold " + System.nanoTime()).id();
    Conversation call = scenario.call(agentId);
    var agent = call.participant("agent").orElseThrow();
    scenario.admin().conversations().disconnect(call.id());
    try (var proxy = FaultProxy.before(server.baseUrl());
        var client =
            SwitchboardClient.builder()
                .baseUrl(proxy.baseUrl())
                .clientCredentials(scenario.org().clientId(), scenario.org().clientSecret())
                .retry(new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(20)))
                .build()) {
      // The first try never reaches the server; the retry, with the same key, does.
      proxy.inject(
          request("POST", "/api/v2/integrations/scripting/interactions/"), Fault.drop(), 1);
      client
          .conversations()
          .wrapupInteraction(call.id(), null, agentId, new WrapupInput(code, "first", null, null));
      var tries =
          proxy.seen().stream()
              .filter(s -> s.path().startsWith("/api/v2/integrations/scripting/interactions/"))
              .toList();
      assertThat(tries).hasSize(2);
      assertThat(tries.get(0).idempotencyKey())
          .isNotBlank()
          .isEqualTo(tries.get(1).idempotencyKey());
    }
    assertThat(scenario.admin().conversations().getWrapup(call.id(), agent.id()))
        .hasValueSatisfying(w -> assertThat(w.notes()).isEqualTo("first"));
  }

  @Test
  void aWrapupBeforeDisconnectIsATypedConflict() {
    String agentId = scenario.agent();
    String code = scenario.admin().wrapupCodes().create("Early " + System.nanoTime()).id();
    Conversation call = scenario.call(agentId);
    var agent = call.participant("agent").orElseThrow();
    assertThatThrownBy(() ->
            scenario
                .admin()
                .conversations()
                .wrapup(
                    call.id(),
                    agent.id(),
                    agent.calls().get(0).id(),
                    new WrapupInput(code, null, null, null)))
        .isInstanceOfSatisfying(
            ApiException.ConflictException.class,
            e -> assertThat(e.code()).isEqualTo("conversation.not.disconnected"));
    assertThat(scenario.admin().conversations().getWrapup(call.id(), agent.id())).isEmpty();
  }

  @Test
  void agentsAndCodesPageThroughStreams() {
    for (int i = 0; i < 3; i++) scenario.agent();
    assertThat(scenario.admin().users().stream(2).count())
        .isEqualTo(scenario.admin().users().list(1, 1).total());
    assertThat(scenario.admin().wrapupCodes().stream(2).count())
        .isEqualTo(scenario.admin().wrapupCodes().list(1, 1).total());
  }
}

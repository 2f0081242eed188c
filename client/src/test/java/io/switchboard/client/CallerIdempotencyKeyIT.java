package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Callers give their own idempotency key to keyed calls, and a failure names the key and says
 * whether the request may have landed (issue 17, correctness 3).
 */
class CallerIdempotencyKeyIT {
  static final String SINGLE = "/api/v2/agent-scripting/sessions";
  static TestServer server;
  static Scenario scenario;
  static FaultProxy proxy;
  static String scriptId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
    scriptId = scenario.publishedScript();
    proxy = FaultProxy.before(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    scenario.close();
    server.close();
  }

  @Test
  void aCreateWhoseAnswerWasLostIsRepeatedWithTheSameKeyAndMadeOnce() {
    try (var client =
        scenario
            .clientBuilder(server)
            .baseUrl(proxy.baseUrl())
            .retry(RetrySettings.none())
            .build()) {
      var request = new NewSession(scriptId, scenario.call(null).id(), null, Map.of("name", "Ada"));
      String key = "caller-key-" + java.util.UUID.randomUUID();
      proxy.inject(
          s -> s.method().equals("POST") && s.path().equals(SINGLE), Fault.dropAnswer(), 1);
      int replayedBefore = proxy.replayed();
      assertThatThrownBy(() -> client.sessions().create(request, key))
          .isInstanceOfSatisfying(
              SwitchboardException.class,
              e -> {
                assertThat(e.idempotencyKey()).contains(key);
                assertThat(e.mayHaveLanded()).isTrue();
              });
      Session again = client.sessions().create(request, key);
      assertThat(again.data()).containsEntry("name", "Ada");
      assertThat(proxy.replayed() - replayedBefore)
          .as("the second create was the server's replay of the first")
          .isEqualTo(1);
      assertThat(proxy.count(s -> key.equals(s.idempotencyKey()))).isEqualTo(2);
    }
  }

  @Test
  void aRefusedRequestNamesItsKeyAndDidNotLand() {
    try (var client = scenario.clientBuilder(server).baseUrl(proxy.baseUrl()).build()) {
      var request = new NewSession(scriptId, "no-such-conversation", null, null);
      assertThatThrownBy(() -> client.sessions().create(request, "refused-key"))
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.idempotencyKey()).contains("refused-key");
                assertThat(e.mayHaveLanded()).isFalse();
              });
    }
  }

  @Test
  void generatedKeysAreNamedOnTheExceptionToo() {
    try (var client =
        scenario
            .clientBuilder(server)
            .baseUrl(proxy.baseUrl())
            .retry(RetrySettings.none())
            .build()) {
      proxy.inject(
          s -> s.method().equals("POST") && s.path().endsWith("/calls"), Fault.dropAnswer(), 1);
      assertThatThrownBy(() ->
              client
                  .conversations()
                  .createCall(
                      new ConversationsApi.NewCall("tel:+15550100", "tel:+15550199", null, null)))
          .isInstanceOfSatisfying(
              SwitchboardException.class,
              e -> {
                assertThat(e.mayHaveLanded()).isTrue();
                assertThat(e.idempotencyKey()).isPresent();
                assertThat(proxy.count(s -> e.idempotencyKey().get().equals(s.idempotencyKey())))
                    .isEqualTo(1);
              });
    }
  }
}

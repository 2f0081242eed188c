package io.switchboard.server.flows;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code v2.flows.executions.{id}}: a socket subscribed to a running execution hears when it has
 * finished. Uses FlowsIT's server and fixtures (the example flow against a loopback CRM).
 */
class FlowExecutionEventsIT {
  @BeforeAll
  static void start() {
    FlowsIT.start();
  }

  @AfterAll
  static void stop() {
    FlowsIT.stop();
  }

  @Test
  void aSubscriberHearsTheExecutionFinish() throws Exception {
    Api api = FlowsIT.api;
    String tok = api.token(FlowsIT.server.newOrg());
    var release = new CountDownLatch(1);
    FlowsIT.upstream.on(
        "/crm-notify",
        (ex, req) -> {
          try {
            release.await(15, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          json(ex, 200, "{\"tier\":\"gold\",\"scriptId\":\"s-1\"}");
        });
    String flowId = FlowsIT.exampleFlow(tok, "/crm-notify", 10_000);
    String execution =
        FlowsIT.launch(tok, flowId, "{\"Call.Ani\":\"gold-9\"}").get("id").asString();

    var channel = api.post("/api/v2/notifications/channels", tok, null).json();
    var answer =
        api.put(
            "/api/v2/notifications/channels/" + channel.get("id").asString() + "/subscriptions",
            tok,
            "[{\"id\":\"v2.flows.executions." + execution + "\"}]");
    assertThat(answer.json().get("entities").get(0).get("state").asString()).isEqualTo("Permitted");
    try (var socket = socket(channel.get("connectUri").asString())) {
      // The server answers a ping once it holds the socket: only then may the flow finish.
      socket.send("{\"message\":\"ping\"}");
      JsonNode pong =
          socket.next(10, m -> m.path("eventBody").path("message").asString("").equals("pong"));
      assertThat(pong).isNotNull();
      release.countDown();
      JsonNode event = socket.next(15);
      assertThat(event.get("topicName").asString()).isEqualTo("v2.flows.executions." + execution);
      assertThat(event.get("eventBody").get("status").asString()).isEqualTo("COMPLETED");
      assertThat(event.get("eventBody").get("outcome").asString()).isEqualTo("completed");
    }
  }

  private static TestSocket socket(String uri) {
    return TestSocket.connect(uri);
  }
}

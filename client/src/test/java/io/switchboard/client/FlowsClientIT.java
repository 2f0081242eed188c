package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.FlowsApi.Flow;
import io.switchboard.client.FlowsApi.FlowExecution;
import io.switchboard.client.FlowsApi.NewFlow;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The typed flows API against the real server: CRUD, definitions, publish, executions. */
class FlowsClientIT {
  static TestServer server;
  static Scenario scenario;

  static final String GREETER =
      """
      workflow:
        name: Greeter
        startUpRef: "/workflow/tasks/task[start]"
        variables:
          - stringVariable:
              name: Flow.who
              isInput: true
          - stringVariable:
              name: Flow.greeting
              isOutput: true
        tasks:
          - task:
              name: Start
              refId: start
              actions:
                - updateData:
                    name: Greet
                    statements:
                      - string:
                          variable: Flow.greeting
                          value:
                            exp: Append("Hello ", Flow.who)
      """;

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
  void aWorkflowIsCreatedSavedPublishedLaunchedAndAwaited() {
    try (var client = scenario.clientBuilder(server).build()) {
      var flows = client.flows();
      String name = "Greeter " + UUID.randomUUID();
      Flow flow = flows.create(new NewFlow(name, "says hello", "WORKFLOW"));
      assertThat(flow.type()).isEqualTo("WORKFLOW");
      assertThat(flow.active()).isFalse();

      var saved = flows.saveYaml(flow.id(), GREETER);
      assertThat(saved.type()).isEqualTo("SAVE");
      assertThat(flows.latestConfiguration(flow.id())).isEqualTo(GREETER);
      assertThat(flows.versions(flow.id(), 1, 25).entities()).hasSize(1);

      Flow published = flows.publish(flow.id());
      assertThat(published.active()).isTrue();
      assertThat(published.publishedVersion().id()).isEqualTo(saved.id());

      var launched = flows.launch(flow.id(), Map.of("Flow.who", "Ada"), "first");
      assertThat(launched.flowVersion().id()).isEqualTo(saved.id());
      FlowExecution done = flows.awaitExecution(launched.id());
      assertThat(done.status()).isEqualTo("COMPLETED");
      assertThat(done.outputData()).containsEntry("Flow.greeting", "Hello Ada");
      assertThat(done.flowId()).isEqualTo(flow.id());
      // The caller's key: the same launch sent again answers the first execution.
      var keyed = flows.launch(flow.id(), Map.of("Flow.who", "Grace"), null, "greet-grace");
      var again = flows.launch(flow.id(), Map.of("Flow.who", "Grace"), null, "greet-grace");
      assertThat(again.id()).isEqualTo(keyed.id());
      assertThat(flows.awaitExecution(keyed.id()).outputData())
          .containsEntry("Flow.greeting", "Hello Grace");
      assertThat(flows.executionSummary(flow.id()).total()).isEqualTo(2);

      assertThat(flows.update(flow.id(), new NewFlow(name + " v2", null, "WORKFLOW")).name())
          .isEqualTo(name + " v2");
      assertThat(flows.stream(25, name, "WORKFLOW").map(Flow::id)).containsExactly(flow.id());
      flows.delete(flow.id());
      assertThatThrownBy(() -> flows.get(flow.id()))
          .isInstanceOf(ApiException.NotFoundException.class);
    }
  }

  @Test
  void publishingABrokenDefinitionNamesEveryProblemWithItsLine() {
    try (var client = scenario.clientBuilder(server).build()) {
      Flow flow =
          client.flows().create(new NewFlow("Broken " + UUID.randomUUID(), null, "WORKFLOW"));
      client.flows().saveYaml(flow.id(), GREETER.replace("Flow.who)", "Flow.nobody)"));
      assertThatThrownBy(() -> client.flows().publish(flow.id()))
          .isInstanceOfSatisfying(
              ApiException.InvalidRequestException.class,
              e -> {
                assertThat(e.code()).isEqualTo("flow.invalid");
                assertThat(e.error().errors()).isNotEmpty();
                assertThat(e.error().errors().get(0).messageParams())
                    .containsKeys("line", "column");
              });
      // Wrong input types are refused at launch (nothing published yet here: 4xx either way).
      assertThatThrownBy(() -> client.flows().launch(flow.id(), Map.of("Flow.who", 3), null))
          .isInstanceOf(ApiException.class);
    }
  }

  @Test
  void anotherOrgsFlowIsMissingAndAwaitingIsBoundedByTheDeadline() {
    try (var client = scenario.clientBuilder(server).build();
        Scenario other = Scenario.in(server)) {
      Flow theirs = other.admin().flows().create(new NewFlow("Theirs", null, "WORKFLOW"));
      assertThatThrownBy(() -> client.flows().get(theirs.id()))
          .isInstanceOf(ApiException.NotFoundException.class);
      assertThatThrownBy(() -> client.flows().execution(UUID.randomUUID().toString()))
          .isInstanceOf(ApiException.NotFoundException.class);
      assertThat(client.withDeadline(Duration.ofSeconds(1)).flows().stream(25, "Theirs", null))
          .isEmpty();
    }
  }
}

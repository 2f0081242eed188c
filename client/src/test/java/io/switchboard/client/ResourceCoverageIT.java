package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.ApiException.ConflictException;
import io.switchboard.client.ApiException.InvalidRequestException;
import io.switchboard.client.ApiException.NotFoundException;
import io.switchboard.client.ApiException.VersionMismatchException;
import io.switchboard.client.ConversationsApi.NewCall;
import io.switchboard.client.ConversationsApi.OutboundCall;
import io.switchboard.client.FlowsApi.NewFlow;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each resource the server has, through the client's typed API: a happy path and a typed error. */
class ResourceCoverageIT {
  static TestServer server;
  static Scenario scenario;
  static SwitchboardClient client;

  @BeforeAll
  static void start() {
    // Data actions call an Upstream on loopback, which egress refuses by default.
    server = TestServer.start(Map.of(SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    scenario = Scenario.in(server);
    client = scenario.admin();
  }

  @AfterAll
  static void stop() {
    scenario.close();
    server.close();
  }

  private static String unique(String prefix) {
    return prefix + " " + UUID.randomUUID();
  }

  @Test
  void queuesMembersAndRoutingStatus() {
    var routing = client.routing();
    var queue = routing.createQueue(new RoutingApi.NewQueue(unique("Support"), "first line"));
    assertThat(routing.getQueue(queue.id()).name()).isEqualTo(queue.name());
    // The org's Home division, with the same id every API names.
    assertThat(queue.division().id()).isEqualTo(client.authorization().homeDivision().id());
    var renamed = routing.updateQueue(queue.id(), new RoutingApi.NewQueue(unique("Renamed"), null));
    assertThat(renamed.name()).startsWith("Renamed");
    assertThat(routing.listQueues(1, 25, renamed.name()).entities())
        .extracting(RoutingApi.Queue::id)
        .containsExactly(queue.id());

    String agent = scenario.agent();
    assertThat(routing.routingStatus(agent).status()).isEqualTo("OFF_QUEUE");
    routing.addMembers(queue.id(), List.of(agent));
    routing.addMembers(queue.id(), List.of(agent)); // already a member: skipped
    var members = routing.members(queue.id(), 1, 25);
    assertThat(members.entities()).extracting(RoutingApi.QueueMember::id).containsExactly(agent);
    assertThat(routing.getQueue(queue.id()).memberCount()).isEqualTo(1);
    var idle = routing.setRoutingStatus(agent, "IDLE");
    assertThat(idle.status()).isEqualTo("IDLE");
    assertThat(routing.routingStatus(agent).status()).isEqualTo("IDLE");
    routing.setRoutingStatus(agent, "OFF_QUEUE");

    assertThatThrownBy(() -> routing.setRoutingStatus(agent, "INTERACTING"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid.value"));
    routing.removeMembers(queue.id(), List.of(agent));
    assertThat(routing.members(queue.id(), 1, 25).entities()).isEmpty();
    routing.addMembers(queue.id(), List.of(agent));
    routing.removeMember(queue.id(), agent);
    assertThatThrownBy(() -> routing.removeMember(queue.id(), agent))
        .isInstanceOf(NotFoundException.class);
    routing.deleteQueue(queue.id());
    assertThatThrownBy(() -> routing.getQueue(queue.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void ivrsAndTheFlowExecutionsOfACallThatArrivesOnOne() {
    String queueName = "Q " + UUID.randomUUID().toString().substring(0, 8);
    var queue = client.routing().createQueue(new RoutingApi.NewQueue(queueName, null));
    String agent = scenario.agent();
    client.routing().addMembers(queue.id(), List.of(agent));
    client.routing().setRoutingStatus(agent, "IDLE");
    var flow = client.flows().create(new NewFlow(unique("Inbound"), null, "INBOUNDCALL"));
    client
        .flows()
        .saveYaml(
            flow.id(),
            """
            inboundCall:
              name: To queue
              startUpRef: "/inboundCall/tasks/task[main]"
              tasks:
                - task:
                    name: Main
                    refId: main
                    actions:
                      - transferToAcd:
                          name: Queue
                          targetQueue:
                            lit:
                              name: %s
            """
                .formatted(queueName));
    client.flows().publish(flow.id());

    var ivrs = client.ivrs();
    var ivr = ivrs.create(IvrsApi.NewIvr.of(unique("Main line"), flow.id(), "+15550142"));
    assertThat(ivr.dnis()).containsExactly("+15550142");
    assertThat(ivr.openHoursFlow().id()).isEqualTo(flow.id());
    assertThat(ivrs.get(ivr.id()).version()).isEqualTo(ivr.version());
    assertThat(ivrs.list(1, 25, ivr.name()).entities())
        .extracting(IvrsApi.Ivr::id)
        .contains(ivr.id());
    var changed =
        ivrs.update(
            ivr.id(),
            new IvrsApi.NewIvr(
                ivr.name(),
                "changed",
                List.of("+15550142", "+15550143"),
                new IvrsApi.FlowRef(flow.id()),
                ivr.version()));
    assertThat(changed.description()).isEqualTo("changed");
    assertThat(changed.version()).isGreaterThan(ivr.version());
    assertThatThrownBy(() ->
            ivrs.update(
                ivr.id(),
                new IvrsApi.NewIvr(
                    ivr.name(),
                    null,
                    List.of("+15550142"),
                    new IvrsApi.FlowRef(flow.id()),
                    ivr.version())))
        .isInstanceOf(VersionMismatchException.class);
    assertThatThrownBy(
            () -> ivrs.create(IvrsApi.NewIvr.of(unique("Second line"), flow.id(), "+15550143")))
        .isInstanceOfSatisfying(
            ConflictException.class, e -> assertThat(e.code()).isEqualTo("ivr.dnis.taken"));

    var call = client.conversations().createCall(new NewCall("+15550999", "+15550142", null, null));
    Instant until = Instant.now().plusSeconds(10);
    List<ConversationsApi.CallFlowExecution> runs;
    do {
      runs = client.conversations().flowExecutions(call.id());
    } while (runs.stream().anyMatch(r -> "running".equals(r.routing().result()))
        && Instant.now().isBefore(until));
    assertThat(runs).hasSize(1);
    var run = runs.get(0);
    assertThat(run.flowId()).isEqualTo(flow.id());
    assertThat(run.routing().ivr().id()).isEqualTo(ivr.id());
    assertThat(run.routing().result()).isIn("queued", "connected");
    assertThat(run.routing().queue().name()).isEqualToIgnoringCase(queueName);
    assertThat(client.flows().execution(run.id()).flowId()).isEqualTo(flow.id());
    assertThatThrownBy(() -> client.conversations().flowExecutions(UUID.randomUUID().toString()))
        .isInstanceOf(NotFoundException.class);

    ivrs.delete(ivr.id());
    assertThatThrownBy(() -> ivrs.get(ivr.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void sessionsOfAConversation() {
    String script = scenario.publishedScript();
    var call = scenario.call(null);
    var first = client.sessions().create(new NewSession(script, call.id(), null, Map.of()));
    var second = client.sessions().create(new NewSession(script, call.id(), null, Map.of()));
    scenario.call(null); // another conversation's sessions are not listed
    var page = client.sessions().listForConversation(call.id(), 1, 25);
    assertThat(page.entities())
        .extracting(SessionsApi.Session::id)
        .containsExactlyInAnyOrder(first.id(), second.id());
    assertThat(client.sessions().streamForConversation(call.id(), 1).count()).isEqualTo(2);
    assertThatThrownBy(
            () -> client.sessions().listForConversation(UUID.randomUUID().toString(), 1, 25))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aFlowsExecutionsListedAndSummarised() {
    var flow = client.flows().create(new NewFlow(unique("Greeter"), null, "WORKFLOW"));
    client.flows().saveYaml(flow.id(), FlowsClientIT.GREETER);
    client.flows().publish(flow.id());
    for (int i = 0; i < 3; i++) {
      var launched = client.flows().launch(flow.id(), Map.of("Flow.who", "n" + i), null);
      client.flows().awaitExecution(launched.id());
    }
    var page = client.flows().executions(flow.id(), 1, 2);
    assertThat(page.entities()).hasSize(2);
    assertThat(page.total()).isEqualTo(3);
    assertThat(client.flows().streamExecutions(flow.id(), 2, "completed").count()).isEqualTo(3);
    assertThat(client.flows().executions(flow.id(), 1, 25, "deadline").entities()).isEmpty();
    var summary = client.flows().executionSummary(flow.id());
    assertThat(summary.total()).isEqualTo(3);
    assertThat(summary.outcomes()).containsEntry("completed", 3L);
    assertThat(summary.retentionSeconds()).isPositive();
    assertThatThrownBy(() -> client.flows().executions(flow.id(), 1, 25, "bogus"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getMessage()).contains("outcome"));
  }

  @Test
  void outboundCalls() {
    String agent = scenario.agent();
    var placed = client.conversations().placeCall(OutboundCall.of("+15550177", agent));
    assertThat(placed.selfUri()).isEqualTo("/api/v2/conversations/calls/" + placed.id());
    var conversation = client.conversations().get(placed.id());
    assertThat(conversation.participant("agent")).isPresent();
    String key = SwitchboardClient.newIdempotencyKey();
    var once = client.conversations().placeCall(OutboundCall.of("+15550178", agent), key);
    var again = client.conversations().placeCall(OutboundCall.of("+15550178", agent), key);
    assertThat(again.id()).isEqualTo(once.id());
    assertThatThrownBy(() ->
            client
                .conversations()
                .placeCall(
                    new OutboundCall(
                        "+15550179", null, null, UUID.randomUUID().toString(), agent, null)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid.value"));
  }

  @Test
  void dataActionsCreatedTestedAndExecuted() throws Exception {
    try (var upstream = Upstream.start()) {
      upstream.on(
          "/cases",
          (ex, req) -> Upstream.json(ex, 200, "{\"case\":{\"id\":\"C-7\",\"state\":\"open\"}}"));
      var api = client.dataActions();
      var integration = api.createIntegration(unique("CRM"), null, true);
      assertThat(integration.enabled()).isTrue();
      assertThat(api.getIntegration(integration.id()).integrationType().id())
          .isEqualTo("custom-rest-actions");
      assertThat(api.streamIntegrations(10).map(DataActionsApi.Integration::id))
          .contains(integration.id());

      var action =
          api.create(
              new DataActionsApi.NewAction(
                  "Find case",
                  "CRM",
                  integration.id(),
                  false,
                  new DataActionsApi.ActionConfig(
                      5,
                      new DataActionsApi.RequestConfig(
                          upstream.url("/cases") + "?customer=$esc.url($input.customerId)",
                          "GET",
                          null,
                          null),
                      new DataActionsApi.ResponseConfig(
                          Map.of("caseId", "$.case.id", "state", "$.case.state"),
                          null,
                          "{\"caseId\": ${caseId}, \"state\": ${state}}")),
                  DataActionsApi.Contract.of(
                      Map.of(
                          "type",
                          "object",
                          "required",
                          List.of("customerId"),
                          "properties",
                          Map.of("customerId", Map.of("type", "string"))),
                      Map.of(
                          "type",
                          "object",
                          "properties",
                          Map.of(
                              "caseId", Map.of("type", "string"),
                              "state", Map.of("type", "string")))),
                  null));
      assertThat(action.id()).startsWith("custom_-_");
      var read = api.get(action.id());
      assertThat(read.config().request().requestType()).isEqualTo("GET");
      assertThat(read.contract().input().inputSchema()).containsKey("required");
      assertThat(api.list(1, 25, integration.id(), "find").entities())
          .extracting(DataActionsApi.Action::id)
          .containsExactly(action.id());

      assertThat(api.execute(action.id(), Map.of("customerId", "42")))
          .isEqualTo(Map.of("caseId", "C-7", "state", "open"));
      var test = api.test(action.id(), Map.of("customerId", "42"));
      assertThat(test.success()).isTrue();
      assertThat(test.operations()).isNotEmpty();
      assertThat(api.test(action.id(), Map.of()).success()).isFalse();

      var renamed =
          api.update(
              action.id(),
              new DataActionsApi.NewAction("Find a case", null, null, null, null, null, null));
      assertThat(renamed.name()).isEqualTo("Find a case");
      assertThatThrownBy(() ->
              api.update(
                  action.id(),
                  new DataActionsApi.NewAction(
                      "stale", null, null, null, null, null, action.version())))
          .isInstanceOf(VersionMismatchException.class);

      api.setEnabled(integration.id(), false);
      assertThatThrownBy(() -> api.execute(action.id(), Map.of("customerId", "42")))
          .isInstanceOfSatisfying(
              ConflictException.class, e -> assertThat(e.code()).isEqualTo("integration.disabled"));
      api.delete(action.id());
      assertThatThrownBy(() -> api.get(action.id())).isInstanceOf(NotFoundException.class);
      api.deleteIntegration(integration.id());
    }
  }

  @Test
  void faultRulesAndScenarios() {
    // Its own org: the rules act on every request of the org.
    try (var other = Scenario.in(server)) {
      var faults = other.admin().faults();
      var rule =
          faults.create(
              FaultsApi.NewRule.of(
                  "users fail",
                  FaultsApi.Match.of("GET", "/api/v2/users/*"),
                  FaultsApi.Effect.error(500),
                  600));
      assertThat(rule.active()).isTrue();
      assertThat(faults.get(rule.id()).effect().status()).isEqualTo(500);
      assertThatThrownBy(() -> other.admin().users().get(UUID.randomUUID().toString()))
          .isInstanceOf(ApiException.ServerErrorException.class);
      assertThat(faults.get(rule.id()).injected()).isEqualTo(1);
      assertThat(faults.list()).extracting(FaultsApi.Rule::id).containsExactly(rule.id());
      faults.delete(rule.id());
      assertThatThrownBy(() -> other.admin().users().get(UUID.randomUUID().toString()))
          .isInstanceOf(NotFoundException.class);

      var scenarios = faults.scenarios();
      assertThat(scenarios).isNotEmpty();
      var applied = faults.applyScenario(scenarios.get(0).name(), 60L);
      assertThat(applied.entities()).hasSize(scenarios.get(0).rules());
      faults.clear();
      assertThat(faults.list()).isEmpty();

      assertThatThrownBy(() ->
              faults.create(
                  FaultsApi.NewRule.of(
                      "bad",
                      FaultsApi.Match.of("GET", "/api/v2/users/*"),
                      FaultsApi.Effect.error(99),
                      60)))
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> faults.applyScenario("no-such-scenario", null))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void rolesDivisionsAndUsersRoles() {
    var authz = client.authorization();
    var role =
        authz.createRole(AuthorizationApi.NewRole.withScopes(unique("Supervisor"), "routing"));
    assertThat(role.scopes()).containsExactly("routing");
    assertThat(role.base()).isFalse();
    assertThat(authz.getRole(role.id()).name()).isEqualTo(role.name());
    assertThat(authz.listRoles(1, 25, role.name()).entities())
        .extracting(AuthorizationApi.Role::id)
        .containsExactly(role.id());
    assertThat(authz.streamRoles(100).anyMatch(AuthorizationApi.Role::base)).isTrue();
    var changed =
        authz.updateRole(
            role.id(),
            new AuthorizationApi.NewRole(
                role.name(), "more", List.of("routing", "users"), null, null));
    assertThat(changed.scopes()).containsExactly("routing", "users");

    var home = authz.homeDivision();
    assertThat(home.homeDivision()).isTrue();
    assertThat(authz.divisions())
        .extracting(AuthorizationApi.Division::id)
        .containsExactly(home.id());

    String user = scenario.agent();
    var roles = authz.setUserRoles(user, List.of(role.id()));
    assertThat(roles.roles()).extracting(AuthorizationApi.RoleRef::id).containsExactly(role.id());
    assertThat(authz.userRoles(user).roles()).hasSize(1);

    assertThatThrownBy(
            () -> authz.createRole(AuthorizationApi.NewRole.withScopes(unique("Bad"), "no-such")))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> authz.getRole(UUID.randomUUID().toString()))
        .isInstanceOf(NotFoundException.class);
    authz.setUserRoles(user, List.of());
    authz.deleteRole(role.id());
    assertThatThrownBy(() -> authz.getRole(role.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aClientWithoutTheScopeIsForbiddenAndAnotherOrgsIdsAreMissing() {
    var created =
        client
            .oauthClients()
            .create(
                new OAuthClientsApi.NewOAuthClient(
                    unique("faults reader"), null, null, List.of("faults:readonly", "routing")));
    var queue = client.routing().createQueue(new RoutingApi.NewQueue(unique("Mine"), null));
    try (var reader =
            SwitchboardClient.builder()
                .baseUrl(server.baseUrl())
                .clientCredentials(created.id(), created.secret())
                .build();
        var other = Scenario.in(server)) {
      assertThat(reader.faults().list()).isEmpty();
      assertThatThrownBy(() ->
              reader
                  .faults()
                  .create(
                      FaultsApi.NewRule.of(
                          "x", FaultsApi.Match.of("GET", "/x"), FaultsApi.Effect.error(500), 60)))
          .isInstanceOfSatisfying(
              ApiException.ForbiddenException.class,
              e -> assertThat(e.code()).isEqualTo("missing.scope"));
      assertThatThrownBy(() -> reader.ivrs().list(1, 25, null))
          .isInstanceOf(ApiException.ForbiddenException.class);
      assertThatThrownBy(() -> reader.routing().addMembers(queue.id(), List.of("no-such-user")))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid.value"));
      assertThatThrownBy(() -> other.admin().routing().getQueue(queue.id()))
          .isInstanceOf(NotFoundException.class);
      String role =
          client
              .authorization()
              .createRole(AuthorizationApi.NewRole.withScopes(unique("Mine"), "routing"))
              .id();
      assertThatThrownBy(() -> other.admin().authorization().getRole(role))
          .isInstanceOf(NotFoundException.class);

      // Renamed and narrowed: the reader's token ends, and its next one lacks routing.
      var renamed =
          client
              .oauthClients()
              .update(
                  created.id(),
                  new OAuthClientsApi.NewOAuthClient(
                      unique("faults only"), "narrowed", 600, List.of("faults:readonly")));
      assertThat(renamed.scope()).containsExactly("faults:readonly");
      assertThat(renamed.accessTokenValiditySeconds()).isEqualTo(600);
      assertThat(renamed.secret()).isNull();
      assertThat(client.oauthClients().get(created.id()).description()).isEqualTo("narrowed");
      assertThat(reader.faults().list()).isEmpty();
      assertThatThrownBy(() -> reader.routing().getQueue(queue.id()))
          .isInstanceOf(ApiException.ForbiddenException.class);
      var mine = new OAuthClientsApi.NewOAuthClient("mine", null, null, List.of("faults:readonly"));
      assertThatThrownBy(() -> other.admin().oauthClients().update(created.id(), mine))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void aViewWithAShortDeadlineStillReachesNewResources() {
    assertThat(
            client.withDeadline(Duration.ofSeconds(5)).routing().listQueues(1, 1, null).pageSize())
        .isEqualTo(1);
  }
}

package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.api.ArchitectApi;
import com.mypurecloud.sdk.v2.api.request.GetFlowsRequest;
import com.mypurecloud.sdk.v2.model.Flow;
import com.mypurecloud.sdk.v2.model.FlowEntityListing;
import com.mypurecloud.sdk.v2.model.FlowExecutionLaunchRequest;
import com.mypurecloud.sdk.v2.model.FlowExecutionLaunchResponse;
import com.mypurecloud.sdk.v2.model.FlowRuntimeExecution;
import com.mypurecloud.sdk.v2.model.FlowVersionEntityListing;
import io.switchboard.server.testing.TwoOrgServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Genesys SDK, unchanged, creates, lists, publishes and launches a workflow on
 * Switchboard.
 */
class FlowsSdkIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @Test
  void theSdkManagesAndRunsAWorkflow() throws Exception {
    var architect = new ArchitectApi(sdk);
    Flow created =
        architect.postFlows(
            new Flow().name("Echo").description("echoes").type(Flow.TypeEnum.WORKFLOW), null);
    assertThat(created.getId()).isNotBlank();
    assertThat(created.getType()).isEqualTo(Flow.TypeEnum.WORKFLOW);
    assertThat(created.getDivision().getName()).isEqualTo("Home");
    assertThat(created.getSelfUri()).isEqualTo("/api/v2/flows/" + created.getId());

    String yaml =
        """
        workflow:
          name: Echo
          startUpRef: "/workflow/tasks/task[t]"
          variables:
            - stringVariable:
                name: Flow.input
                isInput: true
            - stringVariable:
                name: Flow.out
                isOutput: true
          tasks:
            - task:
                name: T
                refId: t
                actions:
                  - updateData:
                      name: Echo
                      statements:
                        - string:
                            variable: Flow.out
                            value:
                              exp: Append("echo ", Flow.input)
        """;
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + created.getId() + "/latestconfiguration",
            token,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/x-yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    assertThat(architect.postFlowsActionsPublish(created.getId(), null).getId())
        .isEqualTo(created.getId());

    Flow flow = architect.getFlow(created.getId(), null);
    assertThat(flow.getActive()).isTrue();
    assertThat(flow.getPublishedVersion().getName()).isEqualTo("1.0");
    assertThat(flow.getPublishedVersion().getDatePublished()).isNotNull();
    assertThat(flow.getSavedVersion().getDateCreated()).isPositive();
    assertThat(architect.getFlowLatestconfiguration(created.getId(), null)).isInstanceOf(Map.class);

    FlowVersionEntityListing versions = architect.getFlowVersions(created.getId(), 1, 25, null);
    assertThat(versions.getTotal()).isEqualTo(1);
    FlowEntityListing listing =
        architect.getFlows(
            List.of("workflow"),
            1,
            25,
            null,
            null,
            null,
            "Echo",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(listing.getEntities()).extracting(Flow::getId).containsExactly(created.getId());

    FlowExecutionLaunchResponse launched =
        architect.postFlowsExecutions(
            new FlowExecutionLaunchRequest()
                .flowId(created.getId())
                .inputData(Map.of("Flow.input", "hi")));
    assertThat(launched.getFlowVersion().getName()).isEqualTo("1.0");
    FlowRuntimeExecution[] done = new FlowRuntimeExecution[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> {
          done[0] = architect.getFlowsExecution(launched.getId());
          return done[0].getStatus() != FlowRuntimeExecution.StatusEnum.RUNNING;
        });
    assertThat(done[0].getStatus()).isEqualTo(FlowRuntimeExecution.StatusEnum.COMPLETED);
    assertThat(done[0].getOutputData()).containsEntry("Flow.out", "echo hi");
    assertThat(done[0].getDateLaunched()).isNotNull();
    assertThat(done[0].getDateCompleted()).isNotNull();
  }

  @Test
  void theSdkListsFlowsByIdAndByEveryGenesysType() throws Exception {
    var architect = new ArchitectApi(sdk);
    Flow ivr =
        architect.postFlows(new Flow().name("Ids ivr").type(Flow.TypeEnum.INBOUNDCALL), null);
    Flow job = architect.postFlows(new Flow().name("Ids job").type(Flow.TypeEnum.WORKFLOW), null);
    architect.postFlows(new Flow().name("Ids other").type(Flow.TypeEnum.WORKFLOW), null);

    // The SDK sends ids repeated (id=a&id=b).
    FlowEntityListing byId =
        architect.getFlows(
            GetFlowsRequest.builder()
                .withId(List.of(job.getId(), UUID.randomUUID().toString(), ivr.getId()))
                .build());
    assertThat(byId.getEntities())
        .extracting(Flow::getId)
        .containsExactly(ivr.getId(), job.getId());
    assertThat(byId.getTotal()).isEqualTo(2);

    // Every type the SDK can ask for is accepted; one Switchboard has no flows of matches none.
    for (GetFlowsRequest.typeValues type : GetFlowsRequest.typeValues.values()) {
      FlowEntityListing listing =
          architect.getFlows(
              GetFlowsRequest.builder().withTypeEnumValues(List.of(type)).withName("Ids").build());
      long expected =
          switch (type) {
            case INBOUNDCALL -> 1;
            case WORKFLOW -> 2;
            default -> 0;
          };
      assertThat(listing.getTotal()).as(type.toString()).isEqualTo(expected);
      assertThat(listing.getEntities()).as(type.toString()).hasSize((int) expected);
    }
  }
}

package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.AnalyticsApi;
import com.mypurecloud.sdk.v2.api.ArchitectApi;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.api.request.GetRoutingQueuesRequest;
import com.mypurecloud.sdk.v2.model.CreateQueueRequest;
import com.mypurecloud.sdk.v2.model.DomainEntityRef;
import com.mypurecloud.sdk.v2.model.IVR;
import com.mypurecloud.sdk.v2.model.Queue;
import com.mypurecloud.sdk.v2.model.QueueMember;
import com.mypurecloud.sdk.v2.model.QueueObservationQuery;
import com.mypurecloud.sdk.v2.model.QueueObservationQueryFilter;
import com.mypurecloud.sdk.v2.model.QueueObservationQueryPredicate;
import com.mypurecloud.sdk.v2.model.RoutingStatus;
import com.mypurecloud.sdk.v2.model.WritableEntity;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official Genesys SDK, unchanged, manages queues, members, routing status and IVRs. */
class RoutingSdkIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @Test
  void theSdkManagesQueuesMembersRoutingStatusAndIvrs() throws Exception {
    var routing = new RoutingApi(sdk);
    Queue q =
        routing.postRoutingQueues(new CreateQueueRequest().name("Sdk queue").description("d"));
    assertThat(q.getId()).isNotBlank();
    assertThat(q.getName()).isEqualTo("Sdk queue");
    assertThat(q.getDivision().getName()).isEqualTo("Home");
    assertThat(q.getDateCreated()).isNotNull();

    String agent = fx.user("Sdk agent");
    routing.postRoutingQueueMembers(q.getId(), List.of(new WritableEntity().id(agent)), false);
    var users = new UsersApi(sdk);
    RoutingStatus idle =
        users.putUserRoutingstatus(
            agent, new RoutingStatus().status(RoutingStatus.StatusEnum.IDLE));
    assertThat(idle.getStatus()).isEqualTo(RoutingStatus.StatusEnum.IDLE);
    assertThat(idle.getStartTime()).isNotNull();
    assertThat(users.getUserRoutingstatus(agent).getStatus())
        .isEqualTo(RoutingStatus.StatusEnum.IDLE);

    var members =
        routing.getRoutingQueueMembers(
            q.getId(), 1, 25, null, null, null, null, null, null, null, null, null, null);
    assertThat(members.getEntities()).hasSize(1);
    QueueMember m = members.getEntities().get(0);
    assertThat(m.getId()).isEqualTo(agent);
    assertThat(m.getUser().getId()).isEqualTo(agent);
    assertThat(m.getJoined()).isTrue();
    assertThat(m.getRoutingStatus().getStatus()).isEqualTo(RoutingStatus.StatusEnum.IDLE);

    // Queue observations through the SDK's analytics API: nobody waiting, one idle member.
    var observed =
        new AnalyticsApi(sdk)
            .postAnalyticsQueuesObservationsQuery(
                new QueueObservationQuery()
                    .filter(
                        new QueueObservationQueryFilter()
                            .type(QueueObservationQueryFilter.TypeEnum.OR)
                            .predicates(
                                List.of(
                                    new QueueObservationQueryPredicate()
                                        .dimension(
                                            QueueObservationQueryPredicate.DimensionEnum.QUEUEID)
                                        .value(q.getId()))))
                    .metrics(
                        List.of(
                            QueueObservationQuery.MetricsEnum.OWAITING,
                            QueueObservationQuery.MetricsEnum.OONQUEUEUSERS)));
    assertThat(observed.getResults()).hasSize(1);
    var data = observed.getResults().get(0).getData();
    assertThat(observed.getResults().get(0).getGroup()).containsEntry("queueId", q.getId());
    assertThat(data)
        .extracting(
            d -> d.getMetric().toString() + ":" + d.getQualifier() + "=" + d.getStats().getCount())
        .containsExactly("oWaiting:null=0", "oOnQueueUsers:IDLE=1");

    var listed = routing.getRoutingQueues(1, 25, null, "Sdk", null, null, null, null);
    assertThat(listed.getEntities()).extracting(Queue::getId).containsExactly(q.getId());
    assertThat(listed.getTotal()).isEqualTo(1);
    // The SDK sends ids repeated (id=a&id=b); an unknown one is left out.
    Queue second = routing.postRoutingQueues(new CreateQueueRequest().name("Sdk queue 2"));
    Queue third = routing.postRoutingQueues(new CreateQueueRequest().name("Sdk queue 3"));
    var byId =
        routing.getRoutingQueues(
            1,
            25,
            null,
            null,
            List.of(third.getId(), java.util.UUID.randomUUID().toString(), q.getId()),
            null,
            null,
            null);
    assertThat(byId.getEntities())
        .extracting(Queue::getId)
        .containsExactly(q.getId(), third.getId());
    assertThat(byId.getTotal()).isEqualTo(2);
    var named =
        routing.getRoutingQueues(
            GetRoutingQueuesRequest.builder()
                .withName("Sdk queue")
                .withId(List.of(second.getId(), third.getId()))
                .build());
    assertThat(named.getEntities())
        .extracting(Queue::getId)
        .containsExactly(second.getId(), third.getId());

    var architect = new ArchitectApi(sdk);
    String flowId =
        api.post("/api/v2/flows", token, "{\"name\":\"Sdk IVR flow\",\"type\":\"INBOUNDCALL\"}")
            .json()
            .get("id")
            .asString();
    IVR ivr =
        architect.postArchitectIvrs(
            new IVR()
                .name("Sdk IVR")
                .dnis(List.of("+6561234567"))
                .openHoursFlow(new DomainEntityRef().id(flowId)));
    assertThat(ivr.getId()).isNotBlank();
    assertThat(ivr.getDnis()).containsExactly("+6561234567");
    assertThat(ivr.getOpenHoursFlow().getId()).isEqualTo(flowId);
    assertThat(architect.getArchitectIvr(ivr.getId()).getName()).isEqualTo("Sdk IVR");
    try {
      architect.postArchitectIvrs(
          new IVR()
              .name("Sdk IVR 2")
              .dnis(List.of("+6561234567"))
              .openHoursFlow(new DomainEntityRef().id(flowId)));
      throw new AssertionError("a DNIS twice must be refused");
    } catch (ApiException e) {
      assertThat(e.getStatusCode()).isEqualTo(409);
    }
  }
}

package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.api.ConversationsApi;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.model.AssignedWrapupCode;
import com.mypurecloud.sdk.v2.model.Call;
import com.mypurecloud.sdk.v2.model.CallConversation;
import com.mypurecloud.sdk.v2.model.CallMediaParticipant;
import com.mypurecloud.sdk.v2.model.Conversation;
import com.mypurecloud.sdk.v2.model.CreateCallRequest;
import com.mypurecloud.sdk.v2.model.CreateCallResponse;
import com.mypurecloud.sdk.v2.model.CreateQueueRequest;
import com.mypurecloud.sdk.v2.model.MediaParticipantRequest;
import com.mypurecloud.sdk.v2.model.Participant;
import com.mypurecloud.sdk.v2.model.WrapupInput;
import io.switchboard.server.testing.TwoOrgServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official Genesys SDK places an outbound call with its typed CreateCallRequest, reads it as a
 * CallConversation (flat CallMediaParticipants), answers and hangs up through the participant
 * PATCH, and records and reads the agent's wrap-up, all through ConversationsApi.
 */
class GenesysSdkCallsIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @Test
  void theSdkPlacesAnOutboundCallAnswersHangsUpAndWrapsUp() throws Exception {
    String agentId = fx.user("Sdk caller");
    String code = fx.wrapupCode("Sdk callback done");
    String queueId =
        new RoutingApi(sdk)
            .postRoutingQueues(new CreateQueueRequest().name("Sdk outbound"))
            .getId();
    var conversations = new ConversationsApi(sdk);

    CreateCallResponse created =
        conversations.postConversationsCalls(
            new CreateCallRequest()
                .phoneNumber("+15550123")
                .callerId("+15550100")
                .callerIdName("Acme support")
                .callFromQueueId(queueId)
                .callUserId(agentId)
                .priority(5)
                .label("sdk"));
    String id = created.getId();
    assertThat(id).isNotBlank();
    assertThat(created.getSelfUri()).isEqualTo("/api/v2/conversations/calls/" + id);

    CallConversation call = conversations.getConversationsCall(id);
    assertThat(call.getId()).isEqualTo(id);
    assertThat(call.getSelfUri()).isEqualTo("/api/v2/conversations/calls/" + id);
    assertThat(call.getParticipants())
        .extracting(CallMediaParticipant::getPurpose)
        .containsExactly("agent", "customer");
    CallMediaParticipant agent = call.getParticipants().get(0);
    CallMediaParticipant customer = call.getParticipants().get(1);
    assertThat(agent.getId()).isNotBlank();
    assertThat(agent.getName()).isEqualTo("Sdk caller");
    assertThat(agent.getState()).isEqualTo(CallMediaParticipant.StateEnum.CONNECTED);
    assertThat(agent.getDirection()).isEqualTo(CallMediaParticipant.DirectionEnum.OUTBOUND);
    assertThat(agent.getUser().getId()).isEqualTo(agentId);
    assertThat(agent.getUser().getSelfUri()).isEqualTo("/api/v2/users/" + agentId);
    assertThat(agent.getQueue().getId()).isEqualTo(queueId);
    assertThat(agent.getAni()).isEqualTo("+15550100");
    assertThat(agent.getDnis()).isEqualTo("+15550123");
    assertThat(agent.getAddress()).isEqualTo("+15550100");
    assertThat(agent.getWrapupRequired()).isTrue();
    assertThat(agent.getHeld()).isFalse();
    assertThat(agent.getStartTime()).isNotNull();
    assertThat(agent.getConnectedTime()).isNotNull();
    assertThat(agent.getEndTime()).isNull();
    assertThat(customer.getState()).isEqualTo(CallMediaParticipant.StateEnum.ALERTING);
    assertThat(customer.getDirection()).isEqualTo(CallMediaParticipant.DirectionEnum.OUTBOUND);
    assertThat(customer.getAddress()).isEqualTo("+15550123");
    assertThat(customer.getAni()).isEqualTo("+15550100");
    assertThat(customer.getDnis()).isEqualTo("+15550123");
    assertThat(customer.getUser()).isNull();
    assertThat(customer.getWrapupRequired()).isFalse();

    // The customer answers; the agent's "connected" changes nothing; the agent hangs up.
    conversations.patchConversationsCallParticipant(
        id,
        customer.getId(),
        new MediaParticipantRequest().state(MediaParticipantRequest.StateEnum.CONNECTED));
    conversations.patchConversationsCallParticipant(
        id,
        agent.getId(),
        new MediaParticipantRequest().state(MediaParticipantRequest.StateEnum.CONNECTED));
    CallConversation talking = conversations.getConversationsCall(id);
    assertThat(talking.getParticipants())
        .extracting(CallMediaParticipant::getState)
        .containsExactly(
            CallMediaParticipant.StateEnum.CONNECTED, CallMediaParticipant.StateEnum.CONNECTED);
    assertThat(talking.getParticipants().get(1).getConnectedTime()).isNotNull();
    assertThat(conversations.getConversationsCallParticipantWrapup(id, agent.getId(), null))
        .isNull();

    conversations.patchConversationsCallParticipant(
        id,
        agent.getId(),
        new MediaParticipantRequest().state(MediaParticipantRequest.StateEnum.DISCONNECTED));
    CallMediaParticipant hungUp = conversations.getConversationsCall(id).getParticipants().get(0);
    assertThat(hungUp.getState()).isEqualTo(CallMediaParticipant.StateEnum.DISCONNECTED);
    assertThat(hungUp.getEndTime()).isNotNull();

    conversations.patchConversationsCallParticipant(
        id,
        agent.getId(),
        new MediaParticipantRequest()
            .wrapup(new WrapupInput().code(code).notes("called back").durationSeconds(7)));
    AssignedWrapupCode wrapup =
        conversations.getConversationsCallParticipantWrapup(id, agent.getId(), null);
    assertThat(wrapup.getCode()).isEqualTo(code);
    assertThat(wrapup.getNotes()).isEqualTo("called back");
    assertThat(wrapup.getDurationSeconds()).isEqualTo(7);
    assertThat(wrapup.getEndTime()).isNotNull();
    CallMediaParticipant wrapped = conversations.getConversationsCall(id).getParticipants().get(0);
    assertThat(wrapped.getState()).isEqualTo(CallMediaParticipant.StateEnum.TERMINATED);
    assertThat(wrapped.getWrapup().getCode()).isEqualTo(code);
    assertThat(wrapped.getWrapup().getName()).startsWith("Sdk callback done");

    conversations.patchConversationsCallParticipant(
        id,
        customer.getId(),
        new MediaParticipantRequest().state(MediaParticipantRequest.StateEnum.DISCONNECTED));
    Conversation ended = conversations.getConversation(id);
    assertThat(ended.getState()).isEqualTo(Conversation.StateEnum.TERMINATED);
    assertThat(ended.getEndTime()).isNotNull();
    Participant generic = ended.getParticipants().get(0);
    assertThat(generic.getParticipantType()).isEqualTo("Internal");
    assertThat(generic.getAni()).isEqualTo("+15550100");
    assertThat(generic.getDnis()).isEqualTo("+15550123");
    assertThat(generic.getQueueId()).isEqualTo(queueId);
    assertThat(generic.getUserId()).isEqualTo(agentId);
    assertThat(generic.getCalls().get(0).getDirection()).isEqualTo(Call.DirectionEnum.OUTBOUND);
    assertThat(ended.getParticipants().get(1).getParticipantType()).isEqualTo("External");
  }

  @Test
  void theSdkReadsAnInboundCallAsACallConversation() throws Exception {
    String agentId = fx.user("Sdk inbound agent");
    JsonNode created = fx.call(agentId);
    String id = created.get("id").asString();
    var conversations = new ConversationsApi(sdk);

    CallConversation call = conversations.getConversationsCall(id);
    assertThat(call.getParticipants())
        .extracting(CallMediaParticipant::getPurpose)
        .containsExactly("customer", "agent");
    for (CallMediaParticipant p : call.getParticipants()) {
      assertThat(p.getDirection()).isEqualTo(CallMediaParticipant.DirectionEnum.INBOUND);
      assertThat(p.getAni()).isEqualTo("tel:+15550100");
      assertThat(p.getDnis()).isEqualTo("tel:+15550199");
      assertThat(p.getState()).isNotNull();
    }
    CallMediaParticipant agent = call.getParticipants().get(1);
    assertThat(agent.getState()).isEqualTo(CallMediaParticipant.StateEnum.ALERTING);
    assertThat(agent.getUser().getId()).isEqualTo(agentId);
    assertThat(agent.getQueue()).isNull();

    conversations.patchConversationsCallParticipant(
        id,
        agent.getId(),
        new MediaParticipantRequest().state(MediaParticipantRequest.StateEnum.CONNECTED));
    assertThat(conversations.getConversationsCall(id).getParticipants().get(1).getState())
        .isEqualTo(CallMediaParticipant.StateEnum.CONNECTED);
    Participant generic = conversations.getConversation(id).getParticipants().get(0);
    assertThat(generic.getParticipantType()).isEqualTo("External");
    assertThat(generic.getCalls().get(0).getDirection()).isEqualTo(Call.DirectionEnum.INBOUND);
  }
}

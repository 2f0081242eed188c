package io.switchboard.server.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Genesys's CreateCallRequest on {@code POST /conversations/calls} (an outbound call), the
 * CallConversation read and the {@code /calls} participant endpoints, over plain HTTP: the ugly
 * cases.
 */
class OutboundCallsIT extends TwoOrgServer {
  static String agentId;

  @BeforeAll
  static void start() {
    agentId = fx.user("Olga Outbound");
  }

  private static Api.Response place(String body) {
    return api.post("/api/v2/conversations/calls", token, body);
  }

  private static String field(Api.Response r) {
    return r.json().get("messageParams").get("field").asString();
  }

  @Test
  void anOutboundCallAnswersCreateCallResponseAndIgnoresGenesysExtras() {
    var r =
        place(
            "{\"phoneNumber\":\"+15550123\",\"callUserId\":\""
                + agentId
                + "\",\"priority\":3,\"languageId\":null,\"routingSkillsIds\":[],"
                + "\"conversationIds\":[],\"participants\":[],\"uuiData\":\"x\","
                + "\"attributes\":{\"campaign\":\"spring\"}}");
    assertThat(r.status()).isEqualTo(200);
    String id = r.json().get("id").asString();
    assertThat(r.json().get("selfUri").asString()).isEqualTo("/api/v2/conversations/calls/" + id);
    assertThat(r.json().has("participants")).isFalse();

    JsonNode call = api.get("/api/v2/conversations/calls/" + id, token).json();
    JsonNode agent = call.get("participants").get(0);
    JsonNode customer = call.get("participants").get(1);
    assertThat(agent.get("ani").asString()).isEqualTo(ConversationService.ANONYMOUS);
    assertThat(agent.get("dnis").asString()).isEqualTo("+15550123");
    assertThat(agent.has("queue")).isFalse();
    assertThat(agent.has("calls")).isFalse();
    assertThat(customer.get("attributes").get("campaign").asString()).isEqualTo("spring");
    assertThat(customer.get("direction").asString()).isEqualTo("outbound");
    // The generic shape keeps its calls list.
    JsonNode generic = api.get("/api/v2/conversations/" + id, token).json();
    assertThat(generic.get("participants").get(0).get("calls").get(0).get("direction").asString())
        .isEqualTo("outbound");
    assertThat(generic.get("participants").get(0).get("participantType").asString())
        .isEqualTo("Internal");
  }

  @Test
  void ourAgentIdNamesTheAgentToo() {
    var r = place("{\"phoneNumber\":\"+15550124\",\"agentId\":\"" + agentId + "\"}");
    assertThat(r.status()).isEqualTo(200);
    var mismatch =
        place(
            "{\"phoneNumber\":\"+15550124\",\"agentId\":\""
                + agentId
                + "\",\"callUserId\":\""
                + fx.user("Someone else")
                + "\"}");
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(field(mismatch)).isEqualTo("callUserId");
  }

  @Test
  void badCreateCallRequestsAre400NamingTheField() {
    var noAgent = place("{\"phoneNumber\":\"+15550123\"}");
    assertThat(noAgent.status()).isEqualTo(400);
    assertThat(field(noAgent)).isEqualTo("callUserId");

    var blank = place("{\"phoneNumber\":\" \",\"callUserId\":\"" + agentId + "\"}");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(field(blank)).isEqualTo("phoneNumber");

    var both =
        place(
            "{\"phoneNumber\":\"+1\",\"from\":\"a\",\"to\":\"b\",\"callUserId\":\""
                + agentId
                + "\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(field(both)).isEqualTo("phoneNumber");

    var toQueue =
        place("{\"phoneNumber\":\"+1\",\"callQueueId\":\"q\",\"callUserId\":\"" + agentId + "\"}");
    assertThat(toQueue.status()).isEqualTo(400);
    assertThat(field(toQueue)).isEqualTo("callQueueId");

    var conference =
        place(
            "{\"phoneNumber\":\"+1\",\"participants\":[{\"address\":\"+2\"}],\"callUserId\":\""
                + agentId
                + "\"}");
    assertThat(conference.status()).isEqualTo(400);
    assertThat(field(conference)).isEqualTo("participants");

    var merge =
        place(
            "{\"phoneNumber\":\"+1\",\"conversationIds\":[\"c\"],\"callUserId\":\""
                + agentId
                + "\"}");
    assertThat(merge.status()).isEqualTo(400);
    assertThat(field(merge)).isEqualTo("conversationIds");

    var wrongType = place("{\"phoneNumber\":{\"n\":1},\"callUserId\":\"" + agentId + "\"}");
    assertThat(wrongType.status()).isEqualTo(400);

    var unknownQueue =
        place(
            "{\"phoneNumber\":\"+1\",\"callFromQueueId\":\"00000000-0000-0000-0000-000000000000\","
                + "\"callUserId\":\""
                + agentId
                + "\"}");
    assertThat(unknownQueue.status()).isEqualTo(400);
    assertThat(field(unknownQueue)).isEqualTo("callFromQueueId");
  }

  @Test
  void anotherOrgsAgentQueueAndCallAreNotUsable() {
    String foreignAgent = new Fixtures(api, otherToken).user("Foreign");
    var agent = place("{\"phoneNumber\":\"+1\",\"callUserId\":\"" + foreignAgent + "\"}");
    assertThat(agent.status()).isEqualTo(400);
    assertThat(field(agent)).isEqualTo("callUserId");

    String foreignQueue =
        api.post("/api/v2/routing/queues", otherToken, "{\"name\":\"Foreign queue\"}")
            .json()
            .get("id")
            .asString();
    var queue =
        place(
            "{\"phoneNumber\":\"+1\",\"callFromQueueId\":\""
                + foreignQueue
                + "\",\"callUserId\":\""
                + agentId
                + "\"}");
    assertThat(queue.status()).isEqualTo(400);
    assertThat(field(queue)).isEqualTo("callFromQueueId");

    String id =
        place("{\"phoneNumber\":\"+1\",\"callUserId\":\"" + agentId + "\"}")
            .json()
            .get("id")
            .asString();
    String pid =
        api.get("/api/v2/conversations/calls/" + id, token)
            .json()
            .get("participants")
            .get(0)
            .get("id")
            .asString();
    assertThat(api.get("/api/v2/conversations/calls/" + id, otherToken).status()).isEqualTo(404);
    assertThat(
            api.patch(
                    "/api/v2/conversations/calls/" + id + "/participants/" + pid,
                    otherToken,
                    "{\"state\":\"disconnected\"}")
                .status())
        .isEqualTo(404);
    assertThat(
            api.get(
                    "/api/v2/conversations/calls/" + id + "/participants/" + pid + "/wrapup",
                    otherToken)
                .status())
        .isEqualTo(404);
    assertThat(
            api.get("/api/v2/conversations/calls/" + id, token)
                .json()
                .get("participants")
                .get(0)
                .get("state")
                .asString())
        .isEqualTo("connected");
  }

  @Test
  void theCallsParticipantPatchFollowsTheSameRules() {
    String id =
        place("{\"phoneNumber\":\"+1\",\"callUserId\":\"" + agentId + "\"}")
            .json()
            .get("id")
            .asString();
    JsonNode call = api.get("/api/v2/conversations/calls/" + id, token).json();
    String agent = call.get("participants").get(0).get("id").asString();
    String path = "/api/v2/conversations/calls/" + id + "/participants/";

    var badState = api.patch(path + agent, token, "{\"state\":\"held\"}");
    assertThat(badState.status()).isEqualTo(400);
    assertThat(field(badState)).isEqualTo("state");
    var nothing = api.patch(path + agent, token, "{\"muted\":true}");
    assertThat(nothing.status()).isEqualTo(400);
    var early = api.patch(path + agent, token, "{\"wrapup\":{\"code\":\"x\"}}");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().get("code").asString()).isEqualTo("conversation.not.disconnected");
    assertThat(api.patch(path + "nobody", token, "{\"state\":\"connected\"}").status())
        .isEqualTo(404);
    assertThat(api.get(path + agent + "/wrapup", token).status()).isEqualTo(204);

    assertThat(api.patch(path + agent, token, "{\"state\":\"disconnected\"}").status())
        .isEqualTo(202);
    var back = api.patch(path + agent, token, "{\"state\":\"connected\"}");
    assertThat(back.status()).isEqualTo(409);
    assertThat(back.json().get("code").asString()).isEqualTo("participant.state.invalid");
  }

  @Test
  void anIdempotencyKeyPlacesTheCallOnce() {
    String body = "{\"phoneNumber\":\"+15550777\",\"callUserId\":\"" + agentId + "\"}";
    var first =
        api.post("/api/v2/conversations/calls", token, body, "Idempotency-Key", "outbound-1");
    var again =
        api.post("/api/v2/conversations/calls", token, body, "Idempotency-Key", "outbound-1");
    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
  }

  @Test
  void theCallsEndpointsNeedTheConversationsScope() {
    var c =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"scripts\",\"scope\":[\"scripts\"]}")
            .json();
    String t = api.token(c.get("id").asString(), c.get("secret").asString());
    var place =
        api.post(
            "/api/v2/conversations/calls",
            t,
            "{\"phoneNumber\":\"+1\",\"callUserId\":\"" + agentId + "\"}");
    assertThat(place.status()).isEqualTo(403);
    String id = fx.call(agentId).get("id").asString();
    assertThat(api.get("/api/v2/conversations/calls/" + id, t).status()).isEqualTo(403);
    assertThat(
            api.patch(
                    "/api/v2/conversations/calls/" + id + "/participants/x",
                    t,
                    "{\"state\":\"connected\"}")
                .status())
        .isEqualTo(403);
    assertThat(api.get("/api/v2/conversations/calls/" + id + "/participants/x/wrapup", t).status())
        .isEqualTo(403);
  }
}

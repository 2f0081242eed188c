package io.switchboard.server.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ConversationsIT extends TwoOrgServer {
  static String agentId;

  @BeforeAll
  static void start() {
    agentId = fx.user("Alice Agent");
  }

  @Test
  void aCallHasACustomerAndAnAgentInTheGenesysShape() {
    var r =
        api.post(
            "/api/v2/conversations/calls",
            token,
            "{\"from\":\"tel:+15550100\",\"to\":\"tel:+15550199\",\"agentId\":\""
                + agentId
                + "\",\"attributes\":{\"caseId\":\"C-17\"}}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode c = r.json();
    String id = c.get("id").asString();
    assertThat(r.header("Location")).contains("/api/v2/conversations/" + id);
    assertThat(c.get("state").asString()).isEqualTo("connected");
    assertThat(c.get("startTime").asString()).matches(".*\\.\\d{3}Z");
    assertThat(c.has("endTime")).isFalse();
    assertThat(c.get("selfUri").asString()).isEqualTo("/api/v2/conversations/" + id);
    assertThat(c.get("participants")).hasSize(2);
    JsonNode customer = c.get("participants").get(0);
    assertThat(customer.get("purpose").asString()).isEqualTo("customer");
    assertThat(customer.get("state").asString()).isEqualTo("connected");
    assertThat(customer.get("address").asString()).isEqualTo("tel:+15550100");
    assertThat(customer.get("attributes").get("caseId").asString()).isEqualTo("C-17");
    assertThat(customer.get("calls").get(0).get("state").asString()).isEqualTo("connected");
    JsonNode agent = c.get("participants").get(1);
    assertThat(agent.get("purpose").asString()).isEqualTo("agent");
    assertThat(agent.get("userId").asString()).isEqualTo(agentId);
    assertThat(agent.get("name").asString()).isEqualTo("Alice Agent");
    assertThat(agent.get("state").asString()).isEqualTo("alerting");
    assertThat(agent.get("wrapupRequired").asBoolean()).isTrue();
    assertThat(agent.get("calls")).hasSize(1);
    assertThat(agent.get("calls").get(0).get("id").asString())
        .isNotBlank()
        .isNotEqualTo(customer.get("calls").get(0).get("id").asString());
    assertThat(agent.get("calls").get(0).get("state").asString()).isEqualTo("alerting");

    assertThat(api.get("/api/v2/conversations/" + id, token).json()).isEqualTo(c);
    assertThat(customer.get("participantType").asString()).isEqualTo("External");
    assertThat(agent.get("participantType").asString()).isEqualTo("Internal");
    assertThat(agent.get("ani").asString()).isEqualTo("tel:+15550100");
    assertThat(agent.get("dnis").asString()).isEqualTo("tel:+15550199");
    assertThat(agent.get("calls").get(0).get("direction").asString()).isEqualTo("inbound");
    // The /calls read is Genesys's CallConversation: the same participants, flat.
    JsonNode call = api.get("/api/v2/conversations/calls/" + id, token).json();
    assertThat(call.get("selfUri").asString()).isEqualTo("/api/v2/conversations/calls/" + id);
    assertThat(call.get("participants")).hasSize(2);
    JsonNode flat = call.get("participants").get(1);
    assertThat(flat.get("id").asString()).isEqualTo(agent.get("id").asString());
    assertThat(flat.get("state").asString()).isEqualTo("alerting");
    assertThat(flat.get("direction").asString()).isEqualTo("inbound");
    assertThat(flat.get("user").get("id").asString()).isEqualTo(agentId);
    assertThat(flat.get("ani").asString()).isEqualTo("tel:+15550100");
    assertThat(flat.get("dnis").asString()).isEqualTo("tel:+15550199");
    assertThat(flat.has("calls")).isFalse();
  }

  @Test
  void callCreationChecksItsBody() {
    assertThat(
            api.post("/api/v2/conversations/calls", token, "{\"to\":\"tel:1\"}")
                .json()
                .get("messageParams")
                .get("field")
                .asString())
        .isEqualTo("from");
    var ghost =
        api.post(
            "/api/v2/conversations/calls",
            token,
            "{\"from\":\"a\",\"to\":\"b\",\"agentId\":\"ghost\"}");
    assertThat(ghost.status()).isEqualTo(400);
    assertThat(ghost.json().get("messageParams").get("field").asString()).isEqualTo("agentId");
    String foreignAgent = new Fixtures(api, otherToken).user("Other");
    assertThat(
            api.post(
                    "/api/v2/conversations/calls",
                    token,
                    "{\"from\":\"a\",\"to\":\"b\",\"agentId\":\"" + foreignAgent + "\"}")
                .status())
        .isEqualTo(400);
    var attr =
        api.post(
            "/api/v2/conversations/calls",
            token,
            "{\"from\":\"a\",\"to\":\"b\",\"attributes\":{\"n\":1}}");
    assertThat(attr.status()).isEqualTo(400);
    assertThat(attr.json().get("messageParams").get("field").asString()).isEqualTo("attributes.n");
    assertThat(api.post("/api/v2/conversations/calls", token, "{\"from\":\"a\",").status())
        .isEqualTo(400);
    var noAgent = api.post("/api/v2/conversations/calls", token, "{\"from\":\"a\",\"to\":\"b\"}");
    assertThat(noAgent.status()).isEqualTo(201);
    assertThat(noAgent.json().get("participants")).hasSize(1);
  }

  @Test
  void participantStateChangesAreCommittedBeforeThe202() {
    JsonNode c = fx.call(agentId);
    String id = c.get("id").asString();
    String agent = Fixtures.agentOf(c).get("id").asString();
    var answer =
        api.patch(
            "/api/v2/conversations/" + id + "/participants/" + agent,
            token,
            "{\"state\":\"connected\"}");
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body()).isEmpty();
    JsonNode connected = Fixtures.agentOf(api.get("/api/v2/conversations/" + id, token).json());
    assertThat(connected.get("state").asString()).isEqualTo("connected");
    assertThat(connected.get("connectedTime").asString()).isNotBlank();

    var leave =
        api.patch(
            "/api/v2/conversations/" + id + "/participants/" + agent,
            token,
            "{\"state\":\"disconnected\"}");
    assertThat(leave.status()).isEqualTo(202);
    JsonNode after = api.get("/api/v2/conversations/" + id, token).json();
    assertThat(Fixtures.agentOf(after).get("state").asString()).isEqualTo("disconnected");
    assertThat(Fixtures.agentOf(after).get("endTime").asString()).isNotBlank();
    assertThat(after.get("state").asString())
        .as("the customer is still on the line")
        .isEqualTo("connected");

    var back =
        api.patch(
            "/api/v2/conversations/" + id + "/participants/" + agent,
            token,
            "{\"state\":\"connected\"}");
    assertThat(back.status()).isEqualTo(409);
    assertThat(back.json().get("code").asString()).isEqualTo("participant.state.invalid");
    assertThat(
            api.patch(
                    "/api/v2/conversations/" + id + "/participants/" + agent,
                    token,
                    "{\"state\":\"dancing\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.patch("/api/v2/conversations/" + id + "/participants/" + agent, token, "{}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.patch(
                    "/api/v2/conversations/" + id + "/participants/nobody",
                    token,
                    "{\"state\":\"disconnected\"}")
                .status())
        .isEqualTo(404);
  }

  @Test
  void disconnectEndsTheCallForEveryoneAndIsHarmlessTwice() {
    JsonNode c = fx.call(agentId);
    String id = c.get("id").asString();
    assertThat(api.post("/api/v2/conversations/" + id + "/disconnect", token, null).status())
        .isEqualTo(202);
    JsonNode after = api.get("/api/v2/conversations/" + id, token).json();
    assertThat(after.get("state").asString()).isEqualTo("disconnected");
    String end = after.get("endTime").asString();
    for (JsonNode p : after.get("participants")) {
      assertThat(p.get("state").asString()).isEqualTo("disconnected");
      assertThat(p.get("calls").get(0).get("state").asString()).isEqualTo("disconnected");
      assertThat(p.get("endTime").asString()).isEqualTo(end);
    }
    assertThat(api.post("/api/v2/conversations/" + id + "/disconnect", token, null).status())
        .isEqualTo(202);
    assertThat(api.get("/api/v2/conversations/" + id, token).json()).isEqualTo(after);

    JsonNode lonely = fx.call(null);
    api.post("/api/v2/conversations/" + lonely.get("id").asString() + "/disconnect", token, null);
    assertThat(
            api.get("/api/v2/conversations/" + lonely.get("id").asString(), token)
                .json()
                .get("state")
                .asString())
        .as("no agent has to wrap up")
        .isEqualTo("terminated");
  }

  @Test
  void anotherOrgsConversationIsNotFound() {
    JsonNode c = fx.call(agentId);
    String id = c.get("id").asString();
    String agent = Fixtures.agentOf(c).get("id").asString();
    var missing = api.get("/api/v2/conversations/00000000-0000-0000-0000-000000000000", otherToken);
    var foreign = api.get("/api/v2/conversations/" + id, otherToken);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json().get("code").asString())
        .isEqualTo(missing.json().get("code").asString())
        .isEqualTo("not.found");
    assertThat(api.post("/api/v2/conversations/" + id + "/disconnect", otherToken, null).status())
        .isEqualTo(404);
    assertThat(
            api.patch(
                    "/api/v2/conversations/" + id + "/participants/" + agent,
                    otherToken,
                    "{\"state\":\"connected\"}")
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v2/conversations/" + id, token).json().get("state").asString())
        .isEqualTo("connected");
  }

  @Test
  void conversationsNeedTheirScope() {
    var c =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"scripts\",\"scope\":[\"scripts\"]}")
            .json();
    String t = api.token(c.get("id").asString(), c.get("secret").asString());
    var r = api.post("/api/v2/conversations/calls", t, "{\"from\":\"a\",\"to\":\"b\"}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("conversations");
  }
}

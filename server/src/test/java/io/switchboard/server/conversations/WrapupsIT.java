package io.switchboard.server.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 004: wrap-ups right after close, the window, the codes, and what a wrap-up does to the
 * session.
 */
class WrapupsIT {
  static final MutableClock clock = new MutableClock();
  static TestServer server;
  static Api api;
  static String token;
  static String otherToken;
  static Fixtures fx;
  static String agentId;
  static String code;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("conversations.wrapup-window-seconds", "600"), null, clock);
    api = server.api();
    token = api.token(server.newOrg());
    otherToken = api.token(server.newOrg());
    fx = new Fixtures(api, token);
    agentId = fx.user("Wanda Wrapup");
    code = fx.wrapupCode("Resolved");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Call(String id, String agentParticipant, String agentCall, String customerParticipant) {}

  static Call call() {
    JsonNode c = fx.call(agentId);
    JsonNode agent = Fixtures.agentOf(c);
    return new Call(
        c.get("id").asString(),
        agent.get("id").asString(),
        agent.get("calls").get(0).get("id").asString(),
        c.get("participants").get(0).get("id").asString());
  }

  static String communicationWrapup(Call c) {
    return "/api/v2/conversations/calls/"
        + c.id()
        + "/participants/"
        + c.agentParticipant()
        + "/communications/"
        + c.agentCall()
        + "/wrapup";
  }

  static void disconnect(Call c) {
    assertThat(api.post("/api/v2/conversations/" + c.id() + "/disconnect", token, null).status())
        .isEqualTo(202);
  }

  @Test
  void wrapupRightAfterDisconnectIsAcceptedAndReadBack() {
    Call c = call();
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + c.id()
                        + "/participants/"
                        + c.agentParticipant()
                        + "/wrapup",
                    token)
                .status())
        .as("none yet")
        .isEqualTo(204);
    disconnect(c);
    var r =
        api.post(
            communicationWrapup(c),
            token,
            "{\"code\":\""
                + code
                + "\",\"notes\":\"all good\",\"tags\":[\"vip\"],\"durationSeconds\":30}");
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.body()).isEmpty();

    var got =
        api.get(
            "/api/v2/conversations/" + c.id() + "/participants/" + c.agentParticipant() + "/wrapup",
            token);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().get("code").asString()).isEqualTo(code);
    assertThat(got.json().get("name").asString()).startsWith("Resolved");
    assertThat(got.json().get("notes").asString()).isEqualTo("all good");
    assertThat(got.json().get("tags").get(0).asString()).isEqualTo("vip");
    assertThat(got.json().get("durationSeconds").asInt()).isEqualTo(30);
    assertThat(got.json().get("endTime").asString()).matches(".*\\.\\d{3}Z");

    JsonNode conversation = api.get("/api/v2/conversations/" + c.id(), token).json();
    assertThat(conversation.get("state").asString()).isEqualTo("terminated");
    for (JsonNode p : conversation.get("participants"))
      assertThat(p.get("state").asString()).isEqualTo("terminated");
    assertThat(Fixtures.agentOf(conversation).get("wrapup").get("code").asString()).isEqualTo(code);
  }

  @Test
  void aWrapupBeforeDisconnectIsAConflictNotA404() {
    Call c = call();
    var r = api.post(communicationWrapup(c), token, "{\"code\":\"" + code + "\"}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("code").asString()).isEqualTo("conversation.not.disconnected");
    assertThat(r.json().get("messageParams").get("state").asString()).isEqualTo("alerting");
  }

  @Test
  void theWindowClosesAfterTheConfiguredTime() {
    Call late = call();
    Call justInTime = call();
    disconnect(late);
    disconnect(justInTime);
    clock.advance(Duration.ofSeconds(599));
    assertThat(
            api.post(communicationWrapup(justInTime), token, "{\"code\":\"" + code + "\"}")
                .status())
        .isEqualTo(202);
    clock.advance(Duration.ofSeconds(2));
    var r = api.post(communicationWrapup(late), token, "{\"code\":\"" + code + "\"}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("code").asString()).isEqualTo("wrapup.window.closed");
    assertThat(r.json().get("messageParams").get("windowSeconds").asLong()).isEqualTo(600);
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + late.id()
                        + "/participants/"
                        + late.agentParticipant()
                        + "/wrapup",
                    token)
                .status())
        .isEqualTo(204);
  }

  @Test
  void theCodeMustBeOneOfTheOrgs() {
    Call c = call();
    disconnect(c);
    var unknown = api.post(communicationWrapup(c), token, "{\"code\":\"no-such-code\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("messageParams").get("field").asString()).isEqualTo("code");
    String foreignCode = new Fixtures(api, otherToken).wrapupCode("Foreign");
    assertThat(
            api.post(communicationWrapup(c), token, "{\"code\":\"" + foreignCode + "\"}").status())
        .isEqualTo(400);
    assertThat(
            api.post(communicationWrapup(c), token, "{\"notes\":\"no code\"}")
                .json()
                .get("messageParams")
                .get("field")
                .asString())
        .isEqualTo("code");
    assertThat(
            api.post(
                    communicationWrapup(c),
                    token,
                    "{\"code\":\"" + code + "\",\"durationSeconds\":-1}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + c.id()
                        + "/participants/"
                        + c.agentParticipant()
                        + "/wrapup",
                    token)
                .status())
        .isEqualTo(204);
  }

  @Test
  void idsInThePathMustBelongTogether() {
    Call c = call();
    disconnect(c);
    String wrongCommunication =
        "/api/v2/conversations/calls/"
            + c.id()
            + "/participants/"
            + c.agentParticipant()
            + "/communications/not-the-call/wrapup";
    assertThat(api.post(wrongCommunication, token, "{\"code\":\"" + code + "\"}").status())
        .isEqualTo(404);
    Call other = call();
    String mixed =
        "/api/v2/conversations/calls/"
            + c.id()
            + "/participants/"
            + other.agentParticipant()
            + "/communications/"
            + other.agentCall()
            + "/wrapup";
    assertThat(api.post(mixed, token, "{\"code\":\"" + code + "\"}").status()).isEqualTo(404);
    var customer =
        api.post(
            "/api/v2/conversations/" + c.id() + "/participants/" + c.customerParticipant(),
            token,
            "{}");
    assertThat(customer.status()).isEqualTo(405);
    var customerWrapup =
        api.patch(
            "/api/v2/conversations/" + c.id() + "/participants/" + c.customerParticipant(),
            token,
            "{\"wrapup\":{\"code\":\"" + code + "\"}}");
    assertThat(customerWrapup.status()).isEqualTo(400);
    assertThat(customerWrapup.json().get("messageParams").get("purpose").asString())
        .isEqualTo("customer");
  }

  @Test
  void theScriptingInteractionEndpointNamesTheAgentOrTheParticipant() {
    Call byAgent = call();
    disconnect(byAgent);
    var r =
        api.post(
            "/api/v2/integrations/scripting/interactions/" + byAgent.id() + "/wrapup",
            token,
            "{\"agentId\":\"" + agentId + "\",\"code\":\"" + code + "\",\"notes\":\"seed 004\"}");
    assertThat(r.status()).isEqualTo(202);
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + byAgent.id()
                        + "/participants/"
                        + byAgent.agentParticipant()
                        + "/wrapup",
                    token)
                .json()
                .get("notes")
                .asString())
        .isEqualTo("seed 004");

    Call byParticipant = call();
    disconnect(byParticipant);
    assertThat(
            api.post(
                    "/api/v2/integrations/scripting/interactions/" + byParticipant.id() + "/wrapup",
                    token,
                    "{\"participantId\":\""
                        + byParticipant.agentParticipant()
                        + "\",\"code\":\""
                        + code
                        + "\"}")
                .status())
        .isEqualTo(202);

    Call c = call();
    disconnect(c);
    String path = "/api/v2/integrations/scripting/interactions/" + c.id() + "/wrapup";
    assertThat(api.post(path, token, "{\"code\":\"" + code + "\"}").status()).isEqualTo(400);
    var stranger =
        api.post(
            path, token, "{\"agentId\":\"" + fx.user("Stranger") + "\",\"code\":\"" + code + "\"}");
    assertThat(stranger.status()).isEqualTo(400);
    assertThat(stranger.json().get("messageParams").get("field").asString()).isEqualTo("agentId");
    assertThat(
            api.post(path, token, "{\"participantId\":\"nobody\",\"code\":\"" + code + "\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v2/integrations/scripting/interactions/00000000-0000-0000-0000-000000000000/wrapup",
                    token,
                    "{\"agentId\":\"" + agentId + "\",\"code\":\"" + code + "\"}")
                .status())
        .isEqualTo(404);
    var foreign =
        api.post(path, otherToken, "{\"agentId\":\"" + agentId + "\",\"code\":\"" + code + "\"}");
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json().get("code").asString()).isEqualTo("not.found");
  }

  @Test
  void theParticipantPatchRecordsAWrapupByTheSameRules() {
    Call c = call();
    String path = "/api/v2/conversations/" + c.id() + "/participants/" + c.agentParticipant();
    var early = api.patch(path, token, "{\"wrapup\":{\"code\":\"" + code + "\"}}");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().get("code").asString()).isEqualTo("conversation.not.disconnected");
    var both =
        api.patch(
            path,
            token,
            "{\"state\":\"disconnected\",\"wrapup\":{\"code\":\""
                + code
                + "\",\"notes\":\"in one go\",\"name\":\"ignored\",\"provisional\":false}}");
    assertThat(both.status()).isEqualTo(202);
    JsonNode agent = Fixtures.agentOf(api.get("/api/v2/conversations/" + c.id(), token).json());
    assertThat(agent.get("state").asString()).isEqualTo("terminated");
    assertThat(agent.get("wrapup").get("notes").asString()).isEqualTo("in one go");

    // A failed wrap-up in the same PATCH leaves the state change unwritten too.
    Call d = call();
    var bad =
        api.patch(
            "/api/v2/conversations/" + d.id() + "/participants/" + d.agentParticipant(),
            token,
            "{\"state\":\"disconnected\",\"wrapup\":{\"code\":\"nope\"}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(
            Fixtures.agentOf(api.get("/api/v2/conversations/" + d.id(), token).json())
                .get("state")
                .asString())
        .isEqualTo("alerting");
  }

  @Test
  void recordingAgainWithinTheWindowReplacesTheWrapup() {
    Call c = call();
    disconnect(c);
    String second = fx.wrapupCode("Escalated");
    api.post(communicationWrapup(c), token, "{\"code\":\"" + code + "\"}");
    assertThat(api.post(communicationWrapup(c), token, "{\"code\":\"" + second + "\"}").status())
        .isEqualTo(202);
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + c.id()
                        + "/participants/"
                        + c.agentParticipant()
                        + "/wrapup",
                    token)
                .json()
                .get("code")
                .asString())
        .isEqualTo(second);
  }

  @Test
  void aWrapupCompletesTheAgentsScriptSessionForThatConversation() {
    String script = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    Call c = call();
    JsonNode agentSession = fx.session(script, c.id(), "{\"customerName\":\"Ada\"}");
    String otherAgent = fx.user("Other Agent");
    var other =
        api.post(
                "/api/v2/agent-scripting/sessions",
                token,
                "{\"scriptId\":\""
                    + script
                    + "\",\"conversationId\":\""
                    + c.id()
                    + "\",\"agentId\":\""
                    + otherAgent
                    + "\"}")
            .json();
    Call elsewhere = call();
    JsonNode elsewhereSession = fx.session(script, elsewhere.id(), null);

    disconnect(c);
    assertThat(api.post(communicationWrapup(c), token, "{\"code\":\"" + code + "\"}").status())
        .isEqualTo(202);

    JsonNode completed =
        api.get("/api/v2/agent-scripting/sessions/" + agentSession.get("id").asString(), token)
            .json();
    assertThat(completed.get("state").asString()).isEqualTo("completed");
    assertThat(completed.get("version").asLong()).isEqualTo(2);
    assertThat(completed.get("data").get("customerName").asString()).isEqualTo("Ada");
    assertThat(
            api.get("/api/v2/agent-scripting/sessions/" + other.get("id").asString(), token)
                .json()
                .get("state")
                .asString())
        .isEqualTo("active");
    assertThat(
            api.get(
                    "/api/v2/agent-scripting/sessions/" + elsewhereSession.get("id").asString(),
                    token)
                .json()
                .get("state")
                .asString())
        .isEqualTo("active");
    var patch =
        api.patch(
            "/api/v2/agent-scripting/sessions/" + agentSession.get("id").asString(),
            token,
            "{\"data\":{\"age\":1}}",
            "Content-Type",
            "application/merge-patch+json");
    assertThat(patch.json().get("code").asString()).isEqualTo("session.completed");
  }

  @Test
  void aDeletedCodeStaysOnPastWrapupsByName() {
    String temporary = fx.wrapupCode("Temporary");
    Call c = call();
    disconnect(c);
    api.post(communicationWrapup(c), token, "{\"code\":\"" + temporary + "\"}");
    assertThat(api.delete("/api/v2/routing/wrapupcodes/" + temporary, token).status())
        .isEqualTo(204);
    var got =
        api.get(
                "/api/v2/conversations/"
                    + c.id()
                    + "/participants/"
                    + c.agentParticipant()
                    + "/wrapup",
                token)
            .json();
    assertThat(got.get("name").asString()).startsWith("Temporary");
  }

  @Test
  void anotherOrgsWrapupIsNotFound() {
    Call c = call();
    disconnect(c);
    var foreign = api.post(communicationWrapup(c), otherToken, "{\"code\":\"" + code + "\"}");
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + c.id()
                        + "/participants/"
                        + c.agentParticipant()
                        + "/wrapup",
                    otherToken)
                .status())
        .isEqualTo(404);
    assertThat(
            api.get(
                    "/api/v2/conversations/"
                        + c.id()
                        + "/participants/"
                        + c.agentParticipant()
                        + "/wrapup",
                    token)
                .status())
        .isEqualTo(204);
  }
}

package io.switchboard.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SessionsIT extends TwoOrgServer {
  static final String SESSIONS = "/api/v2/agent-scripting/sessions";
  static final String MERGE = "application/merge-patch+json";

  static String scriptId;
  static String agentId;

  @BeforeAll
  static void start() {
    scriptId = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    agentId = fx.user("Agent Smith");
  }

  /** A fresh active session on a new call with the agent. */
  static JsonNode newSession(String data) {
    String conversationId = fx.call(agentId).get("id").asString();
    return fx.session(scriptId, conversationId, data);
  }

  static String id(JsonNode session) {
    return session.get("id").asString();
  }

  @Test
  void aSessionStartsOnThePublishedScriptAtVersionOne() {
    JsonNode call = fx.call(agentId);
    var r =
        api.post(
            SESSIONS,
            token,
            "{\"scriptId\":\""
                + scriptId
                + "\",\"conversationId\":\""
                + call.get("id").asString()
                + "\",\"data\":{\"customerName\":\"Ada\"}}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode s = r.json();
    assertThat(s.get("version").asLong()).isEqualTo(1);
    assertThat(s.get("state").asString()).isEqualTo("active");
    assertThat(s.get("scriptId").asString()).isEqualTo(scriptId);
    assertThat(s.get("scriptVersionId").asString())
        .isEqualTo(
            api.get("/api/v2/scripts/published/" + scriptId, token)
                .json()
                .get("versionId")
                .asString());
    assertThat(s.get("conversationId").asString()).isEqualTo(call.get("id").asString());
    assertThat(s.get("agentId").asString())
        .as("defaults to the conversation's agent")
        .isEqualTo(agentId);
    assertThat(s.get("data").get("customerName").asString()).isEqualTo("Ada");
    assertThat(s.get("createdDate").asString()).matches(".*\\.\\d{3}Z");
    assertThat(s.get("selfUri").asString()).isEqualTo(SESSIONS + "/" + id(s));
    assertThat(r.header("Location")).contains(SESSIONS + "/" + id(s));
    assertThat(r.header("ETag")).contains("\"1\"");

    var got = api.get(SESSIONS + "/" + id(s), token);
    assertThat(got.json()).isEqualTo(s);
    assertThat(got.header("ETag")).contains("\"1\"");
    assertThat(api.get(SESSIONS + "/" + id(s), token, "If-None-Match", "\"1\"").status())
        .isEqualTo(304);
  }

  /**
   * A GET answers from the JSON it keeps per version: every kind of change must show in the next
   * GET (a warmed copy of the old version must never answer), and another org's token never sees
   * it.
   */
  @Test
  void aGetAfterEachKindOfChangeShowsTheChange() {
    JsonNode s = newSession("{\"customerName\":\"Ada\"}");
    String url = SESSIONS + "/" + id(s);
    for (int i = 0; i < 2; i++) assertThat(api.get(url, token).json()).isEqualTo(s);

    var patched = api.patch(url, token, "{\"data\":{\"age\":42}}", "Content-Type", MERGE);
    var afterPatch = api.get(url, token);
    assertThat(afterPatch.json()).isEqualTo(patched.json());
    assertThat(afterPatch.json().get("data").get("age").asInt()).isEqualTo(42);
    assertThat(afterPatch.header("ETag")).contains("\"2\"");
    assertThat(api.get(url, token, "If-None-Match", "\"1\"").status()).isEqualTo(200);
    assertThat(api.get(url, token, "If-None-Match", "\"2\"").status()).isEqualTo(304);

    var replaced = api.put(url, token, "{\"version\":2,\"data\":{\"plan\":\"gold\"}}");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(api.get(url, token).json()).isEqualTo(replaced.json());

    var done = api.post(url + "/complete", token, null);
    var afterDone = api.get(url, token);
    assertThat(afterDone.json()).isEqualTo(done.json());
    assertThat(afterDone.json().get("state").asString()).isEqualTo("completed");

    var theirs = api.get(url, otherToken);
    assertThat(theirs.status()).isEqualTo(404);
    assertThat(theirs.body()).doesNotContain("Ada").doesNotContain("gold");
  }

  @Test
  void mergePatchMergesRemovesAndRaisesTheVersion() {
    JsonNode s = newSession("{\"customerName\":\"Ada\",\"plan\":\"basic\"}");
    var p1 =
        api.patch(SESSIONS + "/" + id(s), token, "{\"data\":{\"age\":42}}", "Content-Type", MERGE);
    assertThat(p1.status()).isEqualTo(200);
    assertThat(p1.json().get("version").asLong()).isEqualTo(2);
    assertThat(p1.header("ETag")).contains("\"2\"");
    assertThat(p1.json().get("data").get("customerName").asString()).isEqualTo("Ada");
    assertThat(p1.json().get("data").get("age").asInt()).isEqualTo(42);

    var p2 =
        api.patch(SESSIONS + "/" + id(s), token, "{\"data\":{\"plan\":null,\"consent\":true}}");
    assertThat(p2.status()).as("application/json is read as a merge patch too").isEqualTo(200);
    JsonNode data = p2.json().get("data");
    assertThat(data.has("plan")).isFalse();
    assertThat(data.get("consent").asBoolean()).isTrue();
    assertThat(p2.json().get("version").asLong()).isEqualTo(3);

    var cleared =
        api.patch(SESSIONS + "/" + id(s), token, "{\"data\":null}", "Content-Type", MERGE);
    assertThat(cleared.json().get("data").isEmpty()).isTrue();
    assertThat(cleared.json().get("version").asLong()).isEqualTo(4);
  }

  @Test
  void valuesAreCheckedAgainstTheScriptsVariablesAndNothingIsWritten() {
    JsonNode s = newSession(null);
    var wrongType =
        api.patch(
            SESSIONS + "/" + id(s), token, "{\"data\":{\"age\":\"forty\"}}", "Content-Type", MERGE);
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("messageParams").get("variable").asString()).isEqualTo("age");
    assertThat(wrongType.json().get("messageParams").get("expected").asString())
        .isEqualTo("number");
    assertThat(wrongType.json().get("message").asString()).contains("age");
    var unknown =
        api.patch(
            SESSIONS + "/" + id(s), token, "{\"data\":{\"shoeSize\":44}}", "Content-Type", MERGE);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("messageParams").get("variable").asString())
        .isEqualTo("shoeSize");
    var nested =
        api.patch(
            SESSIONS + "/" + id(s),
            token,
            "{\"data\":{\"plan\":{\"tier\":\"gold\"}}}",
            "Content-Type",
            MERGE);
    assertThat(nested.status()).isEqualTo(400);
    var notObject =
        api.patch(SESSIONS + "/" + id(s), token, "{\"data\":[1]}", "Content-Type", MERGE);
    assertThat(notObject.status()).isEqualTo(400);
    var readOnly =
        api.patch(
            SESSIONS + "/" + id(s), token, "{\"state\":\"completed\"}", "Content-Type", MERGE);
    assertThat(readOnly.status()).isEqualTo(400);
    assertThat(readOnly.json().get("messageParams").get("field").asString()).isEqualTo("state");
    var malformed = api.patch(SESSIONS + "/" + id(s), token, "{\"data\":", "Content-Type", MERGE);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(
            api.patch(SESSIONS + "/" + id(s), token, "{\"data\":{}}", "Content-Type", "text/plain")
                .status())
        .isEqualTo(415);
    var after = api.get(SESSIONS + "/" + id(s), token).json();
    assertThat(after.get("version").asLong()).isEqualTo(1);
    assertThat(after.get("data").isEmpty()).isTrue();
  }

  @Test
  void aStaleIfMatchIs409WithTheCurrentVersionAndWritesNothing() {
    JsonNode s = newSession("{\"customerName\":\"Ada\"}");
    api.patch(SESSIONS + "/" + id(s), token, "{\"data\":{\"age\":1}}", "Content-Type", MERGE);

    var stale =
        api.patch(
            SESSIONS + "/" + id(s),
            token,
            "{\"data\":{\"customerName\":\"Eve\"}}",
            "Content-Type",
            MERGE,
            "If-Match",
            "\"1\"");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("code").asString()).isEqualTo("version.mismatch");
    assertThat(stale.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(2);
    var staleBody =
        api.patch(
            SESSIONS + "/" + id(s),
            token,
            "{\"version\":1,\"data\":{\"customerName\":\"Eve\"}}",
            "Content-Type",
            MERGE);
    assertThat(staleBody.status()).isEqualTo(409);
    assertThat(staleBody.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(2);
    JsonNode unchanged = api.get(SESSIONS + "/" + id(s), token).json();
    assertThat(unchanged.get("version").asLong()).isEqualTo(2);
    assertThat(unchanged.get("data").get("customerName").asString()).isEqualTo("Ada");

    var current =
        api.patch(
            SESSIONS + "/" + id(s),
            token,
            "{\"data\":{\"customerName\":\"Eve\"}}",
            "Content-Type",
            MERGE,
            "If-Match",
            "\"2\"");
    assertThat(current.status()).isEqualTo(200);
    assertThat(current.json().get("version").asLong()).isEqualTo(3);
    assertThat(
            api.patch(
                    SESSIONS + "/" + id(s),
                    token,
                    "{\"data\":{}}",
                    "Content-Type",
                    MERGE,
                    "If-Match",
                    "W/\"3\"")
                .status())
        .isEqualTo(200);
    assertThat(
            api.patch(
                    SESSIONS + "/" + id(s),
                    token,
                    "{\"data\":{}}",
                    "Content-Type",
                    MERGE,
                    "If-Match",
                    "\"banana\"")
                .status())
        .isEqualTo(400);
    assertThat(
            api.patch(
                    SESSIONS + "/" + id(s),
                    token,
                    "{\"version\":\"4\",\"data\":{}}",
                    "Content-Type",
                    MERGE)
                .status())
        .isEqualTo(400);
  }

  @Test
  void putReplacesTheDataAndRequiresTheVersion() {
    JsonNode s = newSession("{\"customerName\":\"Ada\",\"age\":3}");
    var noVersion = api.put(SESSIONS + "/" + id(s), token, "{\"data\":{\"plan\":\"gold\"}}");
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.json().get("messageParams").get("field").asString()).isEqualTo("version");
    var replaced =
        api.put(SESSIONS + "/" + id(s), token, "{\"version\":1,\"data\":{\"plan\":\"gold\"}}");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().get("data").propertyNames()).containsExactly("plan");
    assertThat(replaced.json().get("version").asLong()).isEqualTo(2);
    var stale =
        api.put(
            SESSIONS + "/" + id(s), token, "{\"data\":{\"plan\":\"basic\"}}", "If-Match", "\"1\"");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(2);
    var typed =
        api.put(SESSIONS + "/" + id(s), token, "{\"version\":2,\"data\":{\"consent\":\"yes\"}}");
    assertThat(typed.status()).isEqualTo(400);
    assertThat(api.get(SESSIONS + "/" + id(s), token).json().get("data").get("plan").asString())
        .isEqualTo("gold");
  }

  @Test
  void aCompletedSessionRefusesWritesWithItsOwnCode() {
    JsonNode s = newSession(null);
    var done = api.post(SESSIONS + "/" + id(s) + "/complete", token, null);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("state").asString()).isEqualTo("completed");
    assertThat(done.json().get("version").asLong()).isEqualTo(2);
    assertThat(done.json().get("completedDate").asString()).isNotBlank();

    var patch =
        api.patch(SESSIONS + "/" + id(s), token, "{\"data\":{\"age\":5}}", "Content-Type", MERGE);
    assertThat(patch.status()).isEqualTo(409);
    assertThat(patch.json().get("code").asString()).isEqualTo("session.completed");
    var versioned =
        api.patch(
            SESSIONS + "/" + id(s),
            token,
            "{\"data\":{\"age\":5}}",
            "Content-Type",
            MERGE,
            "If-Match",
            "\"2\"");
    assertThat(versioned.json().get("code").asString()).isEqualTo("session.completed");
    assertThat(
            api.put(SESSIONS + "/" + id(s), token, "{\"version\":2,\"data\":{}}")
                .json()
                .get("code")
                .asString())
        .isEqualTo("session.completed");
    assertThat(
            api.post(SESSIONS + "/" + id(s) + "/complete", token, null)
                .json()
                .get("code")
                .asString())
        .isEqualTo("session.completed");
    assertThat(api.get(SESSIONS + "/" + id(s), token).json().get("version").asLong()).isEqualTo(2);

    JsonNode other = newSession(null);
    var staleComplete =
        api.post(SESSIONS + "/" + id(other) + "/complete", token, null, "If-Match", "\"7\"");
    assertThat(staleComplete.status()).isEqualTo(409);
    assertThat(staleComplete.json().get("code").asString()).isEqualTo("version.mismatch");
  }

  @Test
  void dataIsBoundedWith413() {
    JsonNode s = newSession(null);
    String big = "x".repeat(70_000);
    var tooBig =
        api.patch(
            SESSIONS + "/" + id(s),
            token,
            "{\"data\":{\"customerName\":\"" + big + "\"}}",
            "Content-Type",
            MERGE);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().get("code").asString()).isEqualTo("session.data.too.large");
    assertThat(tooBig.json().get("messageParams").get("limitBytes").asLong()).isEqualTo(65_536);
    assertThat(api.get(SESSIONS + "/" + id(s), token).json().get("version").asLong()).isEqualTo(1);
    String conversationId = fx.call(agentId).get("id").asString();
    var create =
        api.post(
            SESSIONS,
            token,
            "{\"scriptId\":\""
                + scriptId
                + "\",\"conversationId\":\""
                + conversationId
                + "\",\"data\":{\"plan\":\""
                + big
                + "\"}}");
    assertThat(create.status()).isEqualTo(413);
  }

  @Test
  void renderFillsThePagesWithTheData() {
    JsonNode s = newSession("{\"customerName\":\"Ada\",\"age\":42}");
    var r = api.get(SESSIONS + "/" + id(s) + "/render", token);
    assertThat(r.status()).isEqualTo(200);
    JsonNode view = r.json();
    assertThat(view.get("sessionId").asString()).isEqualTo(id(s));
    assertThat(view.get("scriptName").asString()).isEqualTo("Greeting");
    assertThat(view.get("startPageId").asString()).isEqualTo("start");
    assertThat(view.get("values").get("consent").asBoolean()).as("defaults fill in").isFalse();
    JsonNode components = view.get("pages").get(0).get("components");
    assertThat(components.get(0).get("text").asString()).isEqualTo("Hello Ada, you are 42");
    assertThat(components.get(1).get("label").asString()).isEqualTo("Age of Ada");
    assertThat(components.get(1).get("value").asInt()).isEqualTo(42);
    assertThat(components.get(3).get("options")).hasSize(2);
    assertThat(components.get(4).get("setValue").asString()).isEqualTo("gold");
    assertThat(components.get(5).get("action").asString()).isEqualTo("complete");
    assertThat(view.get("pages").get(1).get("components").get(0).get("text").asString())
        .isEqualTo("Bye Ada");

    JsonNode defaults = newSession(null);
    var plain = api.get(SESSIONS + "/" + id(defaults) + "/render", token).json();
    assertThat(plain.get("pages").get(0).get("components").get(0).get("text").asString())
        .isEqualTo("Hello caller, you are ");
  }

  @Test
  void aSessionKeepsTheScriptVersionItStartedOn() {
    String t = api.token(server.newOrg());
    var f = new Fixtures(api, t);
    String script =
        f.publishedScript(
            "{\"name\":\"v\",\"variables\":[{\"name\":\"a\",\"type\":\"string\"}],\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"A={{a}}\"}]}]}");
    String conversation = f.call(null).get("id").asString();
    JsonNode old = f.session(script, conversation, "{\"a\":\"x\"}");
    api.put(
        "/api/v2/scripts/" + script,
        t,
        "{\"name\":\"v2\",\"version\":1,\"variables\":[{\"name\":\"b\",\"type\":\"number\"}],\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"B={{b}}\"}]}]}");
    api.post("/api/v2/scripts/published", t, "{\"scriptId\":\"" + script + "\"}");

    assertThat(
            api.patch(
                    SESSIONS + "/" + id(old), t, "{\"data\":{\"a\":\"y\"}}", "Content-Type", MERGE)
                .status())
        .isEqualTo(200);
    assertThat(
            api.patch(SESSIONS + "/" + id(old), t, "{\"data\":{\"b\":1}}", "Content-Type", MERGE)
                .status())
        .isEqualTo(400);
    assertThat(
            api.get(SESSIONS + "/" + id(old) + "/render", t)
                .json()
                .get("pages")
                .get(0)
                .get("components")
                .get(0)
                .get("text")
                .asString())
        .isEqualTo("A=y");
    JsonNode fresh = f.session(script, conversation, "{\"b\":2}");
    assertThat(fresh.get("scriptVersionId").asString())
        .isNotEqualTo(old.get("scriptVersionId").asString());
    assertThat(
            api.get(SESSIONS + "/" + id(fresh) + "/render", t)
                .json()
                .get("pages")
                .get(0)
                .get("components")
                .get(0)
                .get("text")
                .asString())
        .isEqualTo("B=2");
    assertThat(fresh.has("agentId")).as("a call without an agent gives no agent").isFalse();
  }

  @Test
  void creationChecksEveryReference() {
    String conversationId = fx.call(agentId).get("id").asString();
    var noScript =
        api.post(
            SESSIONS,
            token,
            "{\"scriptId\":\"00000000-0000-0000-0000-000000000000\",\"conversationId\":\""
                + conversationId
                + "\"}");
    assertThat(noScript.status()).isEqualTo(400);
    assertThat(noScript.json().get("messageParams").get("field").asString()).isEqualTo("scriptId");
    String draft = fx.script("{\"name\":\"draft\"}");
    var unpublished =
        api.post(
            SESSIONS,
            token,
            "{\"scriptId\":\"" + draft + "\",\"conversationId\":\"" + conversationId + "\"}");
    assertThat(unpublished.status()).isEqualTo(409);
    assertThat(unpublished.json().get("code").asString()).isEqualTo("script.not.published");
    var noConversation =
        api.post(
            SESSIONS, token, "{\"scriptId\":\"" + scriptId + "\",\"conversationId\":\"nope\"}");
    assertThat(noConversation.status()).isEqualTo(400);
    assertThat(noConversation.json().get("messageParams").get("field").asString())
        .isEqualTo("conversationId");
    var noAgent =
        api.post(
            SESSIONS,
            token,
            "{\"scriptId\":\""
                + scriptId
                + "\",\"conversationId\":\""
                + conversationId
                + "\",\"agentId\":\"ghost\"}");
    assertThat(noAgent.status()).isEqualTo(400);
    assertThat(noAgent.json().get("messageParams").get("field").asString()).isEqualTo("agentId");
    assertThat(
            api.post(
                    SESSIONS,
                    token,
                    "{\"scriptId\":\""
                        + scriptId
                        + "\",\"conversationId\":\""
                        + conversationId
                        + "\",\"data\":\"x\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(SESSIONS, token, "{\"conversationId\":\"" + conversationId + "\"}").status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    SESSIONS,
                    token,
                    "{\"scriptId\":\""
                        + scriptId
                        + "\",\"conversationId\":\""
                        + conversationId
                        + "\",\"data\":{\"age\":\"x\"}}")
                .status())
        .isEqualTo(400);

    // Another org's script and conversation are as unknown as missing ones.
    String otherConversation = new Fixtures(api, otherToken).call(null).get("id").asString();
    var foreignConversation =
        api.post(
            SESSIONS,
            token,
            "{\"scriptId\":\"" + scriptId + "\",\"conversationId\":\"" + otherConversation + "\"}");
    assertThat(foreignConversation.status()).isEqualTo(400);
    assertThat(foreignConversation.json().get("messageParams").get("field").asString())
        .isEqualTo("conversationId");
    var foreignScript =
        api.post(
            SESSIONS,
            otherToken,
            "{\"scriptId\":\"" + scriptId + "\",\"conversationId\":\"" + otherConversation + "\"}");
    assertThat(foreignScript.status()).isEqualTo(400);
    assertThat(foreignScript.json().get("messageParams").get("field").asString())
        .isEqualTo("scriptId");
  }

  @Test
  void bulkCreationAnswersPerItemAndABadItemFailsAlone() {
    String c1 = fx.call(agentId).get("id").asString();
    String c2 = fx.call(agentId).get("id").asString();
    String body =
        "[{\"scriptId\":\""
            + scriptId
            + "\",\"conversationId\":\""
            + c1
            + "\",\"data\":{\"customerName\":\"one\"}},"
            + "{\"scriptId\":\""
            + scriptId
            + "\",\"conversationId\":\"missing\"},"
            + "{\"scriptId\":\""
            + scriptId
            + "\",\"conversationId\":\""
            + c2
            + "\",\"data\":{\"age\":\"not a number\"}},"
            // A known field of the wrong type (an unknown one would be ignored, as Genesys does).
            + "{\"scriptId\":12,\"conversationId\":\""
            + c2
            + "\",\"colour\":1},"
            + "{\"scriptId\":\""
            + scriptId
            + "\",\"conversationId\":\""
            + c2
            + "\"}]";
    var r = api.post(SESSIONS + "/bulk", token, body);
    assertThat(r.status()).isEqualTo(200);
    JsonNode results = r.json().get("results");
    assertThat(results).hasSize(5);
    assertThat(
            List.of(0, 1, 2, 3, 4).stream().map(i -> results.get(i).get("status").asInt()).toList())
        .containsExactly(201, 400, 400, 400, 201);
    assertThat(r.json().get("created").asInt()).isEqualTo(2);
    assertThat(r.json().get("failed").asInt()).isEqualTo(3);
    assertThat(results.get(0).get("session").get("data").get("customerName").asString())
        .isEqualTo("one");
    assertThat(results.get(1).get("error").get("messageParams").get("field").asString())
        .isEqualTo("conversationId");
    assertThat(results.get(1).get("error").get("contextId").asString())
        .isEqualTo(r.header("ININ-Correlation-Id").orElseThrow());
    assertThat(results.get(2).get("error").get("messageParams").get("variable").asString())
        .isEqualTo("age");
    assertThat(results.get(3).get("index").asInt()).isEqualTo(3);
    assertThat(results.get(3).get("error").get("messageParams").get("field").asString())
        .isEqualTo("scriptId");
    String created = results.get(4).get("session").get("id").asString();
    assertThat(api.get(SESSIONS + "/" + created, token).status()).isEqualTo(200);

    var hundred = new StringBuilder("[");
    for (int i = 0; i < 100; i++)
      hundred
          .append(i == 0 ? "" : ",")
          .append("{\"scriptId\":\"" + scriptId + "\",\"conversationId\":\"" + c1 + "\"}");
    var all = api.post(SESSIONS + "/bulk", token, hundred + "]");
    assertThat(all.json().get("created").asInt()).isEqualTo(100);
    var tooMany = api.post(SESSIONS + "/bulk", token, hundred + ",{}]");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(api.post(SESSIONS + "/bulk", token, "[]").status()).isEqualTo(400);
    assertThat(api.post(SESSIONS + "/bulk", token, "{\"scriptId\":\"x\"}").status()).isEqualTo(400);
  }

  @Test
  void anotherOrgsSessionIsNotFound() {
    JsonNode s = newSession(null);
    String path = SESSIONS + "/" + id(s);
    var missing = api.get(SESSIONS + "/00000000-0000-0000-0000-000000000000", otherToken);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(api.get(path, otherToken).status()).isEqualTo(404);
    assertThat(api.get(path, otherToken).json().get("code").asString())
        .isEqualTo(missing.json().get("code").asString());
    assertThat(
            api.patch(path, otherToken, "{\"data\":{\"age\":1}}", "Content-Type", MERGE).status())
        .isEqualTo(404);
    assertThat(api.put(path, otherToken, "{\"version\":1,\"data\":{}}").status()).isEqualTo(404);
    assertThat(api.post(path + "/complete", otherToken, null).status()).isEqualTo(404);
    assertThat(api.get(path + "/render", otherToken).status()).isEqualTo(404);
    assertThat(api.get(path, token).json().get("version").asLong()).isEqualTo(1);
  }

  @Test
  void sessionsNeedTheAgentScriptingScope() {
    var c =
        api.post(
                "/api/v2/oauth/clients",
                token,
                "{\"name\":\"scripts only\",\"scope\":[\"scripts\"]}")
            .json();
    String t = api.token(c.get("id").asString(), c.get("secret").asString());
    JsonNode s = newSession(null);
    var r = api.get(SESSIONS + "/" + id(s), t);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("agent-scripting");
    var ro =
        api.post(
                "/api/v2/oauth/clients",
                token,
                "{\"name\":\"ro\",\"scope\":[\"agent-scripting:readonly\"]}")
            .json();
    String roToken = api.token(ro.get("id").asString(), ro.get("secret").asString());
    assertThat(api.get(SESSIONS + "/" + id(s), roToken).status()).isEqualTo(200);
    assertThat(
            api.patch(SESSIONS + "/" + id(s), roToken, "{\"data\":{}}", "Content-Type", MERGE)
                .status())
        .isEqualTo(403);
  }
}

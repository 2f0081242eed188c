package io.switchboard.server.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The agent's script panel in a real Chromium, against a real server and its own org: a call placed
 * on the org's IVR runs a small flow (participant data, screen pop, queue), alerts the signed-in
 * agent, who answers it in the panel, which shows the call and the popped script; what the agent
 * types reaches the session, a back end's patch appears in the panel without overwriting the field
 * the agent is in, hang-up and wrap-up complete the session and make the agent available again. A
 * call placed straight to the agent alerts and is answered in the panel.
 */
class AgentPanelBrowserIT {
  static final String DNIS = "+18005550142";
  static final String ANI = "+6591234567";
  static final Duration WAIT = Duration.ofSeconds(30);

  static TestServer server;
  static Api api;
  static String admin;
  static String clientId;
  static String resolved;

  static final String SCRIPT =
      """
      {"name":"Panel script","variables":[
        {"name":"customerName","type":"string","input":true},
        {"name":"tier","type":"string","input":true},
        {"name":"notes","type":"string"},
        {"name":"callbackInMinutes","type":"number"},
        {"name":"satisfied","type":"boolean"}],
       "pages":[
        {"id":"call","name":"Call","components":[
          {"id":"hello","type":"text","text":"Hello {{customerName}}, a {{tier}} customer."},
          {"id":"tier","type":"input","label":"Tier","inputType":"select","variable":"tier",
           "options":["gold","silver","bronze"]},
          {"id":"notes","type":"input","label":"Notes","inputType":"text","variable":"notes"},
          {"id":"callback","type":"input","label":"Call back in (minutes)","inputType":"number",
           "variable":"callbackInMinutes"},
          {"id":"happy","type":"input","label":"Satisfied","inputType":"checkbox",
           "variable":"satisfied"}]},
        {"id":"closing","name":"Closing","components":[
          {"id":"bye","type":"text","text":"Goodbye, {{customerName}}."}]}]}
      """;

  static final String FLOW =
      """
      inboundCall:
        name: Panel
        startUpRef: "/inboundCall/tasks/task[main]"
        tasks:
          - task:
              name: Main
              refId: main
              actions:
                - setParticipantData:
                    name: Account
                    attributes:
                      - attribute:
                          name:
                            lit: accountId
                          value:
                            lit: ACME-1001
                - setScreenPop:
                    name: Pop
                    screenPopScript:
                      Panel script:
                        inputs:
                          customerName:
                            lit: Jordan
                          tier:
                            lit: gold
                - transferToAcd:
                    name: Queue
                    targetQueue:
                      lit:
                        name: Support
      """;

  @BeforeAll
  static void start() {
    // The ACD's calls alert the agent, who answers them in the panel.
    server = TestServer.start(java.util.Map.of("routing.agent-answers", "true"));
    api = server.api();
    admin = api.token(server.newOrg());
    clientId = PageFixtures.signInClient(api, admin, server.baseUrl());
    var fx = new Fixtures(api, admin);
    fx.publishedScript(SCRIPT);
    resolved = code("Resolved");
    code("Follow-up needed");
    var queue = api.post("/api/v2/routing/queues", admin, "{\"name\":\"Support\"}");
    assertThat(queue.status()).as(queue.body()).isEqualTo(200);
    var flow = api.post("/api/v2/flows", admin, "{\"name\":\"Panel\",\"type\":\"INBOUNDCALL\"}");
    assertThat(flow.status()).as(flow.body()).isEqualTo(200);
    String flowId = flow.json().get("id").asString();
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + flowId + "/latestconfiguration",
            admin,
            FLOW.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    var published = api.post("/api/v2/flows/actions/publish?flow=" + flowId, admin, null);
    assertThat(published.status()).as(published.body()).isEqualTo(200);
    var ivr =
        api.post(
            "/api/v2/architect/ivrs",
            admin,
            "{\"name\":\"Panel IVR\",\"dnis\":[\""
                + DNIS
                + "\"],\"openHoursFlow\":{\"id\":\""
                + flowId
                + "\"}}");
    assertThat(ivr.status()).as(ivr.body()).isEqualTo(200);
    queueId = queue.json().get("id").asString();
  }

  static String queueId;

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAgentWorksACallWithItsScriptFromSignInToWrapUp() {
    var agent = PageFixtures.user(api, admin, "Ada Agent", "agent");
    var members =
        api.post(
            "/api/v2/routing/queues/" + queueId + "/members",
            admin,
            "[{\"id\":\"" + agent.id() + "\"}]");
    assertThat(members.status()).as(members.body()).isEqualTo(204);
    try (var browser = new Browser()) {
      browser.open(server.baseUrl() + "/agent/?client_id=" + clientId);
      browser.signIn(agent.username(), agent.password());
      browser.awaitText(By.id("who"), "Ada Agent");
      browser.visible(By.cssSelector("body[data-ready=true]"));

      // Routing status: away, then available, set by the agent's own token.
      browser.visible(By.id("go-away")).click();
      browser.awaitText(By.id("routing-status"), "Away");
      assertThat(routingStatus(agent.id())).isEqualTo("OFF_QUEUE");
      browser.driver().findElement(By.id("go-available")).click();
      browser.awaitText(By.id("routing-status"), "Available");
      assertThat(routingStatus(agent.id())).isEqualTo("IDLE");

      // A call on the IVR: the flow queues it with a screen pop, the ACD gives it to the agent.
      var call =
          api.post(
              "/api/v2/conversations/calls",
              admin,
              "{\"from\":\"" + ANI + "\",\"to\":\"" + DNIS + "\"}");
      assertThat(call.status()).as(call.body()).isEqualTo(201);
      String conversationId = call.json().get("id").asString();
      browser.awaitText(By.id("call-state"), "alerting");
      browser.awaitText(By.id("status"), "Incoming call from " + ANI);
      assertThat(agentParticipant(conversationId).get("state").asString()).isEqualTo("alerting");
      // Answer has the focus: Enter answers.
      browser.await(d -> "answer".equals(d.switchTo().activeElement().getAttribute("id")));
      browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
      browser.awaitText(By.id("call-state"), "connected");
      assertThat(agentParticipant(conversationId).get("state").asString()).isEqualTo("connected");
      browser.awaitText(By.id("call-ani"), ANI);
      assertThat(text(browser, "call-dnis")).contains(DNIS);
      browser.awaitText(By.id("call-queue"), "Support");
      browser.awaitText(By.id("call-data"), "ACME-1001");
      browser.awaitText(By.id("routing-status"), "On a call");

      // The popped script with the flow's inputs filled in.
      browser.awaitText(By.id("c-hello"), "Hello Jordan, a gold customer.");
      assertThat(new Select(browser.visible(By.id("c-tier"))).getFirstSelectedOption().getText())
          .isEqualTo("gold");
      String sessionId = session(conversationId).get("id").asString();
      // Every input has a label.
      for (WebElement input :
          browser.driver().findElements(By.cssSelector("#script-body input, #script-body select")))
        assertThat(
                browser
                    .driver()
                    .findElements(By.cssSelector("label[for='" + input.getAttribute("id") + "']")))
            .as("label of " + input.getAttribute("id"))
            .hasSize(1);

      // Typing reaches the session over the API; the select and checkbox too.
      WebElement notes = browser.visible(By.id("c-notes"));
      notes.sendKeys("Wants a callback");
      new Select(browser.driver().findElement(By.id("c-tier"))).selectByVisibleText("silver");
      awaitSession(
          sessionId,
          s ->
              "Wants a callback".equals(s.path("data").path("notes").asString(null))
                  && "silver".equals(s.path("data").path("tier").asString(null)));
      browser.awaitText(By.id("c-hello"), "a silver customer");

      // A back end patches while the agent is in the callback field: the text and the checkbox
      // follow live, the field under the agent's cursor is left alone until they leave it.
      WebElement callback = browser.driver().findElement(By.id("c-callback"));
      callback.click();
      var patched =
          api.patch(
              "/api/v2/agent-scripting/sessions/" + sessionId,
              admin,
              "{\"data\":{\"customerName\":\"Jordan Smith\",\"satisfied\":true,"
                  + "\"callbackInMinutes\":15}}",
              "Content-Type",
              "application/merge-patch+json");
      assertThat(patched.status()).as(patched.body()).isEqualTo(200);
      browser.awaitText(By.id("c-hello"), "Hello Jordan Smith, a silver customer.");
      browser.await(d -> d.findElement(By.id("c-happy")).isSelected());
      assertThat(callback.getAttribute("value")).as("the focused field").isEmpty();
      assertThat(notes.getAttribute("value")).isEqualTo("Wants a callback");
      callback.sendKeys(Keys.TAB);
      browser.await(d -> "15".equals(d.findElement(By.id("c-callback")).getAttribute("value")));
      browser.screenshot("agent-panel");

      // The agent edits a field on a version that is no longer current: only its field is
      // written again on the new version, the back end's fields stay.
      var racing =
          api.patch(
              "/api/v2/agent-scripting/sessions/" + sessionId,
              admin,
              "{\"data\":{\"customerName\":\"J. Smith\"}}",
              "Content-Type",
              "application/merge-patch+json");
      assertThat(racing.status()).isEqualTo(200);
      notes.sendKeys(Keys.END, ", after 5 pm");
      awaitSession(
          sessionId,
          s -> "Wants a callback, after 5 pm".equals(s.path("data").path("notes").asString(null)));
      JsonNode data = session(conversationId).get("data");
      assertThat(data.get("customerName").asString()).isEqualTo("J. Smith");
      assertThat(data.get("callbackInMinutes").asInt()).isEqualTo(15);
      assertThat(data.get("satisfied").asBoolean()).isTrue();

      // Hang up, wrap up: the session completes and the agent is available again.
      browser.driver().findElement(By.id("hang-up")).click();
      browser.awaitText(By.id("call-state"), "disconnected");
      new Select(browser.visible(By.id("wrapup-code"))).selectByVisibleText("Resolved");
      browser.screenshot("agent-panel-wrapup");
      browser.driver().findElement(By.id("finish")).click();
      browser.awaitText(By.id("wrapped-up"), "Resolved");
      awaitSession(sessionId, s -> "completed".equals(s.path("state").asString(null)));
      assertThat(routingStatus(agent.id())).isEqualTo("IDLE");
      browser.awaitText(By.id("routing-status"), "Available");
      browser.await(
          d -> "completed".equals(d.findElement(By.id("script")).getAttribute("data-state")));
      JsonNode agentParticipant = agentParticipant(conversationId);
      assertThat(agentParticipant.get("wrapup").get("code").asString()).isEqualTo(resolved);
      assertThat(session(conversationId).get("data").get("notes").asString())
          .isEqualTo("Wants a callback, after 5 pm");

      // A call placed straight to the agent alerts; the agent answers it in the panel.
      var direct =
          api.post(
              "/api/v2/conversations/calls",
              admin,
              "{\"from\":\"+6598765432\",\"to\":\"+6560000000\",\"agentId\":\""
                  + agent.id()
                  + "\"}");
      assertThat(direct.status()).as(direct.body()).isEqualTo(201);
      String directId = direct.json().get("id").asString();
      browser.awaitText(By.id("call-state"), "alerting");
      browser.awaitText(By.id("no-script"), "no script");
      browser.visible(By.id("answer")).click();
      browser.awaitText(By.id("call-state"), "connected");
      assertThat(agentParticipant(directId).get("state").asString()).isEqualTo("connected");
      browser.driver().findElement(By.id("hang-up")).click();
      new Select(browser.visible(By.id("wrapup-code"))).selectByVisibleText("Follow-up needed");
      browser.driver().findElement(By.id("finish")).click();
      browser.awaitText(By.id("wrapped-up"), "Follow-up needed");
      assertThat(agentParticipant(directId).get("wrapup").get("name").asString())
          .isEqualTo("Follow-up needed");

      // The token stayed in the tab: never in the address bar.
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(server.baseUrl() + "/agent/");
      assertThat(
              (String)
                  ((JavascriptExecutor) browser.driver())
                      .executeScript("return JSON.stringify(localStorage)"))
          .doesNotContain("access_token")
          .doesNotContain("token\"");
    }
  }

  @Test
  void agentsOfTwoOrgsSideBySideSeeOnlyTheirOwn() {
    // The second org: its own agent, sign-in client and (idle) queue, nothing else.
    String otherAdmin = api.token(server.newOrg());
    String otherClient = PageFixtures.signInClient(api, otherAdmin, server.baseUrl());
    var other = PageFixtures.user(api, otherAdmin, "Otto Other", "agent");
    var agent = PageFixtures.user(api, admin, "Bea Agent", "agent");
    try (var first = new Browser();
        var second = new Browser()) {
      first.open(server.baseUrl() + "/agent/?client_id=" + clientId);
      first.signIn(agent.username(), agent.password());
      second.open(server.baseUrl() + "/agent/?client_id=" + otherClient);
      second.signIn(other.username(), other.password());
      first.awaitText(By.id("who"), "Bea Agent");
      second.awaitText(By.id("who"), "Otto Other");
      String firstToken = token(first);
      String secondToken = token(second);
      assertThat(firstToken).isNotEqualTo(secondToken);
      // Each token speaks for its own user in its own org, and cannot read the other's user.
      assertThat(api.get("/api/v2/users/" + other.id(), firstToken).status()).isEqualTo(404);
      assertThat(api.get("/api/v2/users/" + agent.id(), secondToken).status()).isEqualTo(404);
      // Nor set the other's routing status.
      assertThat(
              api.put(
                      "/api/v2/users/" + other.id() + "/routingstatus",
                      firstToken,
                      "{\"status\":\"IDLE\"}")
                  .status())
          .isIn(403, 404);
      // A call to the first agent shows in the first browser only.
      second.visible(By.cssSelector("body[data-ready=true]"));
      var direct =
          api.post(
              "/api/v2/conversations/calls",
              admin,
              "{\"from\":\"+6511111111\",\"to\":\"+6522222222\",\"agentId\":\""
                  + agent.id()
                  + "\"}");
      assertThat(direct.status()).as(direct.body()).isEqualTo(201);
      first.awaitText(By.id("call-state"), "alerting");
      assertThat(second.driver().findElement(By.id("call")).getText()).contains("No call");
      assertThat(second.driver().getPageSource()).doesNotContain("+6511111111");
    }
  }

  private static String code(String name) {
    var r = api.post("/api/v2/routing/wrapupcodes", admin, "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private static String token(Browser browser) {
    return (String)
        ((JavascriptExecutor) browser.driver())
            .executeScript("return sessionStorage.getItem('sb:/agent/:token')");
  }

  private static String text(Browser browser, String id) {
    return browser.driver().findElement(By.id(id)).getText();
  }

  private static String routingStatus(String userId) {
    var r = api.get("/api/v2/users/" + userId + "/routingstatus", admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("status").asString();
  }

  private static JsonNode session(String conversationId) {
    var r = api.get("/api/v2/agent-scripting/sessions?conversationId=" + conversationId, admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("entities")).hasSize(1);
    return r.json().get("entities").get(0);
  }

  private static JsonNode agentParticipant(String conversationId) {
    var r = api.get("/api/v2/conversations/" + conversationId, admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode p : r.json().get("participants"))
      if (p.get("purpose").asString().equals("agent")) return p;
    throw new AssertionError("no agent on " + conversationId);
  }

  private static void awaitSession(String sessionId, java.util.function.Predicate<JsonNode> until) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          var r = api.get("/api/v2/agent-scripting/sessions/" + sessionId, admin);
          return r.status() == 200 && until.test(r.json());
        });
  }
}

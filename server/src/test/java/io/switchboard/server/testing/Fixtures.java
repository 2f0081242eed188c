package io.switchboard.server.testing;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Builds the things a test needs (agents, wrap-up codes, calls, scripts, sessions) over HTTP, as a
 * client would, failing the test at once if the server refuses.
 */
public final class Fixtures {
  /** A script with every component kind: four variables, two pages. */
  public static final String GREETING_SCRIPT =
      """
      {"name":"Greeting","variables":[
        {"name":"customerName","type":"string","input":true,"defaultValue":"caller"},
        {"name":"age","type":"number"},
        {"name":"consent","type":"boolean","output":true,"defaultValue":false},
        {"name":"plan","type":"string"}],
       "pages":[
        {"id":"start","name":"Start","components":[
          {"id":"hello","type":"text","text":"Hello {{customerName}}, you are {{ age }}"},
          {"id":"ageInput","type":"input","inputType":"number","variable":"age","label":"Age of {{customerName}}"},
          {"id":"consentBox","type":"input","inputType":"checkbox","variable":"consent"},
          {"id":"planSelect","type":"input","inputType":"select","variable":"plan","options":["basic","gold"]},
          {"id":"gold","type":"button","label":"Gold","action":"setVariable","variable":"plan","value":"gold"},
          {"id":"done","type":"button","label":"Done","action":"complete"}]},
        {"id":"second","name":"Second","components":[{"id":"bye","type":"text","text":"Bye {{customerName}}"}]}]}
      """;

  private final Api api;
  private final String token;

  public Fixtures(Api api, String token) {
    this.api = api;
    this.token = token;
  }

  public String token() {
    return token;
  }

  public String user(String name) {
    var r =
        api.post(
            "/api/v2/users",
            token,
            "{\"name\":\"" + name + "\",\"email\":\"" + UUID.randomUUID() + "@example.com\"}");
    return idOf(r, 201);
  }

  public String wrapupCode(String name) {
    return idOf(
        api.post(
            "/api/v2/routing/wrapupcodes",
            token,
            "{\"name\":\"" + name + " " + UUID.randomUUID() + "\"}"),
        201);
  }

  /** A call with the agent; returns the conversation. */
  public JsonNode call(String agentId) {
    String agent = agentId == null ? "" : ",\"agentId\":\"" + agentId + "\"";
    var r =
        api.post(
            "/api/v2/conversations/calls",
            token,
            "{\"from\":\"tel:+15550100\",\"to\":\"tel:+15550199\"" + agent + "}");
    if (r.status() != 201) throw new AssertionError("call creation failed: " + r);
    return r.json();
  }

  public static JsonNode agentOf(JsonNode conversation) {
    for (JsonNode p : conversation.get("participants")) {
      if (p.get("purpose").asString().equals("agent")) return p;
    }
    throw new AssertionError("no agent participant in " + conversation);
  }

  public String script(String json) {
    return idOf(api.post("/api/v2/scripts", token, json), 201);
  }

  /** Creates and publishes the script; returns its id. */
  public String publishedScript(String json) {
    String id = script(json);
    var r = api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}");
    if (r.status() != 201) throw new AssertionError("publish failed: " + r);
    return id;
  }

  /** A script of {@code n} string variables k0..k(n-1), published; returns its id. */
  public String publishedScriptWithKeys(int n) {
    var vars = new StringBuilder();
    for (int i = 0; i < n; i++)
      vars.append(i == 0 ? "" : ",")
          .append("{\"name\":\"k")
          .append(i)
          .append("\",\"type\":\"string\"}");
    return publishedScript(
        "{\"name\":\"keys "
            + n
            + "\",\"variables\":["
            + vars
            + "],\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"{{k0}}\"}]}]}");
  }

  public JsonNode session(String scriptId, String conversationId, String dataJson) {
    String data = dataJson == null ? "" : ",\"data\":" + dataJson;
    var r =
        api.post(
            "/api/v2/agent-scripting/sessions",
            token,
            "{\"scriptId\":\""
                + scriptId
                + "\",\"conversationId\":\""
                + conversationId
                + "\""
                + data
                + "}");
    if (r.status() != 201) throw new AssertionError("session creation failed: " + r);
    return r.json();
  }

  private static String idOf(Api.Response r, int status) {
    if (r.status() != status) throw new AssertionError("expected " + status + ", got " + r);
    return r.json().get("id").asString();
  }
}

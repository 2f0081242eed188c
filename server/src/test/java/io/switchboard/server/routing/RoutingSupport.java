package io.switchboard.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * HTTP helpers of the routing tests: queues, agents, flows, IVRs and calls, as a client does them.
 */
final class RoutingSupport {
  static final String QUEUES = "/api/v2/routing/queues";
  static final String IVRS = "/api/v2/architect/ivrs";
  static final String FLOWS = "/api/v2/flows";

  final Api api;
  final String token;
  final Fixtures fx;

  RoutingSupport(Api api, String token) {
    this.api = api;
    this.token = token;
    this.fx = new Fixtures(api, token);
  }

  String queue(String name) {
    var r = api.post(QUEUES, token, "{\"name\":\"" + name + "\",\"description\":\"test\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("id").asString();
  }

  /** The id of the org's queue named {@code name}. */
  String queueId(String name) {
    var r = api.get(QUEUES + "?name=" + name, token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    for (var q : r.json().get("entities"))
      if (q.get("name").asString().equals(name)) return q.get("id").asString();
    throw new AssertionError("no queue " + name);
  }

  void members(String queueId, String... users) {
    var body = new StringBuilder("[");
    for (int i = 0; i < users.length; i++)
      body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(users[i]).append("\"}");
    var r = api.post(QUEUES + "/" + queueId + "/members", token, body.append("]").toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(204);
  }

  Api.Response setStatus(String userId, String status) {
    return api.put(
        "/api/v2/users/" + userId + "/routingstatus", token, "{\"status\":\"" + status + "\"}");
  }

  void idle(String userId) {
    var r = setStatus(userId, "IDLE");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  String status(String userId) {
    return api.get("/api/v2/users/" + userId + "/routingstatus", token)
        .json()
        .get("status")
        .asString();
  }

  /** An INBOUNDCALL flow with the YAML saved and published. */
  String publishedFlow(String yaml) {
    String id = flow("INBOUNDCALL");
    var saved = save(id, yaml);
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var p = publish(id);
    assertThat(p.status()).as(p.toString()).isEqualTo(200);
    return id;
  }

  String flow(String type) {
    var r =
        api.post(
            FLOWS,
            token,
            "{\"name\":\"Flow " + UUID.randomUUID() + "\",\"type\":\"" + type + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("id").asString();
  }

  Api.Response save(String flowId, String yaml) {
    return api.raw(
        "PUT",
        FLOWS + "/" + flowId + "/latestconfiguration",
        token,
        yaml.getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/yaml");
  }

  Api.Response publish(String flowId) {
    return api.post(FLOWS + "/actions/publish?flow=" + flowId, token, null);
  }

  Api.Response ivr(String name, String dnis, String flowId) {
    return api.post(
        IVRS,
        token,
        "{\"name\":\""
            + name
            + "\",\"dnis\":[\""
            + dnis
            + "\"],\"openHoursFlow\":{\"id\":\""
            + flowId
            + "\"}}");
  }

  /** PUT of the IVR {@code id}: its name, numbers and flow, at {@code version}. */
  Api.Response putIvr(String id, String name, List<String> dnis, String flowId, long version) {
    String numbers = dnis.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(","));
    return api.put(
        IVRS + "/" + id,
        token,
        "{\"name\":\""
            + name
            + "\",\"dnis\":["
            + numbers
            + "],\"openHoursFlow\":{\"id\":\""
            + flowId
            + "\"},\"version\":"
            + version
            + "}");
  }

  Api.Response placeCall(String from, String dnis) {
    return api.post(
        "/api/v2/conversations/calls",
        token,
        "{\"from\":\"" + from + "\",\"to\":\"" + dnis + "\"}");
  }

  String call(String from, String dnis) {
    var r = placeCall(from, dnis);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  JsonNode conversation(String id) {
    var r = api.get("/api/v2/conversations/" + id, token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** The connected agent participant once there is one. */
  JsonNode awaitAgent(String conversationId) {
    return awaitConversation(conversationId, c -> liveAgent(c) != null, 20).get("agent");
  }

  JsonNode awaitConversation(String id, Predicate<JsonNode> until, int seconds) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> until.test(last[0] = conversation(id)));
    var out = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    out.set("conversation", last[0]);
    JsonNode agent = liveAgent(last[0]);
    if (agent != null) out.set("agent", agent);
    return out;
  }

  static JsonNode liveAgent(JsonNode conversation) {
    for (JsonNode p : conversation.get("participants"))
      if (p.get("purpose").asString().equals("agent")
          && p.get("state").asString().equals("connected")) return p;
    return null;
  }

  static int agentCount(JsonNode conversation) {
    int n = 0;
    for (JsonNode p : conversation.get("participants"))
      if (p.get("purpose").asString().equals("agent")) n++;
    return n;
  }

  /** The call's one flow execution, once its routing result is {@code result}. */
  JsonNode awaitRouting(String conversationId, String result) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          var r = api.get("/api/v2/conversations/" + conversationId + "/flowexecutions", token);
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          if (r.json().get("entities").isEmpty()) return false;
          last[0] = r.json().get("entities").get(0);
          return last[0].get("routing").get("result").asString().equals(result);
        });
    return last[0];
  }

  /** The agent hangs up and wraps up. */
  void hangUpAndWrapUp(String conversationId, String participantId, String code) {
    var d =
        api.patch(
            "/api/v2/conversations/" + conversationId + "/participants/" + participantId,
            token,
            "{\"state\":\"disconnected\",\"wrapup\":{\"code\":\"" + code + "\"}}");
    assertThat(d.status()).as(d.toString()).isEqualTo(202);
  }

  JsonNode sessions(String conversationId) {
    var r = api.get("/api/v2/agent-scripting/sessions?conversationId=" + conversationId, token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static String example() {
    try (InputStream in =
        RoutingSupport.class.getResourceAsStream("/flows/personalised-script.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String toQueue(String queue) {
    return """
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
        .formatted(queue);
  }
}

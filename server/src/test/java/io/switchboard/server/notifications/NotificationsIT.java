package io.switchboard.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TestSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Channels, subscriptions and events over real WebSockets against a real server. */
class NotificationsIT {
  static final String CHANNELS = "/api/v2/notifications/channels";
  static TestServer server;
  static Api api;
  static TestServer.OrgAccess org;
  static String token;
  static String otherToken;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("notifications.heartbeat-millis", "300"));
    api = server.api();
    org = server.newOrg();
    token = api.token(org);
    otherToken = api.token(server.newOrg());
    fx = new Fixtures(api, token);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode channel(String tok) {
    return channelOn(api, tok);
  }

  static JsonNode channelOn(Api api, String tok) {
    var r = api.post(CHANNELS, tok, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static JsonNode subscribe(String tok, JsonNode channel, String method, String... topics) {
    return subscribeOn(api, tok, channel, method, topics);
  }

  static JsonNode subscribeOn(
      Api api, String tok, JsonNode channel, String method, String... topics) {
    var r = subscribing(api, tok, channel, method, "", topics);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("entities");
  }

  /** With {@code ignoreErrors=true}: each topic's state, the permitted ones subscribed. */
  static JsonNode subscribeIgnoringErrors(
      String tok, JsonNode channel, String method, String... topics) {
    var r = subscribing(api, tok, channel, method, "?ignoreErrors=true", topics);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("entities");
  }

  static Api.Response subscribing(
      Api api, String tok, JsonNode channel, String method, String query, String... topics) {
    var body = new StringBuilder("[");
    for (int i = 0; i < topics.length; i++)
      body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(topics[i]).append("\"}");
    String path = CHANNELS + "/" + channel.get("id").asString() + "/subscriptions" + query;
    return method.equals("PUT") ? api.put(path, tok, body + "]") : api.post(path, tok, body + "]");
  }

  @Test
  void aChannelHasGenesysShapeAndIsTheCallersOnly() {
    JsonNode c = channel(token);
    String id = c.get("id").asString();
    assertThat(c.get("connectUri").asString())
        .isEqualTo("ws://127.0.0.1:" + server.port() + "/channels/" + id);
    assertThat(c.get("expires").asString()).isNotBlank();
    assertThat(api.raw("HEAD", CHANNELS + "/" + id, token, null).status()).isEqualTo(200);
    assertThat(api.raw("HEAD", CHANNELS + "/" + id, otherToken, null).status()).isEqualTo(404);
    assertThat(api.raw("HEAD", CHANNELS + "/" + UUID.randomUUID(), token, null).status())
        .isEqualTo(404);
    var listed = api.get(CHANNELS, token).json().get("entities");
    assertThat(listed.findValuesAsString("id")).contains(id);
    assertThat(api.get(CHANNELS, otherToken).json().get("entities").findValuesAsString("id"))
        .doesNotContain(id);
    assertThat(api.get(CHANNELS + "/" + id + "/subscriptions", otherToken).status()).isEqualTo(404);
    assertThat(api.put(CHANNELS + "/" + id + "/subscriptions", otherToken, "[]").status())
        .isEqualTo(404);
  }

  @Test
  void theListingIsTheCallingTokensChannelsUnlessAllTheClientsAreAsked() {
    var access = server.newOrg();
    String first = api.token(access);
    String second = api.token(access);
    String byFirst = channel(first).get("id").asString();
    String bySecond = channel(second).get("id").asString();

    // Genesys's default, includechannels=token: what this token made.
    assertThat(api.get(CHANNELS, first).json().get("entities").findValuesAsString("id"))
        .containsExactly(byFirst);
    assertThat(
            api.get(CHANNELS + "?includechannels=token", second)
                .json()
                .get("entities")
                .findValuesAsString("id"))
        .containsExactly(bySecond);
    // oauthclient: every token's of the client (any case, as the SDKs' enums). Both may be made in
    // one millisecond, whose order is the ids': random.
    for (String tok : List.of(first, second))
      assertThat(
              api.get(CHANNELS + "?includechannels=OAuthClient", tok)
                  .json()
                  .get("entities")
                  .findValuesAsString("id"))
          .containsExactlyInAnyOrder(byFirst, bySecond);
    // The channel stays the client's: another token of it may use it.
    assertThat(api.raw("HEAD", CHANNELS + "/" + byFirst, second, null).status()).isEqualTo(200);
    var refused = api.get(CHANNELS + "?includechannels=user", first);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("code").asString()).isEqualTo("invalid.value");
    assertThat(refused.json().get("message").asString()).contains("token or oauthclient");
  }

  @Test
  void subscriptionsRefuseOtherOrgsUnknownTopicsAndMissingScopesWithReasons() {
    String agent = fx.user("Agent A");
    String foreignAgent = new Fixtures(api, otherToken).user("Agent B");
    JsonNode c = channel(token);
    JsonNode answer =
        subscribeIgnoringErrors(
            token,
            c,
            "PUT",
            "v2.users." + agent + ".conversations",
            "v2.users." + foreignAgent + ".conversations",
            "v2.nonsense.topic",
            "v2.conversations." + UUID.randomUUID());
    assertThat(answer.get(0).get("state").asString()).isEqualTo("Permitted");
    assertThat(answer.get(1).get("state").asString()).isEqualTo("Rejected");
    assertThat(answer.get(1).get("rejectionReason").asString()).contains("no such entity");
    assertThat(answer.get(2).get("rejectionReason").asString()).contains("unknown topic");
    assertThat(answer.get(3).get("state").asString()).isEqualTo("Rejected");
    String path = CHANNELS + "/" + c.get("id").asString() + "/subscriptions";
    assertThat(api.get(path, token).json().get("entities").findValuesAsString("id"))
        .containsExactly("v2.users." + agent + ".conversations");

    // Without ignoreErrors (Genesys's default), one refused topic fails the whole request, naming
    // it, and the channel's topics stay as they were.
    String call0 = fx.call(agent).get("id").asString();
    var failed =
        subscribing(api, token, c, "PUT", "", "v2.conversations." + call0, "v2.nonsense.topic");
    assertThat(failed.status()).isEqualTo(400);
    assertThat(failed.json().get("code").asString()).isEqualTo("notifications.topic.rejected");
    assertThat(failed.json().get("message").asString())
        .contains("v2.nonsense.topic")
        .contains("unknown topic")
        .contains("ignoreErrors=true");
    assertThat(api.get(path, token).json().get("entities").findValuesAsString("id"))
        .containsExactly("v2.users." + agent + ".conversations");

    // A client without the conversations scope is refused the topic, naming the scope.
    var limited =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"n\",\"scope\":[\"notifications\"]}");
    String limitedToken =
        api.token(limited.json().get("id").asString(), limited.json().get("secret").asString());
    JsonNode own = channel(limitedToken);
    JsonNode refused =
        subscribeIgnoringErrors(limitedToken, own, "POST", "v2.users." + agent + ".conversations");
    assertThat(refused.get(0).get("state").asString()).isEqualTo("Rejected");
    assertThat(refused.get(0).get("rejectionReason").asString()).contains("conversations");
    var byDefault =
        subscribing(api, limitedToken, own, "POST", "", "v2.users." + agent + ".conversations");
    assertThat(byDefault.status()).isEqualTo(400);
    assertThat(byDefault.json().get("message").asString()).contains("conversations");
    var badFlag =
        subscribing(
            api,
            limitedToken,
            own,
            "PUT",
            "?ignoreErrors=sometimes",
            "v2.users." + agent + ".conversations");
    assertThat(badFlag.status()).isEqualTo(400);
    assertThat(badFlag.json().get("code").asString()).isEqualTo("invalid.value");

    // POST adds, PUT replaces, DELETE empties.
    String call = fx.call(agent).get("id").asString();
    subscribe(token, c, "POST", "v2.conversations." + call);
    assertThat(api.get(path, token).json().get("entities").size()).isEqualTo(2);
    subscribe(token, c, "PUT", "v2.conversations." + call);
    assertThat(api.get(path, token).json().get("entities").findValuesAsString("id"))
        .containsExactly("v2.conversations." + call);
    assertThat(api.delete(path, token).status()).isEqualTo(204);
    assertThat(api.get(path, token).json().get("entities").size()).isZero();

    // Bad bodies.
    assertThat(api.put(path, token, "{\"id\":\"x\"}").status()).isEqualTo(400);
    assertThat(api.put(path, token, "[{\"topic\":\"x\"}]").status()).isEqualTo(400);
    assertThat(api.put(path, token, "[1]").status()).isEqualTo(400);
  }

  @Test
  void moreThanAThousandTopicsIsRefusedNamingTheLimit() {
    String agent = fx.user("Many");
    JsonNode c = channel(token);
    String path = CHANNELS + "/" + c.get("id").asString() + "/subscriptions";
    var body = new StringBuilder("[");
    for (int i = 0; i < 1001; i++)
      body.append(i == 0 ? "" : ",")
          .append("{\"id\":\"v2.users.")
          .append(agent)
          .append(i)
          .append(".conversations\"}");
    var r = api.put(path, token, body + "]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("code").asString()).isEqualTo("notifications.topic.limit");
    assertThat(r.json().get("message").asString()).contains("1000");
  }

  @Test
  void theTwentyFirstChannelClosesTheOldest() throws Exception {
    var client =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"c\",\"scope\":[\"notifications\"]}");
    String tok =
        api.token(client.json().get("id").asString(), client.json().get("secret").asString());
    JsonNode first = channel(tok);
    try (var socket = TestSocket.connect(first.get("connectUri").asString())) {
      socket.awaitHeld();
      var ids = new ArrayList<String>();
      for (int i = 0; i < 20; i++) ids.add(channel(tok).get("id").asString());
      var closed = socket.awaitClose(10);
      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).contains("20");
      List<String> listed = api.get(CHANNELS, tok).json().get("entities").findValuesAsString("id");
      assertThat(listed).hasSize(20).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(api.raw("HEAD", CHANNELS + "/" + first.get("id").asString(), tok, null).status())
          .isEqualTo(404);
    }
  }

  @Test
  void conversationEventsArriveAfterCommitWithTheCorrelationId() throws Exception {
    String agent = fx.user("Agent C");
    JsonNode c = channel(token);
    subscribe(token, c, "PUT", "v2.users." + agent + ".conversations");
    try (var socket = TestSocket.connect(c.get("connectUri").asString())) {
      socket.awaitHeld();
      var created =
          api.post(
              "/api/v2/conversations/calls",
              token,
              "{\"from\":\"tel:+1555\",\"to\":\"tel:+1556\",\"agentId\":\"" + agent + "\"}",
              "ININ-Correlation-Id",
              "corr-create-1");
      assertThat(created.status()).isEqualTo(201);
      String conversationId = created.json().get("id").asString();
      JsonNode event = socket.next(10);
      assertThat(event.get("topicName").asString())
          .isEqualTo("v2.users." + agent + ".conversations");
      assertThat(event.get("version").asString()).isEqualTo("2");
      assertThat(event.get("metadata").get("CorrelationId").asString()).isEqualTo("corr-create-1");
      assertThat(event.get("eventBody").get("id").asString()).isEqualTo(conversationId);

      // The conversation's own topic: answer, disconnect and wrap-up each announce the new state.
      subscribe(token, c, "POST", "v2.conversations." + conversationId);
      JsonNode agentParticipant = Fixtures.agentOf(created.json());
      String participant = agentParticipant.get("id").asString();
      String topic = "v2.conversations." + conversationId;
      var answered =
          api.patch(
              "/api/v2/conversations/" + conversationId + "/participants/" + participant,
              token,
              "{\"state\":\"connected\"}");
      assertThat(answered.status()).as(answered.toString()).isBetween(200, 204);
      JsonNode connected = socket.next(10, m -> m.path("topicName").asString("").equals(topic));
      assertThat(Fixtures.agentOf(connected.get("eventBody")).get("state").asString())
          .isEqualTo("connected");
      // The same change on the agent's topic too: one socket on both topics gets it on each.
      String agentTopic = "v2.users." + agent + ".conversations";
      JsonNode onAgentTopic =
          socket.next(10, m -> m.path("topicName").asString("").equals(agentTopic));
      assertThat(Fixtures.agentOf(onAgentTopic.get("eventBody")).get("state").asString())
          .isEqualTo("connected");
      var disconnect =
          api.post("/api/v2/conversations/" + conversationId + "/disconnect", token, null);
      assertThat(disconnect.status()).as(disconnect.toString()).isBetween(200, 204);
      JsonNode ended = socket.next(10, m -> m.path("topicName").asString("").equals(topic));
      assertThat(Fixtures.agentOf(ended.get("eventBody")).get("state").asString())
          .isIn("disconnected", "terminated");
      String code = fx.wrapupCode("Done");
      String callId = agentParticipant.get("calls").get(0).get("id").asString();
      var wrapup =
          api.post(
              "/api/v2/conversations/calls/"
                  + conversationId
                  + "/participants/"
                  + participant
                  + "/communications/"
                  + callId
                  + "/wrapup",
              token,
              "{\"code\":\"" + code + "\"}",
              "Idempotency-Key",
              UUID.randomUUID().toString(),
              "ININ-Correlation-Id",
              "corr-wrapup");
      assertThat(wrapup.status()).as(wrapup.toString()).isBetween(200, 204);
      JsonNode wrapped = socket.next(10, m -> m.path("topicName").asString("").equals(topic));
      assertThat(wrapped.get("metadata").get("CorrelationId").asString()).isEqualTo("corr-wrapup");
      assertThat(Fixtures.agentOf(wrapped.get("eventBody")).get("wrapup").get("code").asString())
          .isEqualTo(code);
    }
  }

  @Test
  void aRolledBackChangeAnnouncesNothing() throws Exception {
    String agent = fx.user("Agent R");
    JsonNode call = fx.call(agent);
    String conversationId = call.get("id").asString();
    JsonNode c = channel(token);
    subscribe(token, c, "PUT", "v2.conversations." + conversationId);
    try (var socket = TestSocket.connect(c.get("connectUri").asString())) {
      socket.awaitHeld();
      // An unknown wrap-up code: the transaction that recorded the disconnect first rolls back.
      String participant = Fixtures.agentOf(call).get("id").asString();
      var r =
          api.patch(
              "/api/v2/conversations/" + conversationId + "/participants/" + participant,
              token,
              "{\"state\":\"disconnected\",\"wrapup\":{\"code\":\"" + UUID.randomUUID() + "\"}}");
      assertThat(r.status()).as(r.toString()).isGreaterThanOrEqualTo(400);
      assertThat(socket.drain(800)).isEmpty();
    }
  }

  @Test
  void anotherOrgsEventsNeverArrive() throws Exception {
    // Org B's agent's call: org A cannot subscribe to it, and a channel of A sees nothing of B.
    var foreign = new Fixtures(api, otherToken);
    String foreignAgent = foreign.user("B agent");
    String ownAgent = fx.user("A agent");
    JsonNode c = channel(token);
    JsonNode answer =
        subscribeIgnoringErrors(
            token,
            c,
            "PUT",
            "v2.users." + foreignAgent + ".conversations",
            "v2.users." + ownAgent + ".conversations");
    assertThat(answer.get(0).get("state").asString()).isEqualTo("Rejected");
    try (var socket = TestSocket.connect(c.get("connectUri").asString())) {
      socket.awaitHeld();
      foreign.call(foreignAgent);
      assertThat(socket.drain(800)).isEmpty();
    }
  }

  @Test
  void heartbeatsAndPingPong() throws Exception {
    JsonNode c = channel(token);
    try (var socket = TestSocket.connect(c.get("connectUri").asString())) {
      JsonNode hb = socket.next(5, TestSocket::isHeartbeat);
      assertThat(hb.get("topicName").asString()).isEqualTo("channel.metadata");
      socket.send("{\"message\":\"ping\"}");
      JsonNode pong = socket.next(5);
      assertThat(pong.get("eventBody").get("message").asString()).isEqualTo("pong");
    }
  }

  @Test
  void aSecondConnectionTakesTheChannelOver() throws Exception {
    String agent = fx.user("Agent T");
    JsonNode c = channel(token);
    subscribe(token, c, "PUT", "v2.users." + agent + ".conversations");
    try (var first = TestSocket.connect(c.get("connectUri").asString())) {
      // Held by the server before the second connects: connected back to back, the server may
      // register them in either order, and the one it registers last wins (a flake seen twice).
      first.awaitHeld();
      try (var second = TestSocket.connect(c.get("connectUri").asString())) {
        var closed = first.awaitClose(10);
        assertThat(closed.code()).isEqualTo(4000);
        assertThat(closed.reason()).contains("took over");
        fx.call(agent);
        assertThat(second.next(10).get("topicName").asString()).contains(agent);
      }
    }
  }

  @Test
  void anUnknownChannelIsRefused() throws Exception {
    try (var socket =
        TestSocket.connect("ws://127.0.0.1:" + server.port() + "/channels/" + UUID.randomUUID())) {
      assertThat(socket.awaitClose(10).code()).isEqualTo(4004);
    }
  }

  @Test
  void theEndpointsNeedTheNotificationsScope() {
    var client =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"s\",\"scope\":[\"scripts\"]}");
    String tok =
        api.token(client.json().get("id").asString(), client.json().get("secret").asString());
    var r = api.post(CHANNELS, tok, null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("code").asString()).isEqualTo("missing.scope");
  }

  @Test
  void availableTopicsDescribeEachTopic() {
    JsonNode topics =
        api.get("/api/v2/notifications/availabletopics", token).json().get("entities");
    var ids = new ArrayList<String>();
    topics.forEach(t -> ids.add(t.get("id").asString()));
    assertThat(ids)
        .contains(
            "v2.users.{id}.conversations",
            "v2.conversations.{id}",
            "v2.agent-scripting.sessions.{id}",
            "v2.users.{id}.routingStatus");
    for (JsonNode t : topics) {
      assertThat(t.get("description").asString()).isNotBlank();
      assertThat(t.get("schema").get("type").asString()).isEqualTo("object");
    }
  }
}

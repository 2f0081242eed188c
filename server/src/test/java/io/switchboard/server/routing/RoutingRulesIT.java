package io.switchboard.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.IdFilterChecks;
import io.switchboard.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Queues, IVRs and routing status: their rules, 409s, other orgs' ids, scopes, bad bodies. */
class RoutingRulesIT {
  static TestServer server;
  static Api api;
  static RoutingSupport rs;
  static RoutingSupport other;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.NO_TOKEN_LIMIT);
    api = server.api();
    rs = new RoutingSupport(api, api.token(server.newOrg()));
    other = new RoutingSupport(api, api.token(server.newOrg()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void queuesCrudPagingNameFilterAndUniqueNames() {
    String q = rs.queue("Billing");
    rs.queue("Billing EU");
    var dup = api.post(RoutingSupport.QUEUES, rs.token, "{\"name\":\"billing\"}");
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.json().get("code").asString()).isEqualTo("queue.name.taken");
    assertThat(other.queue("Billing")).as("another org may use the name").isNotBlank();

    var page = api.get(RoutingSupport.QUEUES + "?name=billing&pageSize=1", rs.token).json();
    assertThat(page.get("total").asLong()).isEqualTo(2);
    assertThat(page.get("pageCount").asInt()).isEqualTo(2);
    assertThat(page.get("entities").get(0).get("name").asString()).isEqualTo("Billing");
    assertThat(page.get("nextUri").asString()).contains("pageNumber=2").contains("name=billing");
    // Genesys's leading and trailing wildcards: the same listing; one inside the name is literal.
    for (String wild : List.of("billing*", "*billing", "**billing**"))
      assertThat(
              api.get(RoutingSupport.QUEUES + "?name=" + wild, rs.token)
                  .json()
                  .get("total")
                  .asLong())
          .as(wild)
          .isEqualTo(2);
    assertThat(
            api.get(RoutingSupport.QUEUES + "?name=bill*eu", rs.token).json().get("total").asLong())
        .isZero();
    assertThat(
            api.get(RoutingSupport.QUEUES + "?name=billing&hasPeer=false", rs.token)
                .json()
                .get("total")
                .asLong())
        .isEqualTo(2);
    for (String peered : List.of("&hasPeer=true", "&peerId=p1"))
      assertThat(
              api.get(RoutingSupport.QUEUES + "?name=billing" + peered, rs.token)
                  .json()
                  .get("total")
                  .asLong())
          .as(peered)
          .isZero();
    JsonNode descending =
        api.get(RoutingSupport.QUEUES + "?name=billing&sortOrder=descending", rs.token).json();
    assertThat(descending.get("entities").get(0).get("name").asString()).isEqualTo("Billing EU");

    var put =
        api.put(
            RoutingSupport.QUEUES + "/" + q,
            rs.token,
            "{\"name\":\"Billing NA\",\"description\":\"d\"}");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().get("name").asString()).isEqualTo("Billing NA");
    var clash = api.put(RoutingSupport.QUEUES + "/" + q, rs.token, "{\"name\":\"Billing EU\"}");
    assertThat(clash.status()).isEqualTo(409);

    assertThat(api.get(RoutingSupport.QUEUES + "/" + q, other.token).status()).isEqualTo(404);
    assertThat(api.delete(RoutingSupport.QUEUES + "/" + q, other.token).status()).isEqualTo(404);
    assertThat(api.post(RoutingSupport.QUEUES, rs.token, "{\"name\":\"\"}").status())
        .isEqualTo(400);
    assertThat(api.post(RoutingSupport.QUEUES, rs.token, "[1]").status()).isEqualTo(400);
    assertThat(api.delete(RoutingSupport.QUEUES + "/" + q, rs.token).status()).isEqualTo(204);
    assertThat(api.get(RoutingSupport.QUEUES + "/" + q, rs.token).status()).isEqualTo(404);
  }

  @Test
  void theQueueListingTakesIdsRepeatedOrCommaJoinedWithTheNameFilter() {
    String a = rs.queue("Ids queue A");
    String b = rs.queue("Ids queue B");
    String c = rs.queue("Ids queue C");
    String foreign = other.queue("Ids queue A");
    IdFilterChecks.check(
        api, RoutingSupport.QUEUES, rs.token, List.of(a, b, c), other.token, foreign);
    // Both filters apply.
    JsonNode both =
        IdFilterChecks.page(
            api, RoutingSupport.QUEUES + "?id=" + a + "," + b + "&name=queue+b", rs.token);
    assertThat(IdFilterChecks.ids(both)).containsExactly(b);
    assertThat(both.get("total").asLong()).isEqualTo(1);
  }

  @Test
  void membersAreAddedListedWithTheirStatusAndRemoved() {
    String q = rs.queue("Members " + java.util.UUID.randomUUID());
    String a = rs.fx.user("Ann");
    String b = rs.fx.user("Bob");
    rs.members(q, a, b, a);
    rs.idle(b);
    JsonNode members = api.get(RoutingSupport.QUEUES + "/" + q + "/members", rs.token).json();
    assertThat(members.get("total").asLong()).isEqualTo(2);
    JsonNode ann = members.get("entities").get(0);
    assertThat(ann.get("id").asString()).isEqualTo(a);
    assertThat(ann.get("name").asString()).isEqualTo("Ann");
    assertThat(ann.get("joined").asBoolean()).isTrue();
    assertThat(ann.get("routingStatus").get("status").asString()).isEqualTo("OFF_QUEUE");
    assertThat(members.get("entities").get(1).get("routingStatus").get("status").asString())
        .isEqualTo("IDLE");
    assertThat(api.get(RoutingSupport.QUEUES + "/" + q, rs.token).json().get("memberCount").asInt())
        .isEqualTo(2);

    // Genesys's filters and order: by name, by routing status (repeated or joined), descending.
    String base = RoutingSupport.QUEUES + "/" + q + "/members?pageSize=100";
    java.util.function.Function<String, List<String>> names =
        query -> IdFilterChecks.listed(api, base + query, rs.token, "name");
    assertThat(names.apply("&name=bo")).containsExactly("Bob");
    assertThat(names.apply("&routingStatus=IDLE")).containsExactly("Bob");
    assertThat(names.apply("&routingStatus=off_queue")).containsExactly("Ann");
    assertThat(names.apply("&routingStatus=OFF_QUEUE,IDLE")).containsExactly("Ann", "Bob");
    assertThat(names.apply("&routingStatus=INTERACTING&routingStatus=IDLE")).containsExactly("Bob");
    assertThat(names.apply("&sortOrder=descending")).containsExactly("Bob", "Ann");
    assertThat(names.apply("&memberBy=user&joined=true")).containsExactly("Ann", "Bob");
    for (String none :
        List.of(
            "&memberBy=GROUP",
            "&joined=false",
            "&skills=x",
            "&profileSkills=p",
            "&presence=Available",
            "&languages=en")) assertThat(names.apply(none)).as(none).isEmpty();
    for (String bad : List.of("&routingStatus=BUSY", "&memberBy=team", "&joined=maybe")) {
      var refused = api.get(base + bad, rs.token);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.json().get("code").asString()).isEqualTo("invalid.value");
    }

    String foreign = other.fx.user("Eve");
    var bad =
        api.post(
            RoutingSupport.QUEUES + "/" + q + "/members",
            rs.token,
            "[{\"id\":\"" + foreign + "\"}]");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asString()).contains("[0].id");
    assertThat(
            api.post(RoutingSupport.QUEUES + "/" + q + "/members", rs.token, "{\"id\":\"x\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    RoutingSupport.QUEUES + "/" + q + "/members",
                    other.token,
                    "[{\"id\":\"" + foreign + "\"}]")
                .status())
        .isEqualTo(404);

    var removed =
        api.post(
            RoutingSupport.QUEUES + "/" + q + "/members?delete=true",
            rs.token,
            "[{\"id\":\"" + a + "\"}]");
    assertThat(removed.status()).isEqualTo(204);
    assertThat(api.delete(RoutingSupport.QUEUES + "/" + q + "/members/" + b, rs.token).status())
        .isEqualTo(204);
    assertThat(api.delete(RoutingSupport.QUEUES + "/" + q + "/members/" + b, rs.token).status())
        .isEqualTo(404);
    assertThat(
            api.get(RoutingSupport.QUEUES + "/" + q + "/members", rs.token)
                .json()
                .get("total")
                .asLong())
        .isZero();
  }

  @Test
  void routingStatusOfAnotherOrgsUserIsNotFound() {
    String foreign = other.fx.user("Eve");
    assertThat(api.get("/api/v2/users/" + foreign + "/routingstatus", rs.token).status())
        .isEqualTo(404);
    assertThat(rs.setStatus(foreign, "IDLE").status()).isEqualTo(404);
    String a = rs.fx.user("Ann");
    var r = rs.setStatus(a, "IDLE");
    assertThat(r.json().get("userId").asString()).isEqualTo(a);
    assertThat(r.json().get("startTime").asString()).endsWith("Z");
    String first = r.json().get("startTime").asString();
    assertThat(rs.setStatus(a, "IDLE").json().get("startTime").asString())
        .as("IDLE again keeps the agent's place")
        .isEqualTo(first);
    assertThat(rs.setStatus(a, "COMMUNICATING").status()).isEqualTo(400);
    assertThat(api.put("/api/v2/users/" + a + "/routingstatus", rs.token, "{}").status())
        .isEqualTo(400);
  }

  @Test
  void publishChecksQueueNamesAndDeletingAQueueAPublishedFlowUsesIsRefused() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    String flowId = local.flow("INBOUNDCALL");
    local.save(flowId, RoutingSupport.toQueue("Sales"));
    var refused = local.publish(flowId);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("code").asString()).isEqualTo("flow.invalid");
    JsonNode err = refused.json().get("errors").get(0);
    assertThat(err.get("message").asString())
        .contains("unknown queue 'Sales'")
        .startsWith("line 13");
    assertThat(err.get("messageParams").get("path").asString()).contains("targetQueue");

    String sales = local.queue("Sales");
    other.queue("Other only");
    assertThat(local.publish(flowId).status()).isEqualTo(200);
    var used = api.delete(RoutingSupport.QUEUES + "/" + sales, local.token);
    assertThat(used.status()).isEqualTo(409);
    assertThat(used.json().get("code").asString()).isEqualTo("queue.in.use");
    assertThat(used.json().get("message").asString()).contains("published flow").contains(flowId);
    var rename =
        api.put(RoutingSupport.QUEUES + "/" + sales, local.token, "{\"name\":\"Sales 2\"}");
    assertThat(rename.status()).isEqualTo(409);

    // Another org's queue is unknown here.
    String f2 = local.flow("INBOUNDCALL");
    local.save(f2, RoutingSupport.toQueue("Other only"));
    assertThat(local.publish(f2).status()).isEqualTo(400);

    // The flow publishes a version that no longer names Sales: the queue is free.
    local.queue("Else");
    local.save(flowId, RoutingSupport.toQueue("Else"));
    assertThat(local.publish(flowId).status()).isEqualTo(200);
    assertThat(api.delete(RoutingSupport.QUEUES + "/" + sales, local.token).status())
        .isEqualTo(204);
  }

  @Test
  void aFlowAnIvrRunsIsNotDeleted() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    local.queue("Support");
    String flowId = local.publishedFlow(RoutingSupport.toQueue("Support"));
    String spare = local.publishedFlow(RoutingSupport.toQueue("Support"));
    String main = local.ivr("Main", "+6561000000", flowId).json().get("id").asString();
    assertThat(local.ivr("Backup", "+6561000001", flowId).status()).isEqualTo(200);
    JsonNode descending = api.get(RoutingSupport.IVRS + "?sortOrder=DESC", local.token).json();
    assertThat(descending.get("entities").get(0).get("name").asString()).isEqualTo("Main");
    assertThat(descending.get("entities").get(1).get("name").asString()).isEqualTo("Backup");
    assertThat(
            api.get(RoutingSupport.IVRS + "?scheduleGroup=x", local.token)
                .json()
                .get("total")
                .asLong())
        .as("no schedule groups")
        .isZero();
    assertThat(api.get(RoutingSupport.IVRS + "?sortBy=dnis", local.token).status()).isEqualTo(400);

    var refused = api.delete(RoutingSupport.FLOWS + "/" + flowId, local.token);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    JsonNode err = refused.json();
    assertThat(err.get("code").asString()).isEqualTo("flow.in.use");
    assertThat(err.get("message").asString()).contains("2 IVRs ('Backup', 'Main')");
    assertThat(err.get("messageParams").get("ivrCount").asInt()).isEqualTo(2);
    assertThat(err.get("messageParams").get("ivrs").valueStream().map(JsonNode::asString))
        .containsExactly("Backup", "Main");
    assertThat(api.get(RoutingSupport.FLOWS + "/" + flowId, local.token).status())
        .as("kept")
        .isEqualTo(200);
    // Another org learns nothing of it: the flow is not found there.
    assertThat(api.delete(RoutingSupport.FLOWS + "/" + flowId, other.token).status())
        .isEqualTo(404);

    // One IVR moves to another flow, the other is deleted: then the flow may go.
    var moved = local.putIvr(main, "Main", List.of("+6561000000"), spare, 1);
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    var one = api.delete(RoutingSupport.FLOWS + "/" + flowId, local.token);
    assertThat(one.status()).isEqualTo(409);
    assertThat(one.json().get("message").asString()).contains("the IVR 'Backup';");
    String backup =
        api.get(RoutingSupport.IVRS + "?name=Backup", local.token)
            .json()
            .get("entities")
            .get(0)
            .get("id")
            .asString();
    assertThat(api.delete(RoutingSupport.IVRS + "/" + backup, local.token).status()).isEqualTo(204);
    assertThat(api.delete(RoutingSupport.FLOWS + "/" + flowId, local.token).status())
        .isEqualTo(204);
    assertThat(api.get(RoutingSupport.FLOWS + "/" + flowId, local.token).status()).isEqualTo(404);
  }

  @Test
  void ivrsClaimEachDnisOncePerOrgAndRunInboundCallFlowsOfTheOrg() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    local.queue("Support");
    String flowId = local.publishedFlow(RoutingSupport.toQueue("Support"));
    var created = local.ivr("Main", "+6560000000", flowId);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    JsonNode ivr = created.json();
    assertThat(ivr.get("dnis").get(0).asString()).isEqualTo("+6560000000");
    assertThat(ivr.get("openHoursFlow").get("id").asString()).isEqualTo(flowId);
    assertThat(ivr.get("openHoursFlow").get("name").asString()).startsWith("Flow ");
    String id = ivr.get("id").asString();

    var taken = local.ivr("Second", "+6560000000", flowId);
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.json().get("code").asString()).isEqualTo("ivr.dnis.taken");
    assertThat(taken.json().get("message").asString()).contains("'Main'").contains(id);
    var sameName = local.ivr("main", "+6560000009", flowId);
    assertThat(sameName.status()).isEqualTo(409);
    assertThat(sameName.json().get("code").asString()).isEqualTo("ivr.name.taken");

    // Orgs are isolated: another org may route the same number to its own flow.
    other.queue("Support-" + java.util.UUID.randomUUID());
    String otherFlow = other.flow("INBOUNDCALL");
    assertThat(other.ivr("Main", "+6560000000", otherFlow).status()).isEqualTo(200);
    assertThat(local.ivr("X", "+6560000001", otherFlow).status())
        .as("another org's flow")
        .isEqualTo(400);
    String workflow = local.flow("WORKFLOW");
    var wf = local.ivr("W", "+6560000002", workflow);
    assertThat(wf.status()).isEqualTo(400);
    assertThat(wf.json().get("message").asString()).contains("INBOUNDCALL");
    assertThat(local.ivr("Bad", "call me", flowId).status()).isEqualTo(400);
    assertThat(
            api.post(RoutingSupport.IVRS, local.token, "{\"name\":\"No flow\",\"dnis\":[]}")
                .status())
        .isEqualTo(400);

    var put = local.putIvr(id, "Main", List.of("+6560000000", "+6560000003"), flowId, 1);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().get("version").asLong()).isEqualTo(2);
    assertThat(put.header("ETag")).contains("\"2\"");
    var stale = local.putIvr(id, "Main", List.of(), flowId, 1);
    assertThat(stale.status()).isEqualTo(409);
    // The version as an ETag, named again by If-Match (without a version in the body).
    var read = api.get(RoutingSupport.IVRS + "/" + id, local.token);
    assertThat(read.header("ETag")).contains("\"2\"");
    String body =
        "{\"name\":\"Main\",\"dnis\":[\"+6560000000\",\"+6560000003\"],"
            + "\"openHoursFlow\":{\"id\":\""
            + flowId
            + "\"}}";
    var staleTag = api.put(RoutingSupport.IVRS + "/" + id, local.token, body, "If-Match", "\"1\"");
    assertThat(staleTag.status()).isEqualTo(409);
    assertThat(staleTag.json().get("code").asString()).isEqualTo("version.mismatch");
    var tagged = api.put(RoutingSupport.IVRS + "/" + id, local.token, body, "If-Match", "\"2\"");
    assertThat(tagged.status()).as(tagged.toString()).isEqualTo(200);
    assertThat(tagged.header("ETag")).contains("\"3\"");
    assertThat(
            api.get(RoutingSupport.IVRS + "?name=main", local.token).json().get("total").asLong())
        .isEqualTo(1);
    assertThat(api.get(RoutingSupport.IVRS + "/" + id, other.token).status()).isEqualTo(404);
    // Listed by number: any of the IVR's, encoded or not; never another org's IVR on that number.
    for (String dnis : List.of("%2B6560000003", "%2B6560000000", "+6560000000")) {
      JsonNode byNumber = api.get(RoutingSupport.IVRS + "?dnis=" + dnis, local.token).json();
      assertThat(byNumber.get("total").asLong()).as(dnis).isEqualTo(1);
      assertThat(byNumber.get("entities").get(0).get("id").asString()).isEqualTo(id);
    }
    assertThat(
            api.get(RoutingSupport.IVRS + "?dnis=%2B6569999999", local.token)
                .json()
                .get("total")
                .asLong())
        .isZero();

    // A call to a number no IVR claims is a plain call; the IVR's number with an unpublished flow
    // is refused and nothing is created.
    String plain = local.call("+15550000", "+15559999");
    JsonNode none =
        api.get("/api/v2/conversations/" + plain + "/flowexecutions", local.token).json();
    assertThat(none.get("total").asLong()).isZero();
    // Genesys's page shape, links included.
    assertThat(none.get("pageCount").asInt()).isEqualTo(1);
    assertThat(none.get("firstUri").asString())
        .startsWith("/api/v2/conversations/" + plain + "/flowexecutions?pageSize=1&pageNumber=1");
    String draft = local.flow("INBOUNDCALL");
    local.save(draft, RoutingSupport.toQueue("Support"));
    assertThat(local.ivr("Draft", "+6560000004", draft).status()).isEqualTo(200);
    var unpublished = local.placeCall("+15550000", "+6560000004");
    assertThat(unpublished.status()).isEqualTo(409);
    assertThat(unpublished.json().get("code").asString()).isEqualTo("ivr.flow.not.published");

    assertThat(api.delete(RoutingSupport.IVRS + "/" + id, local.token).status()).isEqualTo(204);
    String afterDelete = local.call("+15550000", "+6560000000");
    assertThat(local.conversation(afterDelete).get("participants")).hasSize(1);
  }

  @Test
  void anUnknownQueueAtRunTimeDisconnectsTheCallAndSaysSo() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    String flowId =
        local.publishedFlow(
            """
            inboundCall:
              name: Computed queue
              startUpRef: "/inboundCall/tasks/task[main]"
              tasks:
                - task:
                    name: Main
                    refId: main
                    actions:
                      - transferToAcd:
                          name: Queue
                          targetQueue:
                            exp: Append("No ", "such")
            """);
    assertThat(local.ivr("Main", "+6560000100", flowId).status()).isEqualTo(200);
    String call = local.call("+15550000", "+6560000100");
    JsonNode e = local.awaitRouting(call, "unknownQueue");
    assertThat(e.get("routing").get("queue").get("name").asString()).isEqualTo("No such");
    assertThat(e.get("routing").get("detail").asString()).contains("not a queue");
    local.awaitConversation(call, c -> !c.get("state").asString().equals("connected"), 10);

    var foreign = api.get("/api/v2/conversations/" + call + "/flowexecutions", other.token);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(
            api.get("/api/v2/agent-scripting/sessions?conversationId=" + call, other.token)
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v2/agent-scripting/sessions", local.token).status()).isEqualTo(400);
  }

  @Test
  void aFlowThatEndsOnItsErrorHandlingRouteQueuesTheCallThere() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    String general = local.queue("General");
    String agent = local.fx.user("Ann");
    local.members(general, agent);
    local.idle(agent);
    String flowId =
        local.publishedFlow(
            """
            inboundCall:
              name: Loops forever
              startUpRef: "/inboundCall/tasks/task[main]"
              settingsErrorHandling:
                errorHandling:
                  transferToAcd:
                    targetQueue:
                      lit:
                        name: General
              tasks:
                - task:
                    name: Main
                    refId: main
                    actions:
                      - jumpToTask:
                          name: Again
                          targetTaskRef: "/inboundCall/tasks/task[main]"
            """);
    assertThat(local.ivr("Main", "+6560000300", flowId).status()).isEqualTo(200);
    String call = local.call("+15550000", "+6560000300");
    JsonNode e = local.awaitRouting(call, "connected");
    assertThat(e.get("outcome").asString()).isEqualTo("actionLimit");
    assertThat(e.get("routing").get("queue").get("name").asString()).isEqualTo("General");
    assertThat(local.awaitAgent(call).get("userId").asString()).isEqualTo(agent);
  }

  @Test
  void screenPopInputsTheScriptDoesNotHaveStartTheSessionWithoutThemAndQueuesWithCallsStay() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    String script =
        local.fx.publishedScript(
            "{\"name\":\"Pop\",\"variables\":[{\"name\":\"customerId\",\"type\":\"string\",\"input\":true}],\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"Hi\"}]}]}");
    String q = local.queue("Pops");
    local.queue("Elsewhere");
    String agent = local.fx.user("Ann");
    local.members(q, agent);
    String flowId =
        local.publishedFlow(
            """
            inboundCall:
              name: Pop with an extra input
              startUpRef: "/inboundCall/tasks/task[main]"
              tasks:
                - task:
                    name: Main
                    refId: main
                    actions:
                      - setScreenPop:
                          name: Pop
                          screenPopScript:
                            Pop:
                              inputs:
                                customerId:
                                  exp: Call.Ani
                                notAVariable:
                                  lit: x
                      - transferToAcd:
                          name: Queue
                          targetQueue:
                            lit:
                              name: Pops
            """);
    assertThat(local.ivr("Main", "+6560000400", flowId).status()).isEqualTo(200);
    String call = local.call("+15550042", "+6560000400");
    local.awaitRouting(call, "queued");

    // The flow now names another queue, but a call still waits in Pops: it cannot go.
    local.save(flowId, RoutingSupport.toQueue("Elsewhere"));
    assertThat(local.publish(flowId).status()).isEqualTo(200);
    var waiting = api.delete(RoutingSupport.QUEUES + "/" + q, local.token);
    assertThat(waiting.status()).isEqualTo(409);
    assertThat(waiting.json().get("code").asString()).isEqualTo("queue.has.calls");

    local.idle(agent);
    JsonNode e = local.awaitRouting(call, "connected");
    assertThat(e.get("routing").get("detail").asString()).contains("notAVariable");
    JsonNode session = local.sessions(call).get("entities").get(0);
    assertThat(session.get("scriptId").asString()).isEqualTo(script);
    assertThat(session.get("agentId").asString()).isEqualTo(agent);
    assertThat(session.get("data").size()).isZero();
  }

  @Test
  void aQueuedCallWhoseCustomerLeavesLeavesItsQueueAtOnceAsAbandoned() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    local.queue("Waiting");
    String flowId = local.publishedFlow(RoutingSupport.toQueue("Waiting"));
    assertThat(local.ivr("Main", "+6560000500", flowId).status()).isEqualTo(200);
    // No member: both calls wait, the first at the head of the queue.
    String first = local.call("+15550001", "+6560000500");
    local.awaitRouting(first, "queued");
    String second = local.call("+15550002", "+6560000500");
    local.awaitRouting(second, "queued");

    // The second call, behind a live one the ACD cannot assign, is disconnected: it leaves the
    // queue in the disconnect's own transaction (the sweep never gets past the live head).
    assertThat(
            api.post("/api/v2/conversations/" + second + "/disconnect", local.token, null).status())
        .isEqualTo(202);
    JsonNode gone =
        api.get("/api/v2/conversations/" + second + "/flowexecutions", local.token)
            .json()
            .get("entities")
            .get(0);
    assertThat(gone.get("routing").get("result").asString()).isEqualTo("abandoned");
    assertThat(gone.get("routing").get("detail").asString()).contains("left while the call waited");
    JsonNode head =
        api.get("/api/v2/conversations/" + first + "/flowexecutions", local.token)
            .json()
            .get("entities")
            .get(0);
    assertThat(head.get("routing").get("result").asString()).isEqualTo("queued");

    // The first one's customer hangs up (participant PATCH): the same, at once.
    String customer = local.conversation(first).get("participants").get(0).get("id").asString();
    var hangUp =
        api.patch(
            "/api/v2/conversations/" + first + "/participants/" + customer,
            local.token,
            "{\"state\":\"disconnected\"}");
    assertThat(hangUp.status()).as(hangUp.toString()).isLessThan(300);
    assertThat(
            api.get("/api/v2/conversations/" + first + "/flowexecutions", local.token)
                .json()
                .get("entities")
                .get(0)
                .get("routing")
                .get("result")
                .asString())
        .isEqualTo("abandoned");
    // Disconnecting again changes nothing.
    assertThat(
            api.post("/api/v2/conversations/" + second + "/disconnect", local.token, null).status())
        .isEqualTo(202);
    assertThat(local.sessions(second).get("entities")).isEmpty();
  }

  @Test
  void anIdempotentCallOnTheDnisRunsItsFlowOnceAndIsQueued() {
    var local = new RoutingSupport(api, api.token(server.newOrg()));
    local.queue("Support");
    String flowId = local.publishedFlow(RoutingSupport.toQueue("Support"));
    assertThat(local.ivr("Main", "+6560000200", flowId).status()).isEqualTo(200);
    String body = "{\"from\":\"+15550000\",\"to\":\"+6560000200\"}";
    var first =
        api.post("/api/v2/conversations/calls", local.token, body, "Idempotency-Key", "call-1");
    var again =
        api.post("/api/v2/conversations/calls", local.token, body, "Idempotency-Key", "call-1");
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    String id = first.json().get("id").asString();
    assertThat(again.json().get("id").asString()).isEqualTo(id);
    // The flow started after the request's (the key's) transaction committed, and only once.
    JsonNode e = local.awaitRouting(id, "queued");
    assertThat(e.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(
            api.get("/api/v2/conversations/" + id + "/flowexecutions", local.token)
                .json()
                .get("total")
                .asLong())
        .isEqualTo(1);
  }

  @Test
  void everyEndpointNeedsItsScope() {
    var admin = rs.token;
    var client =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"calls only\",\"scope\":[\"conversations\"]}");
    assertThat(client.status()).as(client.toString()).isIn(200, 201);
    String limited =
        api.token(client.json().get("id").asString(), client.json().get("secret").asString());
    String user = rs.fx.user("Ann");
    for (var r :
        new Api.Response[] {
          api.get(RoutingSupport.QUEUES, limited),
          api.post(RoutingSupport.QUEUES, limited, "{\"name\":\"x\"}"),
          api.get("/api/v2/users/" + user + "/routingstatus", limited),
          api.put("/api/v2/users/" + user + "/routingstatus", limited, "{\"status\":\"IDLE\"}"),
          api.get(RoutingSupport.IVRS, limited),
          api.get("/api/v2/agent-scripting/sessions?conversationId=x", limited)
        }) {
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.json().get("code").asString()).isEqualTo("missing.scope");
    }
    var readonly =
        api.post(
            "/api/v2/oauth/clients", admin, "{\"name\":\"ro\",\"scope\":[\"routing:readonly\"]}");
    String ro =
        api.token(readonly.json().get("id").asString(), readonly.json().get("secret").asString());
    assertThat(api.get(RoutingSupport.QUEUES, ro).status()).isEqualTo(200);
    assertThat(api.post(RoutingSupport.QUEUES, ro, "{\"name\":\"x\"}").status()).isEqualTo(403);
    // routing:readonly lets a signed-in user set its own status only; a client has no user.
    var refused = api.put("/api/v2/users/" + user + "/routingstatus", ro, "{\"status\":\"IDLE\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("code").asString()).isEqualTo("missing.scope");
  }
}

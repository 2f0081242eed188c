package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.TwoOrgServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official Genesys Cloud JavaScript SDK ({@code purecloud-platform-client-v2}, pinned by {@code
 * src/test/js/genesys-sdk/package-lock.json}), unchanged, pointed at a running Switchboard through
 * its gateway setting: {@code check.js} logs in with client credentials, reads and writes through
 * the SDK's API classes and prints what it saw; the tests assert on that. The script runs once, for
 * all the tests, in an org of its own: it logs in with that org's client id and secret, and the
 * org's oauth group is limited for the 429.
 */
class GenesysJsSdkIT extends TwoOrgServer {
  static final String MISSING_ID = "00000000-0000-0000-0000-000000000000";
  static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String LIMITS = "/api/v2/organizations/limits/namespaces/platform.api";

  static TestServer.OrgAccess org;
  static String orgToken;
  static String draftId;
  static String publishedId;
  static JsonNode seen;

  @BeforeAll
  static void runTheSdk() {
    org = server.newOrg();
    orgToken = api.token(org);
    var orgFx = new Fixtures(api, orgToken);
    draftId = orgFx.script(Fixtures.GREETING_SCRIPT);
    publishedId = orgFx.publishedScript(Fixtures.GREETING_SCRIPT);
    // Bystanders: the script's id filters must leave them out.
    orgFx.user("Js bystander");
    assertThat(api.post("/api/v2/routing/queues", orgToken, "{\"name\":\"Js bystander\"}").status())
        .isEqualTo(200);
    assertThat(
            api.post("/api/v2/flows", orgToken, "{\"name\":\"Js bystander\",\"type\":\"WORKFLOW\"}")
                .status())
        .isEqualTo(200);
    // One request a minute for the org's oauth endpoint group (/api/v2/tokens): the script's first
    // getTokensMe passes and its second is refused with a real 429 from the limiter.
    var limit =
        api.put(
            LIMITS,
            orgToken,
            "{\"limits\":[{\"key\":\"group.oauth.rate.per.minute\",\"value\":1}]}");
    assertThat(limit.status()).as(limit.toString()).isEqualTo(200);

    String args =
        JSON.writeValueAsString(
            Map.of(
                "baseUrl", server.baseUrl(),
                "clientId", org.clientId(),
                "clientSecret", org.clientSecret(),
                "draftScriptId", draftId,
                "publishedScriptId", publishedId));
    JsSdk.Run run = JsSdk.node("check.js", List.of(args), NODE_TIMEOUT);
    assertThat(run.succeeded())
        .as("node check.js exited %d:\n%s%s", run.exitCode(), run.stderr(), run.stdout())
        .isTrue();
    seen = JSON.readTree(run.stdout());
  }

  @Test
  void theSdkLogsInWithClientCredentialsThroughItsGateway() {
    JsonNode login = seen.get("login");
    assertThat(login.get("tokenLength").asInt()).isPositive();
    // The SDK computes the expiry from expires_in: the org's default token lifetime, a day.
    assertThat(login.get("expiresInSeconds").asLong()).isBetween(86_300L, 86_400L);
    JsonNode tokensMe = seen.get("rateLimited").get("tokensMe");
    assertThat(tokensMe.get("organizationId").asString()).isEqualTo(org.orgId());
    assertThat(tokensMe.get("clientId").asString()).isEqualTo(org.clientId());
  }

  @Test
  void theSdkReadsDraftScriptsAndTheirPages() {
    JsonNode scripts = seen.get("scripts");
    JsonNode draft = scripts.get("draft");
    assertThat(draft.get("id").asString()).isEqualTo(draftId);
    assertThat(draft.get("name").asString()).isEqualTo("Greeting");
    assertThat(draft.get("versionId").asString()).isNotBlank();
    assertThat(Instant.parse(draft.get("createdDate").asString())).isBefore(Instant.now());
    assertThat(draft.get("startPageId").asString()).isEqualTo("start");
    assertThat(draft.get("startPageName").asString()).isEqualTo("Start");
    assertThat(strings(draft.get("pageIds"))).containsExactly("start", "second");
    assertThat(draft.get("variableCount").asInt()).isEqualTo(4);
    assertThat(draft.get("selfUri").asString()).isEqualTo("/api/v2/scripts/" + draftId);

    // Both fixtures are named Greeting; the org has no other script.
    JsonNode listing = scripts.get("listing");
    assertThat(strings(listing.get("ids"))).containsExactlyInAnyOrder(draftId, publishedId);
    assertThat(listing.get("pageSize").asInt()).isEqualTo(25);
    assertThat(listing.get("pageNumber").asInt()).isEqualTo(1);
    assertThat(listing.get("total").asInt()).isEqualTo(2);
    assertThat(listing.get("pageCount").asInt()).isEqualTo(1);
    assertThat(listing.get("selfUri").asString()).startsWith("/api/v2/scripts?");

    assertThat(strings(scripts.get("pageNames"))).containsExactly("Start", "Second");
    JsonNode page = scripts.get("page");
    assertThat(page.get("id").asString()).isEqualTo("second");
    assertThat(page.get("name").asString()).isEqualTo("Second");
    assertThat(page.get("versionId").asString()).isEqualTo(draft.get("versionId").asString());
    assertThat(page.get("selfUri").asString())
        .isEqualTo("/api/v2/scripts/" + draftId + "/pages/second");
  }

  @Test
  void theSdkReadsPublishedScriptsAndPublishesADraft() {
    JsonNode scripts = seen.get("scripts");
    JsonNode published = scripts.get("published");
    assertThat(published.get("id").asString()).isEqualTo(publishedId);
    assertThat(published.get("name").asString()).isEqualTo("Greeting");
    assertThat(Instant.parse(published.get("publishedDate").asString())).isBefore(Instant.now());
    assertThat(published.get("pageCount").asInt()).isEqualTo(2);
    assertThat(published.get("sameVersionId").asString())
        .isEqualTo(published.get("versionId").asString());
    // Listed before the script published the draft.
    assertThat(strings(scripts.get("publishedListingIds"))).containsExactly(publishedId);
    assertThat(strings(scripts.get("publishedPageIds"))).containsExactly("start", "second");
    assertThat(strings(scripts.get("inputVariableNames"))).containsExactly("customerName");

    JsonNode byTheSdk = scripts.get("publishedByTheSdk");
    assertThat(byTheSdk.get("id").asString()).isEqualTo(draftId);
    assertThat(byTheSdk.get("readBackId").asString()).isEqualTo(draftId);
    assertThat(Instant.parse(byTheSdk.get("publishedDate").asString()))
        .isAfterOrEqualTo(Instant.parse(published.get("publishedDate").asString()));
    assertThat(api.get("/api/v2/scripts/published/" + draftId, orgToken).status()).isEqualTo(200);
  }

  @Test
  void theSdkCreatesAUserAndSetsItsRoutingStatus() {
    JsonNode user = seen.get("users");
    String id = user.get("id").asString();
    assertThat(user.get("name").asString()).isEqualTo("Js Sdk Agent");
    assertThat(user.get("email").asString()).matches("js-sdk-\\d+@example\\.com");
    assertThat(user.get("state").asString()).isEqualTo("active");
    assertThat(user.get("divisionName").asString()).isEqualTo("Home");
    assertThat(user.get("selfUri").asString()).isEqualTo("/api/v2/users/" + id);
    assertThat(user.get("listed").asBoolean()).isTrue();
    // The SDK joins ids with commas (id=a,b), and sends an empty array as id=, which matches none.
    String other = user.get("otherId").asString();
    assertThat(strings(user.get("byIds").get("ids"))).containsExactlyInAnyOrder(id, other);
    assertThat(user.get("byIds").get("total").asInt()).isEqualTo(2);
    assertThat(api.get("/api/v2/users?state=any", orgToken).json().get("total").asInt())
        .as("the org has more users (the SDK deleted one of these two since)")
        .isGreaterThan(2);
    assertThat(strings(user.get("byNoIds").get("ids"))).isEmpty();
    assertThat(user.get("byNoIds").get("total").asInt()).isZero();
    // What the SDK's POST body said is what the server stored.
    JsonNode stored = api.get("/api/v2/users/" + id, orgToken).json();
    assertThat(stored.get("email").asString()).isEqualTo(user.get("email").asString());

    JsonNode status = seen.get("routing").get("routingStatus");
    assertThat(status.get("set").asString()).isEqualTo("IDLE");
    assertThat(status.get("read").asString()).isEqualTo("IDLE");
    assertThat(status.get("userId").asString()).isEqualTo(id);

    // state=deleted lists the deleted user; the default (active) does not.
    assertThat(strings(user.get("byState").get("deleted"))).containsExactly(other);
    assertThat(strings(user.get("byState").get("active"))).isEmpty();
    // routingStatus, an array through the SDK: the IDLE agent is in the IDLE listing only.
    JsonNode members = seen.get("routing").get("members");
    assertThat(strings(members.get("idle"))).containsExactly(id);
    assertThat(strings(members.get("offQueue"))).isEmpty();
  }

  @Test
  void theSdkWritesReadsAndDeletesWrapupCodesAndQueues() {
    JsonNode code = seen.get("routing").get("wrapupCode");
    assertThat(code.get("created").asString()).startsWith("Js resolved ");
    assertThat(code.get("renamed").asString())
        .isEqualTo(code.get("created").asString() + " (renamed)");
    assertThat(code.get("read").asString()).isEqualTo(code.get("renamed").asString());
    assertThat(Instant.parse(code.get("dateCreated").asString())).isBefore(Instant.now());
    assertThat(code.get("deleteAnswer").isNull()).isTrue();
    assertThat(code.get("afterDelete").get("status").asInt()).isEqualTo(404);
    assertThat(code.get("afterDelete").get("code").asString()).isEqualTo("not.found");
    assertThat(
            api.get("/api/v2/routing/wrapupcodes/" + code.get("id").asString(), orgToken).status())
        .isEqualTo(404);

    JsonNode queue = seen.get("routing").get("queue");
    assertThat(queue.get("name").asString()).startsWith("Js queue ");
    assertThat(queue.get("description").asString()).isEqualTo("from the JS SDK");
    assertThat(queue.get("divisionName").asString()).isEqualTo("Home");
    assertThat(strings(queue.get("listedIds"))).containsExactly(queue.get("id").asString());
    assertThat(strings(queue.get("byIds")))
        .containsExactlyInAnyOrder(queue.get("id").asString(), queue.get("otherId").asString());
    assertThat(queue.get("byIdsTotal").asInt()).isEqualTo(2);
    assertThat(api.get("/api/v2/routing/queues", orgToken).json().get("total").asInt())
        .as("the org has more queues")
        .isGreaterThan(2);
  }

  @Test
  void theSdkPlacesACallDisconnectsItAndRecordsTheWrapup() {
    JsonNode call = seen.get("conversation");
    String codeId = call.get("codeId").asString();
    JsonNode live = call.get("live");
    assertThat(live.get("state").asString()).isEqualTo("connected");
    assertThat(Instant.parse(live.get("startTime").asString())).isBefore(Instant.now());
    assertThat(strings(live.get("purposes"))).containsExactlyInAnyOrder("agent", "customer");
    assertThat(live.get("agentUserId").asString())
        .isEqualTo(seen.get("users").get("id").asString());
    assertThat(live.get("agentCallState").asString()).isEqualTo("connected");

    JsonNode wrapup = call.get("wrapup");
    assertThat(wrapup.get("code").asString()).isEqualTo(codeId);
    assertThat(wrapup.get("notes").asString()).isEqualTo("via the JS SDK");
    assertThat(wrapup.get("durationSeconds").asInt()).isEqualTo(9);
    assertThat(Instant.parse(wrapup.get("endTime").asString())).isBefore(Instant.now());

    JsonNode ended = call.get("ended");
    assertThat(ended.get("state").asString()).isEqualTo("terminated");
    assertThat(Instant.parse(ended.get("endTime").asString()))
        .isAfterOrEqualTo(Instant.parse(live.get("startTime").asString()));
    assertThat(ended.get("agentWrapupCode").asString()).isEqualTo(codeId);
    assertThat(ended.get("agentCallState").asString()).isEqualTo("terminated");
    assertThat(
            api.get("/api/v2/conversations/" + call.get("id").asString(), orgToken)
                .json()
                .get("state")
                .asString())
        .isEqualTo("terminated");
  }

  @Test
  void theSdkCreatesAndListsFlowsFilteringBySeveralTypes() {
    JsonNode flows = seen.get("flows");
    String id = flows.get("id").asString();
    assertThat(flows.get("name").asString()).startsWith("Js flow ");
    assertThat(flows.get("description").asString()).isEqualTo("from the JS SDK");
    assertThat(flows.get("type").asString()).isEqualTo("WORKFLOW");
    assertThat(flows.get("divisionName").asString()).isEqualTo("Home");
    assertThat(flows.get("selfUri").asString()).isEqualTo("/api/v2/flows/" + id);
    assertThat(flows.get("listedByOneType").asBoolean()).isTrue();
    // The SDK sends type=inboundcall,workflow (comma-joined): was a 400 naming the type.
    assertThat(flows.get("listedByTwoTypes").asBoolean()).isTrue();
    // Genesys types Switchboard has no flows of were a 400 too; they match none.
    assertThat(flows.get("botsTotal").asInt()).isZero();
    assertThat(flows.get("listedByBotsAndWorkflows").asBoolean()).isTrue();
    assertThat(strings(flows.get("botsAndWorkflowsTypes"))).containsExactly("WORKFLOW");
    // id=a,b: just those two of the org's flows.
    assertThat(strings(flows.get("byIds").get("ids")))
        .containsExactlyInAnyOrder(id, flows.get("otherId").asString());
    assertThat(flows.get("byIds").get("total").asInt()).isEqualTo(2);
    assertThat(api.get("/api/v2/flows", orgToken).json().get("total").asInt())
        .as("the org has more flows")
        .isGreaterThan(2);
  }

  @Test
  void theSdkOpensANotificationChannelAndSubscribes() {
    JsonNode notifications = seen.get("notifications");
    assertThat(strings(notifications.get("topicIds"))).contains("v2.users.{id}.conversations");
    JsonNode channel = notifications.get("channel");
    String channelId = channel.get("id").asString();
    assertThat(channel.get("connectUri").asString()).startsWith("ws").endsWith("/" + channelId);
    assertThat(Instant.parse(channel.get("expires").asString())).isAfter(Instant.now());
    String topic = "v2.users." + seen.get("users").get("id").asString() + ".conversations";
    assertThat(strings(notifications.get("subscribed"))).containsExactly(topic);
    assertThat(strings(notifications.get("read"))).containsExactly(topic);
    assertThat(notifications.get("headAnswer").isNull()).isTrue();
  }

  @Test
  void theSdkReadsTheOrgsLimits() {
    JsonNode limits = seen.get("limits");
    assertThat(strings(limits.get("namespaces"))).containsExactly("platform.api");
    assertThat(limits.get("platformApi").get("group.oauth.rate.per.minute").asInt()).isEqualTo(1);
    assertThat(limits.get("platformApi").get("client.credentials.token.rate.per.minute").asInt())
        .isEqualTo(300);
  }

  @Test
  void theSdkRejectsWithOurErrorBody() {
    JsonNode errors = seen.get("errors");
    // By default the SDK rejects with the parsed body alone.
    JsonNode notFound = errors.get("notFound");
    assertThat(notFound.get("status").asInt()).isEqualTo(404);
    assertThat(notFound.get("code").asString()).isEqualTo("not.found");
    assertThat(notFound.get("message").asString()).contains(MISSING_ID);
    assertThat(notFound.get("contextId").asString()).isNotBlank();
    JsonNode invalid = errors.get("invalid");
    assertThat(invalid.get("status").asInt()).isEqualTo(400);
    assertThat(invalid.get("code").asString()).isEqualTo("invalid.value");
    assertThat(invalid.get("message").asString()).contains("name");
    // With extended responses it adds the status and the headers (names in lower case).
    JsonNode extended = errors.get("extended");
    assertThat(extended.get("status").asInt()).isEqualTo(404);
    assertThat(extended.get("code").asString()).isEqualTo("not.found");
    assertThat(extended.get("correlationId").asString())
        .isNotBlank()
        .isEqualTo(extended.get("contextId").asString());
  }

  @Test
  void theSdkHandsA429BackAtOnceWithRetryAfter() {
    JsonNode refused = seen.get("rateLimited");
    assertThat(refused.get("status").asInt()).isEqualTo(429);
    assertThat(refused.get("code").asString()).isEqualTo("too.many.requests");
    int retryAfter = Integer.parseInt(refused.get("retryAfter").asString());
    assertThat(retryAfter).isBetween(1, 60);
    // Without extended responses a caller sees only the body: it carries the wait too.
    assertThat(refused.get("retryAfterSecondsInBody").asInt()).isEqualTo(retryAfter);
    assertThat(refused.get("ratelimitAllowed").asString()).isEqualTo("1");
    // The JS SDK has no retry: it rejects without waiting, and the limiter refused one request.
    assertThat(refused.get("rejectedAfterMs").asLong()).isLessThan(retryAfter * 1000L);
    JsonNode oauthBucket = null;
    for (JsonNode row :
        api.get("/api/v2/organizations/limits/usage", orgToken).json().get("entities"))
      if (row.get("bucket").asString().equals("group:oauth")) oauthBucket = row;
    assertThat(oauthBucket).isNotNull();
    assertThat(oauthBucket.get("refusedLastMinute").asInt()).isEqualTo(1);
  }

  private static List<String> strings(JsonNode array) {
    var out = new ArrayList<String>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}

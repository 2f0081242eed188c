package io.switchboard.server.flows;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The callData response cache ({@code cache: {ttl}}) and deadline-aware retries, through flows on a
 * real server against a counting {@link Upstream}.
 */
class CallDataCacheIT {
  static final String FLOWS = "/api/v2/flows";
  static final String APIS = "/api/v2/architect/external-apis";
  static final MutableClock CLOCK = new MutableClock();
  static TestServer server;
  static Upstream upstream;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start(LoopbackUpstream.allowed(TestServer.NO_TOKEN_LIMIT), null, CLOCK);
    upstream = Upstream.start();
    api = server.api();
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  /** An external API on {@code path} of the upstream, answering {@code scriptId} per tier. */
  static String dataAction(String tok, String name, String path, int timeoutMs, int retry) {
    var r =
        api.post(
            APIS,
            tok,
            "{\"name\":\""
                + name
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url(path)
                + "?tier=${input.tier}\",\"timeout\":"
                + timeoutMs
                + ",\"retry\":"
                + retry
                + ",\"responseMapping\":{\"outputs\":{\"scriptId\":\"$.scriptId\"}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** A flow that looks the script up by tier (Call.Ani) and routes by the data action's output. */
  static String yaml(String apiName, String cache, String deadline) {
    return "inboundCall:\n"
        + "  name: Cached\n"
        + "  startUpRef: \"/inboundCall/tasks/task[main]\"\n"
        + (deadline == null ? "" : "  deadline:\n    lit:\n      seconds: " + deadline + "\n")
        + "  settingsErrorHandling:\n"
        + "    errorHandling:\n"
        + "      transferToAcd:\n"
        + "        targetQueue:\n"
        + "          lit:\n"
        + "            name: General\n"
        + "  tasks:\n"
        + "    - task:\n"
        + "        name: Main\n"
        + "        refId: main\n"
        + "        actions:\n"
        + "          - callData:\n"
        + "              name: Script lookup\n"
        + (cache == null ? "" : "              cache:\n" + cache)
        + "              category:\n"
        + "                Test:\n"
        + "                  dataAction:\n"
        + "                    "
        + apiName
        + ":\n"
        + "                      inputs:\n"
        + "                        tier:\n"
        + "                          exp: Call.Ani\n"
        + "                      successOutputs:\n"
        + "                        scriptId: Task.scriptId\n"
        + "              outputs:\n"
        + "                success:\n"
        + "                  actions:\n"
        + "                    - transferToAcd:\n"
        + "                        name: Right script\n"
        + "                        targetQueue:\n"
        + "                          lit:\n"
        + "                            name: Support\n"
        + "                failure:\n"
        + "                  actions:\n"
        + "                    - transferToAcd:\n"
        + "                        name: Failed\n"
        + "                        targetQueue:\n"
        + "                          lit:\n"
        + "                            name: General\n"
        + "                timeout:\n"
        + "                  actions:\n"
        + "                    - transferToAcd:\n"
        + "                        name: Slow\n"
        + "                        targetQueue:\n"
        + "                          lit:\n"
        + "                            name: General\n";
  }

  static final String CACHE_60S =
      "                ttl:\n                  lit:\n                    seconds: 60\n";

  static Api.Response saveAndPublish(String tok, String yaml) {
    // The flows name queues Support and General: publishing checks they exist.
    for (String q : List.of("Support", "General")) {
      var r = api.post("/api/v2/routing/queues", tok, "{\"name\":\"" + q + "\"}");
      assertThat(r.status()).as(r.toString()).isIn(200, 409);
    }
    var created =
        api.post(
            FLOWS, tok, "{\"name\":\"cache " + UUID.randomUUID() + "\",\"type\":\"INBOUNDCALL\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    String id = created.json().get("id").asString();
    var saved =
        api.raw(
            "PUT",
            FLOWS + "/" + id + "/latestconfiguration",
            tok,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    return api.post(FLOWS + "/actions/publish?flow=" + id, tok, null);
  }

  static String publishedFlow(String tok, String yaml) {
    var p = saveAndPublish(tok, yaml);
    assertThat(p.status()).as(p.toString()).isEqualTo(200);
    return p.json().get("id").asString();
  }

  static String launch(String tok, String flowId, String ani) {
    var r =
        api.post(
            FLOWS + "/executions",
            tok,
            "{\"flowId\":\"" + flowId + "\",\"inputData\":{\"Call.Ani\":\"" + ani + "\"}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("id").asString();
  }

  static JsonNode finished(String tok, String executionId) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          var r = api.get(FLOWS + "/executions/" + executionId, tok);
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          last[0] = r.json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    return last[0];
  }

  static JsonNode run(String tok, String flowId, String ani) {
    return finished(tok, launch(tok, flowId, ani));
  }

  static JsonNode lookup(JsonNode execution) {
    return execution.get("trace").get("actions").get(0).get("dataAction");
  }

  static String queue(JsonNode execution) {
    return execution.get("trace").get("transferQueue").asString();
  }

  /** Answers {"scriptId": "script-<tier>"} after {@code delayMs}, counting requests. */
  static String scriptsUpstream(long delayMs) {
    String path = "/scripts-" + UUID.randomUUID();
    upstream.on(
        path,
        (ex, req) -> {
          if (delayMs > 0) upstream.hang(delayMs);
          String tier = req.rawUri().replaceAll(".*tier=", "");
          json(ex, 200, "{\"scriptId\":\"script-" + tier + "\"}");
        });
    return path;
  }

  @Test
  void fiftyConcurrentExecutionsWithTheSameInputsMakeOneUpstreamCall() throws Exception {
    String tok = api.token(server.newOrg());
    String path = scriptsUpstream(1000);
    dataAction(tok, "Script lookup", path, 5000, 0);
    String flowId = publishedFlow(tok, yaml("Script lookup", CACHE_60S, null));

    var ids = new ArrayList<Future<String>>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) ids.add(pool.submit(() -> launch(tok, flowId, "gold")));
    }
    var uses = new HashMap<String, Integer>();
    for (Future<String> id : ids) {
      JsonNode e = finished(tok, id.get());
      assertThat(e.get("outcome").asString()).isEqualTo("completed");
      assertThat(queue(e)).isEqualTo("Support");
      assertThat(
              e.get("trace")
                  .get("actions")
                  .get(0)
                  .get("variables")
                  .get("Task.scriptId")
                  .get("new")
                  .asString())
          .isEqualTo("script-gold");
      JsonNode call = lookup(e);
      assertThat(call.get("status").asInt()).isEqualTo(200);
      uses.merge(call.get("cache").asString(), 1, Integer::sum);
      assertThat(call.get("attempts").asInt())
          .isEqualTo(call.get("cache").asString().equals("miss") ? 1 : 0);
    }
    assertThat(upstream.received(path)).hasSize(1);
    assertThat(uses.get("miss")).isEqualTo(1);
    assertThat(uses.getOrDefault("hit", 0) + uses.getOrDefault("joined", 0)).isEqualTo(49);

    // Other inputs are another entry.
    JsonNode silver = run(tok, flowId, "silver");
    assertThat(lookup(silver).get("cache").asString()).isEqualTo("miss");
    assertThat(upstream.received(path)).hasSize(2);
  }

  @Test
  void entriesExpireAfterTheirTtlAndTheShortFormWorks() {
    String tok = api.token(server.newOrg());
    String path = scriptsUpstream(0);
    dataAction(tok, "Script lookup", path, 5000, 0);
    String flowId = publishedFlow(tok, yaml("Script lookup", "                ttl: 30s\n", null));

    assertThat(lookup(run(tok, flowId, "gold")).get("cache").asString()).isEqualTo("miss");
    assertThat(lookup(run(tok, flowId, "gold")).get("cache").asString()).isEqualTo("hit");
    CLOCK.advance(Duration.ofSeconds(29));
    assertThat(lookup(run(tok, flowId, "gold")).get("cache").asString()).isEqualTo("hit");
    assertThat(upstream.received(path)).hasSize(1);
    CLOCK.advance(Duration.ofSeconds(2));
    JsonNode again = run(tok, flowId, "gold");
    assertThat(lookup(again).get("cache").asString()).isEqualTo("miss");
    assertThat(queue(again)).isEqualTo("Support");
    assertThat(upstream.received(path)).hasSize(2);
  }

  @Test
  void failuresAreNotCached() {
    String tok = api.token(server.newOrg());
    String path = "/flaky-" + UUID.randomUUID();
    var calls = new AtomicInteger();
    upstream.on(
        path,
        (ex, req) -> {
          if (calls.incrementAndGet() == 1) json(ex, 500, "{\"error\":\"down\"}");
          else json(ex, 200, "{\"scriptId\":\"script-gold\"}");
        });
    dataAction(tok, "Script lookup", path, 5000, 0);
    String flowId = publishedFlow(tok, yaml("Script lookup", CACHE_60S, null));

    JsonNode failed = run(tok, flowId, "gold");
    assertThat(queue(failed)).isEqualTo("General");
    assertThat(lookup(failed).get("status").asInt()).isEqualTo(500);
    assertThat(lookup(failed).get("cache").asString()).isEqualTo("miss");

    JsonNode ok = run(tok, flowId, "gold");
    assertThat(queue(ok)).isEqualTo("Support");
    assertThat(lookup(ok).get("cache").asString()).isEqualTo("miss");
    assertThat(lookup(run(tok, flowId, "gold")).get("cache").asString()).isEqualTo("hit");
    assertThat(upstream.received(path)).hasSize(2);
  }

  @Test
  void orgsNeverShareEntriesAndAChangedApiIsANewKey() {
    String path = scriptsUpstream(0);
    String tokA = api.token(server.newOrg());
    String tokB = api.token(server.newOrg());
    String apiA = dataAction(tokA, "Script lookup", path, 5000, 0);
    dataAction(tokB, "Script lookup", path, 5000, 0);
    String flowA = publishedFlow(tokA, yaml("Script lookup", CACHE_60S, null));
    String flowB = publishedFlow(tokB, yaml("Script lookup", CACHE_60S, null));

    assertThat(lookup(run(tokA, flowA, "gold")).get("cache").asString()).isEqualTo("miss");
    assertThat(lookup(run(tokB, flowB, "gold")).get("cache").asString()).isEqualTo("miss");
    assertThat(lookup(run(tokA, flowA, "gold")).get("cache").asString()).isEqualTo("hit");
    assertThat(lookup(run(tokB, flowB, "gold")).get("cache").asString()).isEqualTo("hit");
    assertThat(upstream.received(path)).hasSize(2);

    // Another org cannot read org A's execution (and so its cached answer) either.
    String execA = launch(tokA, flowA, "gold");
    finished(tokA, execA);
    assertThat(api.get(FLOWS + "/executions/" + execA, tokB).status()).isEqualTo(404);

    // Changing the API (a new version) leaves the old entry behind.
    var patched = api.patch(APIS + "/" + apiA, tokA, "{\"timeout\":4000}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(lookup(run(tokA, flowA, "gold")).get("cache").asString()).isEqualTo("miss");
    assertThat(upstream.received(path)).hasSize(3);
  }

  @Test
  void aBadCacheIsAPublishError() {
    String tok = api.token(server.newOrg());
    dataAction(tok, "Script lookup", scriptsUpstream(0), 5000, 0);
    for (String bad :
        List.of(
            "                ttl: forever\n",
            "                ttl: 0s\n",
            "                ttl: 2h\n",
            "                ttl:\n                  lit:\n                    milliseconds: 10\n",
            "                size: 10\n")) {
      var p = saveAndPublish(tok, yaml("Script lookup", bad, null));
      assertThat(p.status()).as(bad + p).isEqualTo(400);
      assertThat(p.body()).as(bad).contains("/cache");
    }
  }

  /**
   * Seed 000: the API answers 429 with Retry-After. A wait that fits what is left of the flow's
   * deadline is honoured; one that does not is not waited for (the data action fails at once and
   * the flow takes its failure output), even when the API's own timeout would allow it.
   */
  @Test
  void retriesHonourRetryAfterOnlyWhenTheWaitFitsTheFlowsDeadline() {
    String tok = api.token(server.newOrg());
    String fits = "/retry-fits-" + UUID.randomUUID();
    var calls = new AtomicInteger();
    upstream.on(
        fits,
        (ex, req) -> {
          if (calls.incrementAndGet() == 1)
            json(ex, 429, "{\"error\":\"slow down\"}", "Retry-After", "1");
          else json(ex, 200, "{\"scriptId\":\"script-gold\"}");
        });
    dataAction(tok, "Fits", fits, 30_000, 3);
    JsonNode ok = run(tok, publishedFlow(tok, yaml("Fits", null, "8")), "gold");
    assertThat(queue(ok)).isEqualTo("Support");
    assertThat(lookup(ok).get("attempts").asInt()).isEqualTo(2);
    assertThat(lookup(ok).get("status").asInt()).isEqualTo(200);
    assertThat(lookup(ok).has("cache")).isFalse();
    var received = upstream.received(fits);
    assertThat(received).hasSize(2);
    assertThat(Duration.ofNanos(received.get(1).atNanos() - received.get(0).atNanos()))
        .as("the Retry-After of 1 s was waited for")
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));

    String tooLong = "/retry-too-long-" + UUID.randomUUID();
    upstream.on(
        tooLong, (ex, req) -> json(ex, 429, "{\"error\":\"slow down\"}", "Retry-After", "5"));
    dataAction(tok, "Too long", tooLong, 30_000, 3);
    JsonNode failed = run(tok, publishedFlow(tok, yaml("Too long", null, "3")), "gold");
    assertThat(failed.get("outcome").asString()).isEqualTo("completed");
    assertThat(queue(failed)).isEqualTo("General");
    JsonNode call = lookup(failed);
    assertThat(call.get("attempts").asInt()).isEqualTo(1);
    assertThat(call.get("status").asInt()).isEqualTo(429);
    assertThat(call.get("budgetMs").asLong()).isLessThanOrEqualTo(3000);
    assertThat(call.get("errorDetail").asString()).contains("Retry-After 5 s does not fit in the");
    assertThat(failed.get("trace").get("actions").get(0).get("output").asString())
        .isEqualTo("failure");
    assertThat(upstream.received(tooLong)).hasSize(1);
  }
}

package io.switchboard.server.flows;

import static io.switchboard.server.testing.IdFilterChecks.ids;
import static io.switchboard.server.testing.IdFilterChecks.page;
import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.IdFilterChecks;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Flows over real HTTP: the API, definitions and versions, publish-time validation, and executions.
 */
class FlowsIT {
  static final String FLOWS = "/api/v2/flows";
  static final String APIS = "/api/v2/architect/external-apis";
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String token;
  static String otherToken;

  @BeforeAll
  static void start() {
    server = TestServer.start(LoopbackUpstream.allowed(TestServer.NO_TOKEN_LIMIT));
    upstream = Upstream.start();
    api = server.api();
    token = api.token(server.newOrg());
    otherToken = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static String example() {
    try (InputStream in = FlowsIT.class.getResourceAsStream("/flows/personalised-script.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String flow(String tok, String name, String type) {
    var r =
        api.post(
            FLOWS,
            tok,
            "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"description\":\"test\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("id").asString();
  }

  static Api.Response saveYaml(String tok, String flowId, String yaml) {
    return api.raw(
        "PUT",
        FLOWS + "/" + flowId + "/latestconfiguration",
        tok,
        yaml.getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/yaml");
  }

  static Api.Response publish(String tok, String flowId) {
    return api.post(FLOWS + "/actions/publish?flow=" + flowId, tok, null);
  }

  static String dataAction(String tok, String name, String path, int timeoutMs) {
    var r =
        api.post(
            APIS,
            tok,
            "{\"name\":\""
                + name
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url(path)
                + "?id=${input.customerId}\",\"timeout\":"
                + timeoutMs
                + ",\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\",\"scriptId\":\"$.scriptId\"}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static String publishedScript(String tok, String name) {
    return new Fixtures(api, tok)
        .publishedScript(
            "{\"name\":\""
                + name
                + "\",\"variables\":[{\"name\":\"customerId\",\"type\":\"string\",\"input\":true}],\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"t\",\"type\":\"text\",\"text\":\"Hi"
                + " {{customerId}}\"}]}]}");
  }

  static JsonNode launch(String tok, String flowId, String inputData) {
    var r =
        api.post(
            FLOWS + "/executions",
            tok,
            "{\"flowId\":\"" + flowId + "\",\"inputData\":" + inputData + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static JsonNode finished(String tok, String executionId) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          var r = api.get(FLOWS + "/executions/" + executionId, tok);
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          last[0] = r.json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    return last[0];
  }

  static List<String> actionNames(JsonNode execution) {
    var out = new ArrayList<String>();
    for (JsonNode a : execution.get("trace").get("actions"))
      out.add(a.get("name").asString() + ":" + a.get("outcome").asString());
    return out;
  }

  /** The queues the example transfers to: publishing checks that they exist. */
  static void exampleQueues(String tok) {
    for (String q : List.of("Support", "General")) {
      var r = api.post("/api/v2/routing/queues", tok, "{\"name\":\"" + q + "\"}");
      assertThat(r.status()).as(r.toString()).isIn(200, 409);
    }
  }

  /** The issue's example, unchanged, against an org whose lookup answers per customer. */
  static String exampleFlow(String tok, String crmPath, int apiTimeoutMs) {
    exampleQueues(tok);
    dataAction(tok, "Lookup customer", crmPath, apiTimeoutMs);
    publishedScript(tok, "Gold script");
    String id = flow(tok, "Personalised script " + UUID.randomUUID(), "INBOUNDCALL");
    var saved = saveYaml(tok, id, example());
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var p = publish(tok, id);
    assertThat(p.status()).as(p.toString()).isEqualTo(200);
    return id;
  }

  @Test
  void theListingTakesGenesysFiltersAndOrder() {
    String tok = api.token(server.newOrg());
    var ids = new java.util.LinkedHashMap<String, String>();
    for (String[] f :
        List.of(
            new String[] {"Alpha", "WORKFLOW", "Routes billing calls"},
            new String[] {"Beta", "INBOUNDCALL", "Sales line"},
            new String[] {"Gamma billing", "WORKFLOW", "Nightly job"})) {
      var r =
          api.post(
              FLOWS,
              tok,
              "{\"name\":\""
                  + f[0]
                  + "\",\"type\":\""
                  + f[1]
                  + "\",\"description\":\""
                  + f[2]
                  + "\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      ids.put(f[0], r.json().get("id").asString());
    }
    java.util.function.Function<String, List<String>> names =
        query -> IdFilterChecks.listed(api, FLOWS + "?pageSize=100" + query, tok, "name");
    assertThat(names.apply("")).containsExactly("Alpha", "Beta", "Gamma billing");
    assertThat(names.apply("&description=sales")).containsExactly("Beta");
    assertThat(names.apply("&description=*JOB*")).containsExactly("Gamma billing");
    assertThat(names.apply("&nameOrDescription=billing")).containsExactly("Alpha", "Gamma billing");
    assertThat(names.apply("&sortOrder=desc")).containsExactly("Gamma billing", "Beta", "Alpha");
    assertThat(names.apply("&sortBy=type&sortOrder=ascending"))
        .as("INBOUNDCALL before WORKFLOW, then by id")
        .first()
        .isEqualTo("Beta");
    assertThat(names.apply("&sortBy=description&sortOrder=desc"))
        .containsExactly("Beta", "Alpha", "Gamma billing");
    assertThat(names.apply("&deleted=false")).hasSize(3);
    assertThat(names.apply("&deleted=true")).as("deleted flows are gone").isEmpty();
    var byId = new ArrayList<>(ids.entrySet());
    byId.sort(java.util.Map.Entry.comparingByValue());
    assertThat(names.apply("&sortBy=id"))
        .containsExactlyElementsOf(byId.stream().map(java.util.Map.Entry::getKey).toList());
    assertThat(names.apply("&secure=any")).hasSize(3);
    for (String none :
        List.of("&secure=published", "&secure=checkedin", "&lockedBy=u", "&editableBy=u"))
      assertThat(names.apply(none)).as(none).isEmpty();
    for (String bad : List.of("&sortBy=color", "&secure=maybe")) {
      var refused = api.get(FLOWS + "?" + bad.substring(1), tok);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.json().get("code").asString()).isEqualTo("invalid.value");
    }
  }

  @Test
  void theIssuesExampleLoadsUnchangedPublishesAndRunsEveryPath() {
    String tok = api.token(server.newOrg());
    upstream.on(
        "/crm-example",
        (ex, req) -> {
          String q = req.rawUri();
          if (q.contains("gold")) json(ex, 200, "{\"tier\":\"gold\",\"scriptId\":\"s-1\"}");
          else if (q.contains("silver"))
            json(ex, 200, "{\"tier\":\"silver\",\"scriptId\":\"s-2\"}");
          else if (q.contains("slow")) upstream.hang(5000);
          else json(ex, 500, "{\"error\":\"down\"}");
        });
    String id = exampleFlow(tok, "/crm-example", 1000);

    // yes:/no: are names, not booleans: the stored definition echoes them as keys.
    var config = api.get(FLOWS + "/" + id + "/latestconfiguration", tok);
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.body()).contains("\"yes\":").contains("\"no\":");
    var yaml =
        api.get(FLOWS + "/" + id + "/latestconfiguration", tok, "Accept", "application/yaml");
    assertThat(yaml.body()).isEqualTo(example());

    JsonNode gold =
        finished(tok, launch(tok, id, "{\"Call.Ani\":\"gold-1\"}").get("id").asString());
    assertThat(gold.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(gold.get("outcome").asString()).isEqualTo("completed");
    assertThat(actionNames(gold))
        .containsExactly(
            "Customer lookup:success", "Gold?:success", "Pop:success", "To support:success");
    JsonNode trace = gold.get("trace");
    assertThat(trace.get("screenPop").get("scriptName").asString()).isEqualTo("Gold script");
    assertThat(trace.get("screenPop").get("inputs").get("customerId").asString())
        .isEqualTo("gold-1");
    assertThat(trace.get("transferQueue").asString()).isEqualTo("Support");
    JsonNode lookup = trace.get("actions").get(0);
    assertThat(lookup.get("dataAction").get("status").asInt()).isEqualTo(200);
    assertThat(lookup.get("dataAction").get("attempts").asInt()).isEqualTo(1);
    assertThat(lookup.get("variables").get("Task.tier").get("new").asString()).isEqualTo("gold");
    assertThat(trace.get("actions").get(1).get("output").asString()).isEqualTo("yes");
    assertThat(gold.get("flowVersion").get("name").asString()).isEqualTo("1.0");

    JsonNode silver =
        finished(tok, launch(tok, id, "{\"Call.Ani\":\"silver-1\"}").get("id").asString());
    assertThat(actionNames(silver))
        .containsExactly(
            "Customer lookup:success", "Gold?:success", "Standard:success", "To support:success");
    assertThat(
            silver
                .get("trace")
                .get("actions")
                .get(2)
                .get("variables")
                .get("Task.tier")
                .get("new")
                .asString())
        .isEqualTo("standard");
    assertThat(silver.get("trace").has("screenPop")).isFalse();

    // A failing data action never fails the execution: it takes its failure output.
    JsonNode failing =
        finished(tok, launch(tok, id, "{\"Call.Ani\":\"broken\"}").get("id").asString());
    assertThat(failing.get("outcome").asString()).isEqualTo("completed");
    assertThat(actionNames(failing))
        .containsExactly("Customer lookup:failure", "Fall back:success", "General:success");
    assertThat(failing.get("trace").get("actions").get(0).get("dataAction").get("status").asInt())
        .isEqualTo(500);
    assertThat(failing.get("trace").get("transferQueue").asString()).isEqualTo("General");

    // An upstream slower than the data action's timeout takes the timeout output.
    JsonNode slow = finished(tok, launch(tok, id, "{\"Call.Ani\":\"slow\"}").get("id").asString());
    assertThat(slow.get("outcome").asString()).isEqualTo("completed");
    assertThat(actionNames(slow)).containsExactly("Customer lookup:timeout", "Slow CRM:success");
    assertThat(slow.get("trace").get("actions").get(0).get("dataAction").get("error").asString())
        .isEqualTo("timeout");
  }

  @Test
  void aRunningExecutionKeepsItsVersionWhenANewOneIsPublished() {
    String tok = api.token(server.newOrg());
    upstream.on("/crm-slowish", (ex, req) -> upstream.hang(5000));
    String id = exampleFlow(tok, "/crm-slowish", 1000);
    String running = launch(tok, id, "{\"Call.Ani\":\"anyone\"}").get("id").asString();
    // While version 1 waits on its data action, version 2 (another queue on timeout) is saved and
    // published.
    assertThat(saveYaml(tok, id, example().replace("name: Slow CRM", "name: Slow CRM v2")).status())
        .isEqualTo(200);
    assertThat(publish(tok, id).status()).isEqualTo(200);
    assertThat(
            api.get(
                    FLOWS
                        + "/"
                        + id
                        + "/versions/"
                        + api.get(FLOWS + "/" + id, tok)
                            .json()
                            .get("publishedVersion")
                            .get("id")
                            .asString(),
                    tok)
                .json()
                .get("name")
                .asString())
        .isEqualTo("2.0");

    JsonNode first = finished(tok, running);
    assertThat(first.get("flowVersion").get("name").asString()).isEqualTo("1.0");
    assertThat(actionNames(first)).containsExactly("Customer lookup:timeout", "Slow CRM:success");
    JsonNode second =
        finished(tok, launch(tok, id, "{\"Call.Ani\":\"anyone\"}").get("id").asString());
    assertThat(second.get("flowVersion").get("name").asString()).isEqualTo("2.0");
    assertThat(actionNames(second))
        .containsExactly("Customer lookup:timeout", "Slow CRM v2:success");
    // Published versions are immutable: version 1 still reads as it was.
    JsonNode versions = api.get(FLOWS + "/" + id + "/versions", tok).json();
    String v1 = versions.get("entities").get(1).get("id").asString();
    assertThat(
            api.get(
                    FLOWS + "/" + id + "/versions/" + v1 + "/configuration",
                    tok,
                    "Accept",
                    "application/yaml")
                .body())
        .isEqualTo(example());
  }

  @Test
  void theFlowsDeadlineRunsTheErrorHandlingRouteAndIsRecorded() {
    String tok = api.token(server.newOrg());
    upstream.on("/crm-hangs", (ex, req) -> upstream.hang(8000));
    dataAction(tok, "Lookup customer", "/crm-hangs", 5000);
    publishedScript(tok, "Gold script");
    exampleQueues(tok);
    String id = flow(tok, "Deadline", "INBOUNDCALL");
    String yaml =
        example()
            .replace("  startUpRef:", "  deadline:\n    lit:\n      seconds: 1\n  startUpRef:");
    assertThat(saveYaml(tok, id, yaml).status()).isEqualTo(200);
    assertThat(publish(tok, id).status()).isEqualTo(200);

    long started = System.nanoTime();
    JsonNode e = finished(tok, launch(tok, id, "{\"Call.Ani\":\"anyone\"}").get("id").asString());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    assertThat(e.get("status").asString()).isEqualTo("ERROR");
    assertThat(e.get("outcome").asString()).isEqualTo("deadline");
    assertThat(e.get("flowErrorInfo").get("code").asString()).isEqualTo("flow.deadline");
    assertThat(actionNames(e)).containsExactly("Customer lookup:deadline", "transferToAcd:success");
    JsonNode call = e.get("trace").get("actions").get(0);
    assertThat(call.get("dataAction").get("budgetMs").asLong()).isLessThanOrEqualTo(1000);
    assertThat(call.get("durationMs").asLong()).isBetween(900L, 2500L);
    assertThat(e.get("trace").get("transferQueue").asString()).isEqualTo("General");
  }

  @Test
  void aLaunchWithAnIdempotencyKeyRunsOnceAndIsReplayed() {
    String tok = api.token(server.newOrg());
    String id = flow(tok, "Once", "WORKFLOW");
    String yaml =
        """
        workflow:
          name: Once
          startUpRef: "/workflow/tasks/task[start]"
          variables:
            - stringVariable:
                name: Flow.who
                isInput: true
                isOutput: true
          tasks:
            - task:
                name: Start
                refId: start
                actions:
                  - endWorkflow:
                      name: End
        """;
    assertThat(saveYaml(tok, id, yaml).status()).isEqualTo(200);
    assertThat(publish(tok, id).status()).isEqualTo(200);
    String body = "{\"flowId\":\"" + id + "\",\"inputData\":{\"Flow.who\":\"Ada\"}}";
    String key = "launch-" + java.util.UUID.randomUUID();

    var first = api.post(FLOWS + "/executions", tok, body, "Idempotency-Key", key);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    String execution = first.json().get("id").asString();
    JsonNode done = finished(tok, execution);
    assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(done.get("outputData").get("Flow.who").asString()).isEqualTo("Ada");

    var retried = api.post(FLOWS + "/executions", tok, body, "Idempotency-Key", key);
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.header("Idempotent-Replayed")).contains("true");
    assertThat(retried.json().get("id").asString()).isEqualTo(execution);
    var other =
        api.post(FLOWS + "/executions", tok, body.replace("Ada", "Grace"), "Idempotency-Key", key);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.json().get("code").asString()).isEqualTo("idempotency.key.reused");
    assertThat(api.get(FLOWS + "/" + id + "/executions", tok).json().get("total").asLong())
        .as("one execution for the key")
        .isEqualTo(1);

    // A refused launch frees its key: the retry, once the flow can run, launches.
    String unpublished = flow(tok, "Later", "WORKFLOW");
    String later = "{\"flowId\":\"" + unpublished + "\",\"inputData\":{}}";
    var refused = api.post(FLOWS + "/executions", tok, later, "Idempotency-Key", "later");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(saveYaml(tok, unpublished, yaml.replace("Once", "Later")).status()).isEqualTo(200);
    assertThat(publish(tok, unpublished).status()).isEqualTo(200);
    var launched = api.post(FLOWS + "/executions", tok, later, "Idempotency-Key", "later");
    assertThat(launched.status()).as(launched.toString()).isEqualTo(200);
    assertThat(finished(tok, launched.json().get("id").asString()).get("status").asString())
        .isEqualTo("COMPLETED");
  }

  @Test
  void aStringDoubledInALoopStopsAtTheValueBoundNotTheHeap() {
    String tok = api.token(server.newOrg());
    // 2^60 characters by the last turn: without a bound on a variable's size, a heap's end. Append
    // refuses to build it; CEL's own + is caught when the result is assigned.
    for (String doubled : List.of("Append(Flow.s, Flow.s)", "Flow.s + Flow.s")) {
      String id = flow(tok, "Doubler " + doubled, "WORKFLOW");
      String yaml =
          """
          workflow:
            name: Doubler
            startUpRef: "/workflow/tasks/task[start]"
            variables:
              - stringVariable:
                  name: Flow.s
                  initialValue:
                    lit: "x"
                  isOutput: true
            settingsErrorHandling:
              errorHandling:
                endWorkflow:
            tasks:
              - task:
                  name: Start
                  refId: start
                  actions:
                    - loop:
                        name: Double
                        loopCount:
                          lit: 60
                        outputs:
                          loop:
                            actions:
                              - updateData:
                                  name: Twice
                                  statements:
                                    - string:
                                        variable: Flow.s
                                        value:
                                          exp: %s
          """
              .formatted(doubled);
      assertThat(saveYaml(tok, id, yaml).status()).isEqualTo(200);
      var published = publish(tok, id);
      assertThat(published.status()).as(published.toString()).isEqualTo(200);
      JsonNode e = finished(tok, launch(tok, id, "{}").get("id").asString());
      assertThat(e.get("status").asString()).as(e.toString()).isEqualTo("ERROR");
      assertThat(e.get("outcome").asString()).isEqualTo("error");
      assertThat(e.get("flowErrorInfo").get("message").asString())
          .as(doubled)
          .contains("at most 100000 characters");
      // 2^16 = 65,536 characters were the last value within the bound.
      assertThat(e.get("trace").get("actionCount").asInt()).isLessThan(40);
    }
  }

  @Test
  void dateTimeOutputsAreWrittenWithExactlyMilliseconds() {
    String tok = api.token(server.newOrg());
    String id = flow(tok, "Clock", "WORKFLOW");
    String yaml =
        """
        workflow:
          name: Clock
          startUpRef: "/workflow/tasks/task[start]"
          variables:
            - dateTimeVariable:
                name: Flow.since
                isInput: true
                isOutput: true
            - dateTimeVariable:
                name: Flow.at
                isOutput: true
            - stringVariable:
                name: Flow.text
                isOutput: true
            - dateTimeVariable:
                name: Flow.later
                isOutput: true
            - stringVariable:
                name: Flow.day
                isOutput: true
          tasks:
            - task:
                name: Start
                refId: start
                actions:
                  - updateData:
                      name: Stamp
                      statements:
                        - dateTime:
                            variable: Flow.at
                            value:
                              exp: Now()
                        - string:
                            variable: Flow.text
                            value:
                              exp: ToString(Flow.since)
                        - dateTime:
                            variable: Flow.later
                            value:
                              exp: AddDays(ToDateTime("2026-11-30T05:00:00.5+01:00"), 1)
                        - string:
                            variable: Flow.day
                            value:
                              exp: Lower(Replace(Left(ToString(Flow.later), 10), "-", "/"))
        """;
    assertThat(saveYaml(tok, id, yaml).status()).isEqualTo(200);
    assertThat(publish(tok, id).status()).isEqualTo(200);
    JsonNode e =
        finished(
            tok,
            launch(tok, id, "{\"Flow.since\":\"2026-11-30T04:00:00.123456Z\"}")
                .get("id")
                .asString());
    assertThat(e.get("status").asString()).as(e.toString()).isEqualTo("COMPLETED");
    JsonNode out = e.get("outputData");
    assertThat(out.get("Flow.since").asString()).isEqualTo("2026-11-30T04:00:00.123Z");
    assertThat(out.get("Flow.text").asString()).isEqualTo("2026-11-30T04:00:00.123Z");
    assertThat(out.get("Flow.later").asString()).isEqualTo("2026-12-01T04:00:00.500Z");
    assertThat(out.get("Flow.day").asString()).isEqualTo("2026/12/01");
    assertThat(out.get("Flow.at").asString())
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  }

  @Test
  void aWorkflowRunsWithInputsAndOutputsAndAnInfiniteLoopStopsAtTheActionLimit() {
    String tok = api.token(server.newOrg());
    String id = flow(tok, "Greeter", "WORKFLOW");
    String yaml =
        """
        workflow:
          name: Greeter
          startUpRef: "/workflow/tasks/task[start]"
          variables:
            - stringVariable:
                name: Flow.who
                isInput: true
            - integerVariable:
                name: Flow.count
                isInput: true
            - stringVariable:
                name: Flow.greeting
                isOutput: true
            - integerVariable:
                name: Flow.total
                initialValue:
                  lit: 0
                isOutput: true
          tasks:
            - task:
                name: Start
                refId: start
                actions:
                  - loop:
                      name: Count
                      loopCount:
                        exp: Flow.count
                      currentIndex: Task.i
                      outputs:
                        loop:
                          actions:
                            - updateData:
                                name: Add
                                statements:
                                  - integer:
                                      variable: Flow.total
                                      value:
                                        exp: Flow.total + Task.i
                  - switch:
                      name: Size
                      evaluate:
                        firstTrue:
                          cases:
                            - case:
                                value:
                                  exp: Flow.total > 100
                                actions:
                                  - updateData:
                                      name: Big
                                      statements:
                                        - string:
                                            variable: Flow.greeting
                                            value:
                                              exp: Append("Big ", Flow.who)
                          default:
                            actions:
                              - updateData:
                                  name: Small
                                  statements:
                                    - string:
                                        variable: Flow.greeting
                                        value:
                                          exp: 'Append("Hello ", If(IsNotSetOrEmpty(Flow.who), "you", Flow.who), " #", ToString(Flow.total))'
        """;
    var saved = saveYaml(tok, id, yaml);
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var p = publish(tok, id);
    assertThat(p.status()).as(p.toString()).isEqualTo(200);
    assertThat(p.json().get("publishedVersion").get("id").asString())
        .isEqualTo(saved.json().get("id").asString());

    JsonNode e =
        finished(
            tok, launch(tok, id, "{\"Flow.who\":\"Ada\",\"Flow.count\":4}").get("id").asString());
    assertThat(e.get("status").asString()).as(e.toString()).isEqualTo("COMPLETED");
    assertThat(e.get("outputData").get("Flow.greeting").asString()).isEqualTo("Hello Ada #6");
    assertThat(e.get("outputData").get("Flow.total").asInt()).isEqualTo(6);
    assertThat(e.get("trace").get("actionCount").asInt()).isEqualTo(1 + 4 + 2);

    // Wrong input types and unknown inputs are refused at launch.
    assertThat(
            api.post(
                    FLOWS + "/executions",
                    tok,
                    "{\"flowId\":\"" + id + "\",\"inputData\":{\"Flow.count\":\"many\"}}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    FLOWS + "/executions",
                    tok,
                    "{\"flowId\":\"" + id + "\",\"inputData\":{\"Flow.greeting\":\"x\"}}")
                .status())
        .isEqualTo(400);

    String loopId = flow(tok, "Forever", "WORKFLOW");
    String forever =
        """
        workflow:
          name: Forever
          startUpRef: "/workflow/tasks/task[spin]"
          settingsErrorHandling:
            errorHandling:
              endWorkflow:
          tasks:
            - task:
                name: Spin
                refId: spin
                actions:
                  - updateData:
                      name: Tick
                      statements:
                        - integer:
                            variable: Task.n
                            value:
                              exp: If(IsSet(Task.n), Task.n + 1, 1)
                  - jumpToTask:
                      name: Again
                      targetTaskRef: "/workflow/tasks/task[spin]"
        """;
    assertThat(saveYaml(tok, loopId, forever).status()).isEqualTo(200);
    var lp = publish(tok, loopId);
    assertThat(lp.status()).as(lp.toString()).isEqualTo(200);
    JsonNode spun = finished(tok, launch(tok, loopId, "{}").get("id").asString());
    assertThat(spun.get("status").asString()).isEqualTo("ERROR");
    assertThat(spun.get("outcome").asString()).isEqualTo("actionLimit");
    JsonNode t = spun.get("trace");
    assertThat(t.get("actionCount").asInt()).isEqualTo(10_001);
    assertThat(t.get("actions").size() + t.get("droppedEntries").asInt()).isEqualTo(10_001);
    assertThat(t.get("actions").get(t.get("actions").size() - 1).get("type").asString())
        .isEqualTo("endWorkflow");
  }

  @Test
  void participantDataAndDisconnectAreRecordedForASimulatedCall() {
    String tok = api.token(server.newOrg());
    String id = flow(tok, "Attributes", "INBOUNDCALL");
    String yaml =
        """
        inboundCall:
          name: Attributes
          startUpRef: "/inboundCall/tasks/task[main]"
          tasks:
            - task:
                name: Main
                refId: main
                actions:
                  - setParticipantData:
                      name: Tag
                      attributes:
                        - attribute:
                            name:
                              lit: dialled
                            value:
                              exp: Call.CalledAddress
                        - attribute:
                            name:
                              lit: vip
                            value:
                              exp: 'ToString(Substring(Call.Ani, 0, 3) == "+65")'
                  - disconnect:
                      name: Bye
        """;
    assertThat(saveYaml(tok, id, yaml).status()).isEqualTo(200);
    var p = publish(tok, id);
    assertThat(p.status()).as(p.toString()).isEqualTo(200);
    JsonNode e =
        finished(
            tok,
            launch(tok, id, "{\"Call.Ani\":\"+6591234567\",\"Call.CalledAddress\":\"+6560000000\"}")
                .get("id")
                .asString());
    assertThat(e.get("completionReason").asString()).isEqualTo("disconnect");
    assertThat(e.get("trace").get("disconnected").asBoolean()).isTrue();
    assertThat(e.get("trace").get("participantData").get("dialled").asString())
        .isEqualTo("+6560000000");
    assertThat(e.get("trace").get("participantData").get("vip").asString()).isEqualTo("true");
    // Call.* are read-only inputs of the simulated call; nothing else may be passed to an
    // inbound-call flow.
    assertThat(
            api.post(
                    FLOWS + "/executions",
                    tok,
                    "{\"flowId\":\"" + id + "\",\"inputData\":{\"Task.x\":\"1\"}}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void publishAnswersEveryProblemAtOnceWithLineAndColumn() {
    String tok = api.token(server.newOrg());
    String foreignApi =
        dataAction(otherToken, "Foreign lookup " + UUID.randomUUID(), "/nowhere", 1000);
    String id = flow(tok, "Broken", "INBOUNDCALL");
    String yaml =
        """
        inboundCall:
          name: Broken
          startUpRef: "/inboundCall/tasks/task[main]"
          tasks:
            - task:
                name: Main
                refId: main
                actions:
                  - callData:
                      name: Lookup
                      category:
                        Any:
                          dataAction:
                            No such action:
                              inputs:
                                id:
                                  exp: Call.Ani
                  - callData:
                      name: Foreign
                      category:
                        Any:
                          dataAction:
                            %s:
                  - decision:
                      name: Broken expression
                      condition:
                        exp: 'Call.Ani == '
                  - decision:
                      name: Not a boolean
                      condition:
                        exp: Call.Ani
                  - updateData:
                      name: Wrong type
                      statements:
                        - integer:
                            variable: Task.count
                            value:
                              exp: '"seven"'
                  - setScreenPop:
                      name: Pop
                      screenPopScript:
                        Missing script:
                  - updateData:
                      name: Reserved
                      statements:
                        - string:
                            variable: Task.in
                            value:
                              lit: x
                  - jumpToTask:
                      name: Nowhere
                      targetTaskRef: "/inboundCall/tasks/task[nowhere]"
            - task:
                name: Island
                refId: island
                actions:
                  - updateData:
                      name: No exit
                      statements:
                        - string:
                            variable: Task.x
                            value:
                              lit: x
        """
            .formatted(foreignApi);
    assertThat(saveYaml(tok, id, yaml).status()).isEqualTo(200);
    var r = publish(tok, id);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    JsonNode body = r.json();
    assertThat(body.get("code").asString()).isEqualTo("flow.invalid");
    var messages = new ArrayList<String>();
    for (JsonNode e : body.get("errors")) {
      assertThat(e.get("messageParams").get("line").asInt()).isPositive();
      assertThat(e.get("messageParams").get("column").asInt()).isPositive();
      assertThat(e.get("messageParams").get("path").asString()).startsWith("/inboundCall");
      messages.add(e.get("message").asString());
    }
    assertThat(messages)
        .anySatisfy(m ->
            assertThat(m)
                .startsWith("line 14, column 21")
                .contains("unknown data action 'No such action'"))
        .anySatisfy(m -> assertThat(m).contains("unknown data action '" + foreignApi + "'"))
        .anySatisfy(
            m -> assertThat(m).startsWith("line 27, column 22").contains("does not compile"))
        .anySatisfy(m -> assertThat(m).contains("must be a boolean but 'Call.Ani' is a string"))
        .anySatisfy(m -> assertThat(m).contains("must be a integer but '\"seven\"' is a string"))
        .anySatisfy(m -> assertThat(m).contains("unknown script 'Missing script'"))
        .anySatisfy(m -> assertThat(m).contains("'in' is a reserved word in expressions"))
        .anySatisfy(m -> assertThat(m).contains("no task has the refId 'nowhere'"))
        .anySatisfy(m -> assertThat(m).contains("'Island' is unreachable"))
        .anySatisfy(m -> assertThat(m).contains("'Island' can reach its end without an exit"));
    // Nothing was published.
    assertThat(api.get(FLOWS + "/" + id, tok).json().has("publishedVersion")).isFalse();
    assertThat(api.post(FLOWS + "/executions", tok, "{\"flowId\":\"" + id + "\"}").status())
        .isEqualTo(400);
  }

  @Test
  void malformedDefinitionsAre400WithLineAndColumn() {
    String id = flow(token, "Malformed", "INBOUNDCALL");
    var r = saveYaml(token, id, "inboundCall:\n  name: x\n  tasks: [a, b\n  oops: 1\n");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("code").asString()).isEqualTo("flow.definition.malformed");
    assertThat(r.json().get("messageParams").get("line").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(r.json().get("message").asString()).contains("line ").contains("column ");

    var json =
        api.raw(
            "PUT",
            FLOWS + "/" + id + "/latestconfiguration",
            token,
            "{\"inboundCall\": {\"name\": }".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/json");
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.json().get("messageParams").get("line").asInt()).isEqualTo(1);

    // A definition is a mapping; a JSON null or a list is 400 even for an id that does not exist.
    var nullBody = api.put(FLOWS + "/" + id + "/latestconfiguration", token, "null");
    assertThat(nullBody.status()).isEqualTo(400);
    assertThat(api.put(FLOWS + "/no-such-flow/latestconfiguration", token, "[1]").status())
        .isEqualTo(400);
    assertThat(
            api.put(FLOWS + "/no-such-flow/latestconfiguration", token, "{\"workflow\":{}}")
                .status())
        .isEqualTo(404);

    var text =
        api.raw(
            "PUT",
            FLOWS + "/" + id + "/latestconfiguration",
            token,
            "a: b".getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "text/plain");
    assertThat(text.status()).isEqualTo(415);

    var deep = "a:\n" + "  - ".repeat(1) + "[".repeat(100) + "]".repeat(100) + "\n";
    var tooDeep = saveYaml(token, id, deep);
    assertThat(tooDeep.status()).isEqualTo(400);
    assertThat(tooDeep.json().get("code").asString()).isEqualTo("flow.definition.too.large");
    // Bounded input: the size (flows.max-definition-bytes, 256 KiB) and the number of actions.
    var big = saveYaml(token, id, "inboundCall:\n  name: \"" + "x".repeat(300 * 1024) + "\"\n");
    assertThat(big.status()).isEqualTo(413);
    var many =
        new StringBuilder(
            "inboundCall:\n"
                + "  name: Many\n"
                + "  startUpRef: \"/inboundCall/tasks/task[t]\"\n"
                + "  tasks:\n"
                + "    - task:\n"
                + "        name: T\n"
                + "        refId: t\n"
                + "        actions:\n");
    for (int i = 0; i < 2001; i++)
      many.append("          - disconnect:\n              name: d").append(i).append('\n');
    String manyId = flow(token, "Many", "INBOUNDCALL");
    assertThat(saveYaml(token, manyId, many.toString()).status()).isEqualTo(200);
    var tooMany = publish(token, manyId);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.body()).contains("the flow has 2001 actions; at most 2000 are allowed");
    // Nothing malformed was saved.
    assertThat(api.get(FLOWS + "/" + id + "/versions", token).json().get("total").asInt()).isZero();
  }

  @Test
  void theListingTakesIdsAndEveryGenesysFlowType() {
    String tok = api.token(server.newOrg());
    String other = api.token(server.newOrg());
    String a = flow(tok, "Ids A", "INBOUNDCALL");
    String b = flow(tok, "Ids B", "WORKFLOW");
    String c = flow(tok, "Ids C", "INBOUNDCALL");
    String foreign = flow(other, "Ids A", "INBOUNDCALL");
    IdFilterChecks.check(api, FLOWS, tok, List.of(a, b, c), other, foreign);
    assertThat(ids(page(api, "/api/v2/architect/flows?id=" + b, tok))).containsExactly(b);
    // As in Genesys, ids given, the other filters are not applied...
    assertThat(ids(page(api, FLOWS + "?id=" + a + "&type=workflow&name=nothing", tok)))
        .containsExactly(a);
    // ...but a word that is no Genesys flow type is still refused.
    assertThat(api.get(FLOWS + "?id=" + a + "&type=nonsense", tok).status()).isEqualTo(400);

    // A Genesys flow type Switchboard has no flows of matches none; mixed with ours, only ours.
    JsonNode bots = page(api, FLOWS + "?type=bot", tok);
    assertThat(ids(bots)).isEmpty();
    assertThat(bots.get("total").asLong()).isZero();
    assertThat(ids(page(api, FLOWS + "?type=inboundchat&type=COMMONMODULE", tok))).isEmpty();
    JsonNode mixed = page(api, FLOWS + "?type=WORKFLOW,bot,inboundchat", tok);
    assertThat(ids(mixed)).containsExactly(b);
    assertThat(mixed.get("total").asLong()).isEqualTo(1);
    assertThat(ids(page(api, FLOWS + "?type=digitalbot&type=inboundcall", tok)))
        .containsExactly(a, c);
    var unknown = api.get(FLOWS + "?type=WORKFLOW,bogus", tok);
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
    assertThat(unknown.json().get("code").asString()).isEqualTo("invalid.value");
    assertThat(unknown.json().get("message").asString())
        .contains("'bogus'")
        .contains("inboundchat");
  }

  @Test
  void flowsCrudListsVersionsAndKeepsOrgsApart() {
    String tok = api.token(server.newOrg());
    String a = flow(tok, "Alpha", "INBOUNDCALL");
    String b = flow(tok, "Beta", "WORKFLOW");
    assertThat(api.post(FLOWS, tok, "{\"name\":\"alpha\",\"type\":\"INBOUNDCALL\"}").status())
        .isEqualTo(409);
    assertThat(api.post(FLOWS, tok, "{\"name\":\"Gamma\",\"type\":\"BOT\"}").status())
        .isEqualTo(400);

    JsonNode got = api.get("/api/v2/architect/flows/" + a, tok).json();
    assertThat(got.get("name").asString()).isEqualTo("Alpha");
    assertThat(got.get("type").asString()).isEqualTo("INBOUNDCALL");
    assertThat(got.get("active").asBoolean()).isFalse();
    assertThat(got.get("deleted").asBoolean()).isFalse();
    assertThat(got.get("division").get("name").asString()).isEqualTo("Home");
    // The same Home division the org's users, scripts and wrap-up codes carry.
    assertThat(got.get("division").get("id").asString())
        .isEqualTo(
            api.get("/api/v2/authorization/divisions/home", tok).json().get("id").asString());
    assertThat(got.get("selfUri").asString()).isEqualTo(FLOWS + "/" + a);

    JsonNode all = api.get(FLOWS + "?pageSize=1", tok).json();
    assertThat(all.get("total").asInt()).isEqualTo(2);
    assertThat(all.get("pageCount").asInt()).isEqualTo(2);
    assertThat(all.get("entities").get(0).get("name").asString()).isEqualTo("Alpha");
    assertThat(
            api.get(FLOWS + "?type=WORKFLOW", tok)
                .json()
                .get("entities")
                .get(0)
                .get("id")
                .asString())
        .isEqualTo(b);
    // type is multi-valued: repeated (the Java SDK) or comma-joined (the JavaScript SDK), any case.
    assertThat(api.get(FLOWS + "?type=inboundcall,WORKFLOW", tok).json().get("total").asInt())
        .isEqualTo(2);
    assertThat(api.get(FLOWS + "?type=INBOUNDCALL&type=workflow", tok).json().get("total").asInt())
        .isEqualTo(2);
    assertThat(api.get(FLOWS + "?type=workflow,workflow", tok).json().get("total").asInt())
        .isEqualTo(1);
    assertThat(api.get(FLOWS + "?type=WORKFLOW,NOTATYPE", tok).status()).isEqualTo(400);
    assertThat(api.get(FLOWS + "?name=alp", tok).json().get("total").asInt()).isEqualTo(1);

    var renamed =
        api.put(
            FLOWS + "/" + a,
            tok,
            "{\"name\":\"Alpha 2\",\"description\":\"d\",\"type\":\"INBOUNDCALL\"}");
    assertThat(renamed.json().get("name").asString()).isEqualTo("Alpha 2");
    assertThat(
            api.put(FLOWS + "/" + a, tok, "{\"name\":\"Alpha 2\",\"type\":\"WORKFLOW\"}").status())
        .isEqualTo(400);

    String wf =
        "workflow:\n"
            + "  name: B\n"
            + "  startUpRef: \"/workflow/tasks/task[t]\"\n"
            + "  tasks:\n"
            + "    - task:\n"
            + "        name: T\n"
            + "        refId: t\n"
            + "        actions:\n"
            + "          - endWorkflow:\n"
            + "              name: End\n";
    String v1 = saveYaml(tok, b, wf).json().get("id").asString();
    var v2 =
        api.put(
            FLOWS + "/" + b + "/latestconfiguration",
            tok,
            "{\"workflow\":{\"name\":\"B\",\"startUpRef\":\"/workflow/tasks/task[t]\",\"tasks\":[{\"task\":{\"name\":\"T\",\"refId\":\"t\",\"actions\":[{\"endWorkflow\":{\"name\":\"Stop\"}}]}}]}}");
    assertThat(v2.status()).as(v2.toString()).isEqualTo(200);
    assertThat(v2.json().get("name").asString()).isEqualTo("2.0");
    JsonNode versions = api.get(FLOWS + "/" + b + "/versions", tok).json();
    assertThat(versions.get("total").asInt()).isEqualTo(2);
    assertThat(versions.get("entities").get(0).get("name").asString()).isEqualTo("2.0");
    JsonNode first = api.get(FLOWS + "/" + b + "/versions/" + v1 + "/configuration", tok).json();
    assertThat(
            first
                .get("workflow")
                .get("tasks")
                .get(0)
                .get("task")
                .get("actions")
                .get(0)
                .get("endWorkflow")
                .get("name")
                .asString())
        .isEqualTo("End");
    assertThat(publish(tok, b).status()).isEqualTo(200);
    JsonNode published = api.get(FLOWS + "/" + b, tok).json();
    assertThat(published.get("active").asBoolean()).isTrue();
    assertThat(published.get("publishedVersion").get("name").asString()).isEqualTo("2.0");

    // ?version= publishes that version of the flow, or nothing: here 1.0 goes back into service
    // while 2.0 stays the saved one, and a launch runs 1.0's End.
    var rollback = api.post(FLOWS + "/actions/publish?flow=" + b + "&version=" + v1, tok, null);
    assertThat(rollback.status()).as(rollback.toString()).isEqualTo(200);
    assertThat(rollback.json().get("publishedVersion").get("id").asString()).isEqualTo(v1);
    assertThat(rollback.json().get("savedVersion").get("name").asString()).isEqualTo("2.0");
    assertThat(actionNames(finished(tok, launch(tok, b, "{}").get("id").asString())))
        .singleElement()
        .asString()
        .startsWith("End:");
    String otherFlow = flow(tok, "Version elsewhere " + UUID.randomUUID(), "WORKFLOW");
    String elsewhere = saveYaml(tok, otherFlow, wf).json().get("id").asString();
    for (String wrong : List.of(elsewhere, UUID.randomUUID().toString())) {
      var refused = api.post(FLOWS + "/actions/publish?flow=" + b + "&version=" + wrong, tok, null);
      assertThat(refused.status()).as(wrong).isEqualTo(404);
      assertThat(api.get(FLOWS + "/" + b, tok).json().get("publishedVersion").get("id").asString())
          .as("unchanged")
          .isEqualTo(v1);
    }
    String v2Id = v2.json().get("id").asString();
    assertThat(
            api.post(FLOWS + "/actions/publish?flow=" + b + "&version=" + v2Id, tok, null)
                .json()
                .get("publishedVersion")
                .get("name")
                .asString())
        .isEqualTo("2.0");

    // The listing by published version: its id, and when it was published (Genesys's date forms).
    String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    String later = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
    for (var c :
        java.util.Map.of(
                "&publishVersionId=" + v2Id,
                1,
                "&publishVersionId=" + v1,
                0,
                "&publishedAfter=" + day,
                1,
                "&publishedAfter=2000-01-01T00:00:00.000-0600",
                1,
                "&publishedAfter=" + day + "T00:00:00Z&publishedBefore=" + later,
                1,
                "&publishedBefore=" + day,
                0,
                "&publishedAfter=" + later + "T00:00:00.000%2B01:00",
                0)
            .entrySet()) {
      var r = api.get(FLOWS + "?name=Beta" + c.getKey(), tok);
      assertThat(r.status()).as(c.getKey() + " -> " + r).isEqualTo(200);
      assertThat(r.json().get("total").asInt()).as(c.getKey()).isEqualTo(c.getValue());
    }
    for (String bad : List.of("yesterday", "%2B999999999-01-01", "2015-13-01")) {
      var badDate = api.get(FLOWS + "?publishedAfter=" + bad, tok);
      assertThat(badDate.status()).as(bad).isEqualTo(400);
      assertThat(badDate.json().get("messageParams").get("field").asString())
          .isEqualTo("publishedAfter");
    }

    // Reading flows needs architect (or architect:readonly); writing needs architect.
    var reader =
        api.post(
            "/api/v2/oauth/clients",
            tok,
            "{\"name\":\"reader\",\"scope\":[\"architect:readonly\"]}");
    String readerToken =
        api.token(reader.json().get("id").asString(), reader.json().get("secret").asString());
    assertThat(api.get(FLOWS + "/" + b, readerToken).status()).isEqualTo(200);
    var refused = api.post(FLOWS, readerToken, "{\"name\":\"Nope\",\"type\":\"WORKFLOW\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("code").asString()).isEqualTo("missing.scope");
    assertThat(publish(readerToken, b).status()).isEqualTo(403);

    // Another org sees none of it: 404 everywhere, as for ids that do not exist.
    assertThat(api.get(FLOWS + "/" + a, otherToken).status()).isEqualTo(404);
    assertThat(api.put(FLOWS + "/" + a, otherToken, "{\"name\":\"x\"}").status()).isEqualTo(404);
    assertThat(api.delete(FLOWS + "/" + a, otherToken).status()).isEqualTo(404);
    assertThat(api.get(FLOWS + "/" + b + "/versions", otherToken).status()).isEqualTo(404);
    assertThat(api.get(FLOWS + "/" + b + "/versions/" + v1 + "/configuration", otherToken).status())
        .isEqualTo(404);
    assertThat(saveYaml(otherToken, b, wf).status()).isEqualTo(404);
    assertThat(publish(otherToken, b).status()).isEqualTo(404);
    assertThat(api.post(FLOWS + "/executions", otherToken, "{\"flowId\":\"" + b + "\"}").status())
        .isEqualTo(404);
    String exec = launch(tok, b, "{}").get("id").asString();
    assertThat(finished(tok, exec).get("completionReason").asString()).isEqualTo("endWorkflow");
    assertThat(api.get(FLOWS + "/executions/" + exec, otherToken).status()).isEqualTo(404);
    assertThat(api.get(FLOWS, otherToken).json().get("total").asInt()).isZero();

    assertThat(api.delete(FLOWS + "/" + a, tok).status()).isEqualTo(204);
    assertThat(api.get(FLOWS + "/" + a, tok).status()).isEqualTo(404);
    // The execution keeps its version after its flow is gone.
    assertThat(api.delete(FLOWS + "/" + b, tok).status()).isEqualTo(204);
    assertThat(
            api.get(FLOWS + "/executions/" + exec, tok)
                .json()
                .get("flowVersion")
                .get("name")
                .asString())
        .isEqualTo("2.0");
  }
}

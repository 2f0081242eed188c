package io.switchboard.server.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * The admin console in a real Chromium: an admin signs in through the real sign-in page, watches a
 * rate-limit bucket cross 80 % while another client of the org bursts (the flag appears and the
 * refusals are counted), then reads a flow execution's trace as a timeline (action names, attempts,
 * retries, cache) and sees a publish error at its line. Screenshots in target/screenshots/.
 */
class ConsoleBrowserIT {
  static final String FLOWS = "/api/v2/flows";
  static final String GROUP_KEY = "group.scripts.rate.per.minute";
  static final int GROUP_LIMIT = 20;
  static final java.util.regex.Pattern NO_REFUSALS =
      java.util.regex.Pattern.compile("(?<![0-9])0 refused in the last");

  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String admin;
  static String clientId;

  @BeforeAll
  static void start() {
    // Egress to the test's own upstream on loopback (refused by default).
    server = TestServer.start(Map.of(SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    upstream = Upstream.start();
    api = server.api();
    admin = api.token(server.newOrg());
    clientId = PageFixtures.signInClient(api, admin, server.baseUrl());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  @Test
  void anAdminSeesABucketCrossEightyPercentAndReadsAFlowTrace() throws Exception {
    String flowId = flowWithADataAction();
    String first = runToEnd(flowId);
    String second = runToEnd(flowId);

    var user = PageFixtures.user(api, admin, "Ada Admin", "admin");
    try (var browser = new Browser()) {
      browser.open(server.baseUrl() + "/console/?client_id=" + clientId);
      browser.signIn(user.username(), user.password());
      browser.awaitText(By.id("who"), "Ada Admin");
      // The admin lowers one endpoint group's limit in the console, so a small burst crosses 80 %
      // quickly (the console itself never calls that group).
      By bucket = By.cssSelector("#usage-buckets [data-key='" + GROUP_KEY + "']");
      assertThat(browser.driver().findElements(bucket)).isEmpty();
      WebElement limit = browser.visible(By.cssSelector("[data-limit='" + GROUP_KEY + "']"));
      limit.clear();
      limit.sendKeys(Integer.toString(GROUP_LIMIT));
      browser.driver().findElement(By.id("limits-save")).click();
      var js = (JavascriptExecutor) browser.driver();
      String selector = "#usage-buckets [data-key='" + GROUP_KEY + "']";
      // The rows are redrawn every 2 s: each look at a row is one snapshot taken in the page.
      Map<String, Object> row = browser.await(d -> bucketRow(js, selector));
      var limits = api.get("/api/v2/organizations/limits/namespaces/platform.api", admin).json();
      boolean lowered = false;
      for (JsonNode l : limits.get("entities"))
        if (l.get("key").asString().equals(GROUP_KEY))
          lowered = l.get("value").asInt() == GROUP_LIMIT;
      assertThat(lowered).as(limits.toString()).isTrue();
      assertThat(row.get("flagged")).isEqualTo("false");
      assertThat(row.get("flag")).isNull();
      assertThat((String) row.get("text")).contains("of " + GROUP_LIMIT);

      // The burst: another client of the org (the org's admin client) reads scripts, 4 a second,
      // until the console flags the bucket (at most 60 s, so at most 240 requests).
      var stop = new AtomicBoolean();
      var sent = new AtomicInteger();
      var refused = new AtomicInteger();
      Thread burst =
          Thread.ofVirtual()
              .start(() -> {
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!stop.get() && System.nanoTime() < end) {
                  int status = api.get("/api/v2/scripts", admin).status();
                  sent.incrementAndGet();
                  if (status == 429) refused.incrementAndGet();
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      try {
        // Flagged, with the refusals counted once the burst has run the bucket dry.
        row =
            browser.await(d -> {
              var r = bucketRow(js, selector);
              return r != null
                      && "true".equals(r.get("flagged"))
                      && refused.get() > 0
                      && !NO_REFUSALS.matcher((String) r.get("text")).find()
                  ? r
                  : null;
            });
      } finally {
        stop.set(true);
        burst.join();
      }
      assertThat(Integer.parseInt((String) row.get("percent"))).isGreaterThanOrEqualTo(80);
      assertThat((String) row.get("flag")).contains("80 %");
      assertThat((String) row.get("text"))
          .containsPattern("[1-9][0-9]* refused in the last minute");
      assertThat((String) row.get("summary")).contains("1 at or above 80 %");
      assertThat(sent.get()).isLessThanOrEqualTo(240);
      // The console names its own token's bucket: it reads the token id from its own token.
      browser.awaitText(By.id("usage-buckets"), "This console\u2019s token");
      // The README's picture of the console (docs/images/console.png when regenerated): the top of
      // the page, where the flagged bucket is (saving the limits scrolled the page down).
      ((org.openqa.selenium.JavascriptExecutor) browser.driver())
          .executeScript("window.scrollTo(0, 0)");
      browser.screenshot("console");

      // Flows: the list, the flow's executions and outcome counts, the latency histogram.
      browser.visible(By.id("tab-flows")).click();
      assertThat(browser.driver().findElement(By.id("tab-flows")).getAttribute("aria-selected"))
          .isEqualTo("true");
      browser.visible(By.cssSelector("[data-flow='Console trace']")).click();
      browser.visible(By.cssSelector("[data-execution='" + first + "']"));
      assertThat(
              browser
                  .driver()
                  .findElement(By.cssSelector("#flow-executions [data-outcome='completed']"))
                  .getText())
          .isEqualTo("completed: 2");
      assertThat(browser.driver().findElements(By.cssSelector("#flow-histogram svg .hist-bar")))
          .isNotEmpty();
      assertThat(
              browser.driver().findElement(By.cssSelector("#flow-histogram figcaption")).getText())
          .startsWith("2 finished executions");

      // The first execution's trace: the data action retried after a 429 and missed the cache.
      browser.driver().findElement(By.cssSelector("[data-execution='" + first + "']")).click();
      browser.awaitText(By.id("trace-summary"), first);
      var lookup = browser.visible(By.cssSelector("#trace-timeline [data-action='Lookup']"));
      assertThat(lookup.getText())
          .contains("attempts 2")
          .contains("retries 1")
          .contains("cache miss");
      assertThat(lookup.findElements(By.cssSelector("svg.trace-bar rect.trace-fill"))).hasSize(1);
      assertThat(browser.driver().findElement(By.id("trace-timeline")).getText())
          .contains("Remember");
      browser.screenshot("console-trace");

      // The second one answered from the cache: no request sent.
      browser.driver().findElement(By.cssSelector("[data-execution='" + second + "']")).click();
      browser.awaitText(By.id("trace-summary"), second);
      assertThat(
              browser.visible(By.cssSelector("#trace-timeline [data-action='Lookup']")).getText())
          .contains("cache hit")
          .contains("attempts 0");

      // A definition naming an unknown data action: publish shows the error at its line.
      String source =
          (String) js.executeScript("return document.getElementById('flow-source').value");
      assertThat(source).contains("Busy once");
      int line = lineOf(source, "Busy once");
      js.executeScript(
          "const a = document.getElementById('flow-source');"
              + " a.value = a.value.replace('Busy once', 'No such API');"
              + " a.dispatchEvent(new Event('input'));");
      browser.driver().findElement(By.id("flow-publish")).click();
      WebElement at = browser.visible(By.cssSelector("#flow-errors button[data-line]"));
      assertThat(at.getAttribute("data-line")).isEqualTo(Integer.toString(line));
      assertThat(browser.driver().findElement(By.id("flow-errors")).getText())
          .contains("No such API");
      assertThat(
              browser
                  .driver()
                  .findElement(By.cssSelector(".gutter .err"))
                  .getAttribute("data-line"))
          .isEqualTo(Integer.toString(line));
      // The published version is untouched: the flow still runs with the data action.
      assertThat(
              api.get(FLOWS + "/" + flowId, admin)
                  .json()
                  .get("publishedVersion")
                  .get("name")
                  .asString())
          .isEqualTo("1.0");
      browser.screenshot("console-publish-error");
    }
  }

  @Test
  void theOtherTabsTestAnApiKeepSecretsWriteOnlyShowQueuesRotateASecretOnceAndManageFaults() {
    // An API to test, a queue with an idle agent, and a partner client whose secret is rotated.
    upstream.on("/customer", (ex, req) -> Upstream.json(ex, 200, "{\"tier\":\"silver\"}"));
    var created =
        api.post(
            "/api/v2/architect/external-apis",
            admin,
            "{\"name\":\"Customer\",\"method\":\"GET\",\"url\":\""
                + upstream.url("/customer")
                + "?id=${input.customerId}\",\"timeout\":5000,"
                + "\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    // A Genesys data action on the same upstream, in an integration without a credential.
    var integration =
        api.post(
            "/api/v2/integrations",
            admin,
            "{\"name\":\"CRM actions\",\"integrationType\":{\"id\":\"custom-rest-actions\"},"
                + "\"intendedState\":\"ENABLED\"}");
    assertThat(integration.status()).as(integration.body()).isEqualTo(201);
    var action =
        api.post(
            "/api/v2/integrations/actions",
            admin,
            "{\"name\":\"Customer tier\",\"category\":\"CRM\",\"integrationId\":\""
                + integration.json().get("id").asString()
                + "\",\"secure\":false,\"config\":{\"request\":{\"requestUrlTemplate\":\""
                + upstream.url("/customer")
                + "?id=$esc.url($input.customerId)\",\"requestType\":\"GET\"},"
                + "\"response\":{\"translationMap\":{\"tier\":\"$.tier\"},\"successTemplate\":\"{\\\"tier\\\":"
                + " ${tier}}\"}},\"contract\":{\"input\":{\"inputSchema\":{\"type\":\"object\","
                + "\"required\":[\"customerId\"],\"properties\":{\"customerId\":{\"type\":\"string\"}}}},"
                + "\"output\":{\"successSchema\":{\"type\":\"object\","
                + "\"properties\":{\"tier\":{\"type\":\"string\"}}}}}}");
    assertThat(action.status()).as(action.body()).isEqualTo(201);
    String actionId = action.json().get("id").asString();
    var agent = PageFixtures.user(api, admin, "Alan Agent", "agent");
    var queue = api.post("/api/v2/routing/queues", admin, "{\"name\":\"Support\"}");
    assertThat(queue.status()).as(queue.body()).isEqualTo(200);
    String queueId = queue.json().get("id").asString();
    assertThat(
            api.post(
                    "/api/v2/routing/queues/" + queueId + "/members",
                    admin,
                    "[{\"id\":\"" + agent.id() + "\"}]")
                .status())
        .isEqualTo(204);
    assertThat(
            api.put(
                    "/api/v2/users/" + agent.id() + "/routingstatus",
                    admin,
                    "{\"status\":\"IDLE\"}")
                .status())
        .isEqualTo(200);
    // An IVR number whose flow queues every call on Support.
    String flowId =
        api.post(FLOWS, admin, "{\"name\":\"To support\",\"type\":\"INBOUNDCALL\"}")
            .json()
            .get("id")
            .asString();
    String toQueue =
        """
        inboundCall:
          name: To support
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
                          name: Support
        """;
    assertThat(
            api.raw(
                    "PUT",
                    FLOWS + "/" + flowId + "/latestconfiguration",
                    admin,
                    toQueue.getBytes(StandardCharsets.UTF_8),
                    "Content-Type",
                    "application/yaml")
                .status())
        .isEqualTo(200);
    assertThat(api.post(FLOWS + "/actions/publish?flow=" + flowId, admin, null).status())
        .isEqualTo(200);
    String dnis = "+6568880001";
    var ivr =
        api.post(
            "/api/v2/architect/ivrs",
            admin,
            "{\"name\":\"Main line\",\"dnis\":[\""
                + dnis
                + "\"],\"openHoursFlow\":{\"id\":\""
                + flowId
                + "\"}}");
    assertThat(ivr.status()).as(ivr.body()).isEqualTo(200);
    var partner =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"Partner app\",\"authorizedGrantType\":\"CLIENT-CREDENTIALS\","
                + "\"scope\":[\"scripts\"]}");
    assertThat(partner.status()).as(partner.body()).isEqualTo(201);
    String partnerId = partner.json().get("id").asString();
    String oldSecret = partner.json().get("secret").asString();

    var user = PageFixtures.user(api, admin, "Grace Admin", "admin");
    try (var browser = new Browser()) {
      var driver = browser.driver();
      var js = (JavascriptExecutor) driver;
      browser.open(server.baseUrl() + "/console/?client_id=" + clientId);
      browser.signIn(user.username(), user.password());
      browser.awaitText(By.id("who"), "Grace Admin");

      // Data actions: test the API with an input; the request, timing, outputs and circuit.
      browser.visible(By.id("tab-integrations")).click();
      browser.visible(By.cssSelector("[data-api='Customer']")).click();
      js.executeScript(
          "const a = document.getElementById('api-inputs');"
              + " a.value = JSON.stringify({customerId: 'c-42'});");
      driver.findElement(By.id("api-test")).click();
      var result = browser.visible(By.cssSelector("#api-test-result [data-success]"));
      assertThat(result.getAttribute("data-success")).isEqualTo("true");
      String report = driver.findElement(By.id("api-test-result")).getText();
      assertThat(report)
          .contains("GET " + upstream.url("/customer") + "?id=c-42")
          .contains("HTTP 200")
          .contains("1 attempt")
          .contains("\"tier\": \"silver\"");
      assertThat(
              driver
                  .findElement(By.cssSelector("#api-test-result [data-circuit]"))
                  .getAttribute("data-circuit"))
          .isEqualTo("closed");
      assertThat(upstream.received("/customer")).hasSize(1);

      // A data action: tested with its input, step by step, to its output.
      browser.visible(By.cssSelector("[data-action-id='" + actionId + "']")).click();
      js.executeScript(
          "document.getElementById('action-inputs').value = JSON.stringify({customerId: 'c-7'});");
      driver.findElement(By.id("action-test")).click();
      var actionResult = browser.visible(By.cssSelector("#action-test-result [data-success]"));
      assertThat(actionResult.getAttribute("data-success"))
          .as(driver.findElement(By.id("action-test-result")).getText())
          .isEqualTo("true");
      assertThat(driver.findElement(By.id("action-test-result")).getText())
          .contains("Execute")
          .contains("\"tier\": \"silver\"");
      assertThat(upstream.received("/customer")).hasSize(2);

      // Credentials: the secret is typed into a password box and never comes back.
      String secret = "s3cret-" + java.util.UUID.randomUUID();
      var form = driver.findElement(By.id("credential-form"));
      form.findElement(By.cssSelector(".field input[type=text]")).sendKeys("CRM login");
      form.findElement(By.cssSelector("[data-field='username']")).sendKeys("svc");
      WebElement password = form.findElement(By.cssSelector("[data-field='password']"));
      assertThat(password.getAttribute("type")).isEqualTo("password");
      password.sendKeys(secret);
      form.findElement(By.cssSelector("button[type=submit]")).click();
      browser.awaitText(By.id("credentials"), "password set");
      assertThat(driver.findElement(By.id("credentials")).getText()).contains("CRM login");
      assertThat(
              (Boolean)
                  js.executeScript(
                      "return [...document.querySelectorAll('input')].some(i => i.value ==="
                          + " arguments[0]) || document.body.textContent.includes(arguments[0])",
                      secret))
          .isFalse();
      assertThat(api.get("/api/v2/integrations/credentials", admin).body()).doesNotContain(secret);

      // Calls and queues: the queue's depth (observations) and the agent's routing status.
      browser.visible(By.id("tab-calls")).click();
      String depth = "[data-queue-depth='Support']";
      browser.await(d -> "0".equals(textOf(js, depth)));
      browser.awaitText(By.id("queues"), "1 IDLE");
      browser.awaitText(By.id("agents"), "Alan Agent");
      assertThat(driver.findElement(By.id("agents")).getText()).contains("IDLE");
      // Live: the agent goes off queue elsewhere; the page hears it on the notification socket.
      browser.awaitText(By.id("calls-live"), "Live: watching");
      assertThat(
              api.put(
                      "/api/v2/users/" + agent.id() + "/routingstatus",
                      admin,
                      "{\"status\":\"OFF_QUEUE\"}")
                  .status())
          .isEqualTo(200);
      browser.awaitText(By.id("agents"), "OFF_QUEUE");
      browser.awaitText(By.id("queues"), "nobody");
      // A call arrives while nobody is on queue: it waits (depth 1) and shows as a live call.
      var call =
          api.post(
              "/api/v2/conversations/calls",
              admin,
              "{\"from\":\"+6590001234\",\"to\":\"" + dnis + "\"}");
      assertThat(call.status()).as(call.body()).isEqualTo(201);
      browser.await(d -> "1".equals(textOf(js, depth)));
      browser.awaitText(By.id("live-calls"), "+6590001234");
      assertThat(driver.findElement(By.id("live-calls")).getText()).contains("waiting");
      browser.screenshot("console-calls");
      // The agent comes back: the ACD gives them the call; the queue empties.
      assertThat(
              api.put(
                      "/api/v2/users/" + agent.id() + "/routingstatus",
                      admin,
                      "{\"status\":\"IDLE\"}")
                  .status())
          .isEqualTo(200);
      browser.awaitText(By.id("live-calls"), "Alan Agent");
      browser.await(d -> "0".equals(textOf(js, depth)));

      // Clients and roles: a rotated secret is shown once, works, and is gone after Done.
      browser.visible(By.id("tab-access")).click();
      browser.awaitText(By.id("roles"), "admin");
      browser.visible(By.cssSelector("[data-rotate='" + partnerId + "']")).click();
      browser.await(d -> d.switchTo().alert()).accept();
      WebElement shown = browser.visible(By.id("secret-value"));
      String rotated = shown.getAttribute("value");
      assertThat(rotated).isNotBlank().isNotEqualTo(oldSecret);
      assertThat(api.token(partnerId, rotated)).isNotBlank();
      assertThat(
              api.tokenRequest(
                      Api.basic(partnerId, oldSecret), Map.of("grant_type", "client_credentials"))
                  .status())
          .isEqualTo(401);
      assertThat(
              (String)
                  js.executeScript(
                      "return JSON.stringify(sessionStorage) + JSON.stringify(localStorage)"))
          .doesNotContain(rotated);
      assertThat(driver.getCurrentUrl()).doesNotContain(rotated);
      browser.screenshot("console-secret");
      driver.findElement(By.xpath("//div[@id='new-secret']//button[text()='Done']")).click();
      browser.await(d -> d.findElements(By.id("secret-value")).isEmpty());

      // Faults: apply a scenario, see its rules, clear them all.
      browser.visible(By.id("tab-faults")).click();
      browser.awaitText(By.id("fault-rules"), "No fault rules");
      browser
          .visible(By.xpath("//div[@id='fault-scenarios']//tr[td[1]='flaky-crm']//button"))
          .click();
      browser.awaitText(By.id("fault-rules"), "flaky-crm");
      assertThat(api.get("/api/v2/switchboard/faults", admin).json().get("total").asInt())
          .isPositive();
      browser.screenshot("console-faults");
      driver.findElement(By.id("faults-clear")).click();
      browser.await(d -> d.switchTo().alert()).accept();
      browser.awaitText(By.id("fault-rules"), "No fault rules");
      assertThat(api.get("/api/v2/switchboard/faults", admin).json().get("total").asInt()).isZero();

      // Keyboard: the tabs follow the arrow keys.
      driver.findElement(By.id("tab-faults")).sendKeys(org.openqa.selenium.Keys.ARROW_LEFT);
      browser.await(
          d -> "true".equals(d.findElement(By.id("tab-access")).getAttribute("aria-selected")));
      assertThat(js.executeScript("return document.activeElement.id")).isEqualTo("tab-access");
    }
  }

  /** One bucket row as the page shows it now, read in one script (null while it is absent). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> bucketRow(JavascriptExecutor js, String selector) {
    return (Map<String, Object>)
        js.executeScript(
            "const e = document.querySelector(arguments[0]); if (!e) return null;"
                + " const f = e.querySelector('.flag');"
                + " return {flagged: e.dataset.flagged, percent: e.dataset.percent,"
                + " flag: f ? f.textContent : null, text: e.innerText,"
                + " summary: document.getElementById('usage-summary').textContent};",
            selector);
  }

  /** The text of the first element matching {@code selector} now (null when there is none). */
  static String textOf(JavascriptExecutor js, String selector) {
    return (String)
        js.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            selector);
  }

  static int lineOf(String text, String part) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) if (lines[i].contains(part)) return i + 1;
    throw new AssertionError(part + " not in the definition");
  }

  /**
   * A workflow whose callData (cached for a minute) calls an API that answers 429 with Retry-After:
   * 1 once, then 200: the first execution retries and misses the cache, the second hits it.
   */
  static String flowWithADataAction() {
    var calls = new AtomicInteger();
    upstream.on(
        "/tier",
        (ex, req) -> {
          if (calls.incrementAndGet() == 1) {
            ex.getResponseHeaders().add("Retry-After", "1");
            Upstream.json(ex, 429, "{}");
          } else Upstream.json(ex, 200, "{\"tier\":\"gold\"}");
        });
    var created =
        api.post(
            "/api/v2/architect/external-apis",
            admin,
            "{\"name\":\"Busy once\",\"method\":\"GET\",\"url\":\""
                + upstream.url("/tier")
                + "\",\"timeout\":5000,\"retry\":2,"
                + "\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id =
        api.post(FLOWS, admin, "{\"name\":\"Console trace\",\"type\":\"WORKFLOW\"}")
            .json()
            .get("id")
            .asString();
    String yaml =
        """
        workflow:
          name: Console trace
          startUpRef: "/workflow/tasks/task[t]"
          variables:
            - stringVariable:
                name: Flow.tier
                initialValue:
                  lit: none
                isOutput: true
          tasks:
            - task:
                name: T
                refId: t
                actions:
                  - callData:
                      name: Lookup
                      cache:
                        ttl: 60s
                      category:
                        Any:
                          dataAction:
                            Busy once:
                              successOutputs:
                                tier: Flow.tier
                      outputs:
                        success:
                          actions:
                            - updateData:
                                name: Remember
                                statements:
                                  - string:
                                      variable: Flow.tier
                                      value:
                                        exp: 'Append("tier-", Flow.tier)'
                  - endWorkflow:
                      name: Done
        """;
    var saved =
        api.raw(
            "PUT",
            FLOWS + "/" + id + "/latestconfiguration",
            admin,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    var published = api.post(FLOWS + "/actions/publish?flow=" + id, admin, null);
    assertThat(published.status()).as(published.body()).isEqualTo(200);
    return id;
  }

  static String runToEnd(String flowId) {
    var r = api.post(FLOWS + "/executions", admin, "{\"flowId\":\"" + flowId + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.json().get("id").asString();
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          last[0] = api.get(FLOWS + "/executions/" + id, admin).json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    assertThat(last[0].get("outcome").asString()).as(last[0].toString()).isEqualTo("completed");
    return id;
  }
}

package io.switchboard.server.externalapis;

import static io.switchboard.server.testing.Upstream.json;
import static io.switchboard.server.testing.Upstream.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The engine through {@code POST .../{id}/test}, against a real loopback upstream. */
class ExternalApiEngineIT {
  static final String BASE = "/api/v2/architect/external-apis";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final long BREAKER_WAIT_MS = 600;
  static final MutableClock clock = new MutableClock();
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String token;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                SettingKeys.BREAKER_MINIMUM_CALLS, "4",
                SettingKeys.BREAKER_FAILURE_RATE, "50",
                SettingKeys.BREAKER_WINDOW, "60",
                SettingKeys.BREAKER_OPEN_MILLIS, Long.toString(BREAKER_WAIT_MS),
                // The Upstream stands in for a partner API on loopback, which egress refuses by
                // default.
                SettingKeys.EGRESS_ALLOW, "127.0.0.1"),
            null,
            clock);
    upstream = Upstream.start();
    api = server.api();
    token = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static String createApi(String json) {
    var r = api.post(BASE, token, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static String getApi(String name, String path, String extra) {
    return createApi(
        "{\"name\":\""
            + name
            + "\",\"method\":\"GET\",\"url\":\""
            + upstream.url(path)
            + "\""
            + (extra.isEmpty() ? "" : "," + extra)
            + "}");
  }

  static JsonNode run(String id, String inputs) {
    var r =
        api.post(
            BASE + "/" + id + "/test",
            token,
            inputs == null ? null : "{\"inputs\":" + inputs + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aSuccessfulCallMapsOutputsByPathAndCel() {
    upstream.on(
        "/ok",
        (ex, req) ->
            json(
                ex,
                200,
                "{\"customer\":{\"name\":\"Ada\",\"tier\":\"gold\",\"cases\":[{\"id\":7},{\"id\":9}]}}"));
    String id =
        getApi(
            "ok",
            "/ok",
            "\"responseMapping\":{\"outputs\":{\"name\":\"$.customer.name\",\"firstCase\":\"$.customer.cases[0].id\",\"vip\":\"body.customer.tier"
                + " == 'gold'\",\"caseIds\":\"body.customer.cases.map(c, c.id)\",\"ok\":\"status =="
                + " 200\"}}");
    JsonNode report = run(id, null);
    assertThat(report.get("success").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("status").asInt()).isEqualTo(200);
    assertThat(report.get("attempts").asInt()).isEqualTo(1);
    assertThat(report.get("latencyMs").asLong()).isBetween(0L, 2000L);
    assertThat(report.get("circuit").asString()).isEqualTo("closed");
    assertThat(report.has("error")).isFalse();
    assertThat(report.get("outputs"))
        .isEqualTo(
            JSON.readTree(
                "{\"name\":\"Ada\",\"firstCase\":7,\"vip\":true,\"caseIds\":[7,9],\"ok\":true}"));
    assertThat(upstream.received("/ok").get(0).header("Accept")).isEqualTo("application/json");
  }

  @Test
  void aSlowApiTimesOutOnTime() {
    upstream.on(
        "/slow",
        (ex, req) -> {
          upstream.hang(10_000);
          json(ex, 200, "{}");
        });
    String id = getApi("slow", "/slow", "\"timeout\":1000,\"retry\":3");
    long started = System.nanoTime();
    JsonNode report = run(id, null);
    long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("error").get("kind").asString()).isEqualTo("timeout");
    assertThat(report.get("error").get("detail").asString()).contains("1000 ms");
    assertThat(report.has("status")).isFalse();
    assertThat(report.get("attempts").asInt()).isEqualTo(1);
    assertThat(report.get("latencyMs").asLong()).as(report.toString()).isBetween(1000L, 1100L);
    assertThat(wallMs).isGreaterThanOrEqualTo(1000L).isLessThan(1600L);
  }

  @Test
  void a429WithRetryAfterIsRetriedAfterTheGivenWait() {
    var hits = new AtomicInteger();
    upstream.on(
        "/busy",
        (ex, req) -> {
          if (hits.incrementAndGet() == 1)
            json(ex, 429, "{\"message\":\"slow down\"}", "Retry-After", "1");
          else json(ex, 200, "{\"answer\":42}");
        });
    String id =
        getApi(
            "busy",
            "/busy",
            "\"timeout\":5000,\"retry\":1,\"responseMapping\":{\"outputs\":{\"answer\":\"$.answer\"}}");
    JsonNode report = run(id, null);
    assertThat(report.get("success").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("attempts").asInt()).isEqualTo(2);
    assertThat(report.get("outputs").get("answer").asInt()).isEqualTo(42);
    var received = upstream.received("/busy");
    assertThat(received).hasSize(2);
    long gapMs =
        TimeUnit.NANOSECONDS.toMillis(received.get(1).atNanos() - received.get(0).atNanos());
    assertThat(gapMs).isBetween(1000L, 1500L);
    assertThat(report.get("latencyMs").asLong()).isGreaterThanOrEqualTo(1000L);
  }

  @Test
  void aRetryAfterBeyondTheBudgetIsNotWaitedFor() {
    upstream.on("/later", (ex, req) -> json(ex, 429, "{}", "Retry-After", "5"));
    String id = getApi("later", "/later", "\"timeout\":2000,\"retry\":3");
    JsonNode report = run(id, null);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(report.get("error").get("detail").asString())
        .contains("Retry-After 5 s")
        .contains("2000 ms budget");
    assertThat(report.get("status").asInt()).isEqualTo(429);
    assertThat(report.get("attempts").asInt()).isEqualTo(1);
    assertThat(report.get("latencyMs").asLong()).isLessThan(1000L);
  }

  @Test
  void a503HtmlPageIsACleanHttpFailureAfterTheRetries() {
    upstream.on(
        "/maintenance",
        (ex, req) ->
            reply(
                ex,
                503,
                "text/html; charset=utf-8",
                "<html><body><h1>Down for maintenance</h1></body></html>"));
    String id =
        getApi(
            "maintenance",
            "/maintenance",
            "\"timeout\":5000,\"retry\":2,\"responseMapping\":{\"outputs\":{\"x\":\"$.x\"}}");
    JsonNode report = run(id, null);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("status").asInt()).isEqualTo(503);
    assertThat(report.get("attempts").asInt()).isEqualTo(3);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(report.get("error").get("detail").asString())
        .contains("503")
        .contains("text/html")
        .doesNotContain("<html>");
    assertThat(upstream.received("/maintenance")).hasSize(3);
  }

  @Test
  void anHtmlPageWithA200IsAnInvalidResponseNotAParserCrash() {
    upstream.on("/html200", (ex, req) -> reply(ex, 200, "text/html", "<html>maintenance</html>"));
    upstream.on("/badjson", (ex, req) -> json(ex, 200, "{\"a\": [1, 2,,]}"));
    upstream.on("/nofield", (ex, req) -> json(ex, 200, "{\"other\":1}"));
    JsonNode html = run(getApi("html200", "/html200", ""), null);
    assertThat(html.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(html.get("error").get("detail").asString()).contains("text/html");
    JsonNode bad = run(getApi("badjson", "/badjson", ""), null);
    assertThat(bad.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(bad.get("error").get("detail").asString()).contains("malformed JSON at line 1");
    JsonNode missing =
        run(
            getApi(
                "nofield",
                "/nofield",
                "\"responseMapping\":{\"outputs\":{\"tier\":\"$.customer.tier\"}}"),
            null);
    assertThat(missing.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(missing.get("error").get("detail").asString())
        .contains("tier")
        .contains("$.customer.tier");
  }

  @Test
  void a404IsNotRetried() {
    upstream.on("/missing", (ex, req) -> json(ex, 404, "{\"message\":\"no such customer\"}"));
    String id = getApi("missing", "/missing", "\"retry\":3");
    JsonNode report = run(id, null);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("status").asInt()).isEqualTo(404);
    assertThat(report.get("attempts").asInt()).isEqualTo(1);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(report.get("error").get("detail").asString())
        .contains("404")
        .contains("no such customer");
    assertThat(upstream.received("/missing")).hasSize(1);
  }

  @Test
  void aRefusedConnectionIsAnHttpFailure() throws Exception {
    int closedPort;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String id =
        createApi(
            "{\"name\":\"refused\",\"method\":\"GET\",\"url\":\"http://127.0.0.1:"
                + closedPort
                + "/x\",\"retry\":3}");
    JsonNode report = run(id, null);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(report.get("error").get("detail").asString()).contains("could not connect");
    assertThat(report.get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void theBodyIsBuiltAsJsonSoAnyInputIsEscapedCorrectly() {
    upstream.on("/echo", (ex, req) -> json(ex, 200, req.body()));
    String id =
        createApi(
            "{\"name\":\"echo\",\"method\":\"POST\",\"url\":\""
                + upstream.url("/echo")
                + "/${input.path}?q=${input.q}\",\"headers\":[{\"key\":\"X-Subject\",\"value\":\"s=${input.tag}\"}],\"requestTemplate\":{\"subject\":\"${input.subject}\",\"line\":\"Re:"
                + " ${input.subject}"
                + " (${input.count})\",\"count\":\"${input.count}\",\"nested\":{\"obj\":\"${input.obj}\",\"list\":[\"${input.customer.id}\",1,null]}},"
                + "\"responseMapping\":{\"outputs\":{\"echoed\":\"$\"}}}");
    String subject = "He said \"hi\"\n\tthen \\ left </script> \u2028 ${input.q} é";
    var inputs = JSON.createObjectNode();
    inputs.put("subject", subject);
    inputs.put("count", 3);
    inputs.put("q", "a b&c=d/é");
    inputs.put("path", "../admin");
    inputs.put("tag", "a b&c \"quoted\"");
    inputs.set("obj", JSON.readTree("{\"a\":[1,2],\"b\":null}"));
    inputs.set("customer", JSON.readTree("{\"id\":\"C-1\"}"));
    JsonNode report = run(id, inputs.toString());
    assertThat(report.get("success").asBoolean()).as(report.toString()).isTrue();
    var received = upstream.received("/echo").get(0);
    assertThat(received.header("Content-Type")).startsWith("application/json");
    JsonNode sent = JSON.readTree(received.body());
    assertThat(sent.get("subject").asString()).isEqualTo(subject);
    assertThat(sent.get("line").asString()).isEqualTo("Re: " + subject + " (3)");
    assertThat(sent.get("count").isInt()).isTrue();
    assertThat(sent.get("nested").get("obj")).isEqualTo(JSON.readTree("{\"a\":[1,2],\"b\":null}"));
    assertThat(sent.get("nested").get("list")).isEqualTo(JSON.readTree("[\"C-1\",1,null]"));
    assertThat(received.rawUri()).isEqualTo("/echo/..%2Fadmin?q=a%20b%26c%3Dd%2F%C3%A9");
    assertThat(received.header("X-Subject")).isEqualTo("s=a b&c \"quoted\"");
    assertThat(report.get("outputs").get("echoed")).isEqualTo(sent);
  }

  @Test
  void missingInputsAndHeaderInjectionAreRefusedBeforeAnyCall() {
    upstream.on("/guarded", (ex, req) -> json(ex, 200, "{}"));
    String id =
        createApi(
            "{\"name\":\"guarded\",\"method\":\"GET\",\"url\":\""
                + upstream.url("/guarded")
                + "/${input.id}\",\"headers\":[{\"key\":\"X-Id\",\"value\":\"${input.tag}\"}]}");
    var missing = api.post(BASE + "/" + id + "/test", token, "{\"inputs\":{\"tag\":\"t\"}}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("messageParams").get("field").asString()).isEqualTo("inputs.id");
    var injected =
        api.post(
            BASE + "/" + id + "/test",
            token,
            "{\"inputs\":{\"id\":\"1\",\"tag\":\"t\\r\\nX-Evil: 1\"}}");
    assertThat(injected.status()).isEqualTo(400);
    var notObject = api.post(BASE + "/" + id + "/test", token, "{\"inputs\":[1]}");
    assertThat(notObject.status()).isEqualTo(400);
    assertThat(upstream.received("/guarded")).isEmpty();
  }

  @Test
  void credentialsAreAttachedByType() {
    upstream.on("/auth", (ex, req) -> json(ex, 200, "{}"));
    String basic =
        credential(
            "{\"name\":\"basic\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"basic\",\"credentialFields\":{\"username\":\"svc\",\"password\":\"p:ss"
                + " wörd\"}}");
    String bearer =
        credential(
            "{\"name\":\"bearer\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"bearer\",\"credentialFields\":{\"token\":\"static-token-1\"}}");
    String key =
        credential(
            "{\"name\":\"key\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"api-key\",\"credentialFields\":{\"headerName\":\"X-API-Key\",\"apiKey\":\"k-123\"}}");
    run(getApi("basic auth", "/auth", "\"credentialId\":\"" + basic + "\""), null);
    run(getApi("bearer auth", "/auth", "\"credentialId\":\"" + bearer + "\""), null);
    run(getApi("key auth", "/auth", "\"credentialId\":\"" + key + "\""), null);
    var got = upstream.received("/auth");
    assertThat(got).hasSize(3);
    assertThat(got.get(0).header("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("svc:p:ss wörd".getBytes(StandardCharsets.UTF_8)));
    assertThat(got.get(1).header("Authorization")).isEqualTo("Bearer static-token-1");
    assertThat(got.get(2).header("X-API-Key")).isEqualTo("k-123");
    assertThat(got.get(2).header("Authorization")).isNull();
  }

  @Test
  void oauth2TokensAreCachedRefreshedBeforeExpiryAndRenewedAfterA401() {
    var issued = new AtomicInteger();
    var revoked = new AtomicReference<String>("");
    String expectedBasic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("crm-client:crm-secret".getBytes(StandardCharsets.UTF_8));
    upstream.on(
        "/token",
        (ex, req) -> {
          if (!expectedBasic.equals(req.header("Authorization"))
              || !req.body().contains("grant_type=client_credentials")
              || !req.body().contains("scope=crm.read+crm.write")) {
            json(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
          }
          json(
              ex,
              200,
              "{\"access_token\":\"tok-"
                  + issued.incrementAndGet()
                  + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        });
    upstream.on(
        "/crm",
        (ex, req) -> {
          String auth = req.header("Authorization");
          if (auth == null
              || !auth.startsWith("Bearer tok-")
              || auth.equals("Bearer " + revoked.get())) json(ex, 401, "{}");
          // The token's serial only: a report never shows the access token itself (it is redacted).
          else json(ex, 200, "{\"token\":\"" + auth.substring(11) + "\"}");
        });
    String cred =
        credential(
            "{\"name\":\"oauth\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\""
                + upstream.url("/token")
                + "\",\"clientId\":\"crm-client\",\"clientSecret\":\"crm-secret\",\"scopes\":[\"crm.read\",\"crm.write\"]}}");
    String id =
        getApi(
            "oauth",
            "/crm",
            "\"credentialId\":\""
                + cred
                + "\",\"responseMapping\":{\"outputs\":{\"token\":\"$.token\"}}");

    for (int i = 0; i < 3; i++)
      assertThat(run(id, null).get("outputs").get("token").asString()).isEqualTo("1");
    assertThat(issued.get()).isEqualTo(1);

    // 55 s before expiry (inside the 60 s refresh window): this call still uses tok-1, a refresh
    // starts.
    clock.advance(Duration.ofSeconds(3545));
    assertThat(run(id, null).get("outputs").get("token").asString()).isEqualTo("1");
    await().atMost(Duration.ofSeconds(5)).until(() -> issued.get() == 2);
    assertThat(run(id, null).get("outputs").get("token").asString()).isEqualTo("2");

    // The API revokes tok-2: the engine drops it, fetches tok-3 and tries again, once.
    revoked.set("tok-2");
    JsonNode renewed = run(id, null);
    assertThat(renewed.get("success").asBoolean()).as(renewed.toString()).isTrue();
    assertThat(renewed.get("outputs").get("token").asString()).isEqualTo("3");
    assertThat(renewed.get("attempts").asInt()).isEqualTo(2);

    // Past expiry: the call waits for a new token.
    clock.advance(Duration.ofSeconds(3700));
    assertThat(run(id, null).get("outputs").get("token").asString()).isEqualTo("4");
  }

  @Test
  void aTokenEndpointThatRefusesIsAReportedFailure() {
    upstream.on(
        "/token-denied",
        (ex, req) ->
            json(ex, 401, "{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}"));
    upstream.on("/never", (ex, req) -> json(ex, 200, "{}"));
    String cred =
        credential(
            "{\"name\":\"denied\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\""
                + upstream.url("/token-denied")
                + "?tenant=x\",\"clientId\":\"c\",\"clientSecret\":\"never-shown-secret\"}}");
    JsonNode report = run(getApi("denied", "/never", "\"credentialId\":\"" + cred + "\""), null);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(report.get("error").get("detail").asString())
        .contains("token request to " + upstream.url("/token-denied"))
        .contains("401")
        .doesNotContain("tenant")
        .doesNotContain("never-shown-secret");
    assertThat(report.get("attempts").asInt()).isEqualTo(0);
    assertThat(upstream.received("/never")).isEmpty();
  }

  @Test
  void theCircuitOpensAfterTheThresholdAndClosesAfterItsWait() {
    var healthy = new AtomicReference<Boolean>(false);
    upstream.on(
        "/flaky",
        (ex, req) -> {
          if (healthy.get()) json(ex, 200, "{}");
          else json(ex, 503, "{\"message\":\"down\"}");
        });
    String id = getApi("flaky", "/flaky", "\"retry\":0");
    assertThat(circuit(id)).isEqualTo("closed");
    assertThat(api.get("/api/v2/architect/external-apis/no-such-api/circuit", token).status())
        .isEqualTo(404);
    // Threshold: 50% of at least 4 calls in 60 s.
    for (int i = 0; i < 3; i++) {
      JsonNode r = run(id, null);
      assertThat(r.get("error").get("kind").asString()).isEqualTo("http");
      assertThat(r.get("circuit").asString()).isEqualTo("closed");
    }
    // Taken before the fourth call: the breaker opens inside it, at some moment before its answer
    // arrives, so only a time taken before the call is a lower bound of the opening.
    long openedAt = System.nanoTime();
    JsonNode fourth = run(id, null);
    assertThat(fourth.get("error").get("kind").asString()).isEqualTo("http");
    assertThat(fourth.get("circuit").asString()).isEqualTo("open");
    assertThat(circuit(id)).isEqualTo("open");

    JsonNode refused = run(id, null);
    assertThat(refused.get("error").get("kind").asString()).isEqualTo("circuit-open");
    assertThat(refused.get("attempts").asInt()).isEqualTo(0);
    assertThat(refused.has("status")).isFalse();
    assertThat(upstream.received("/flaky")).hasSize(4);

    healthy.set(true);
    await()
        .pollInterval(Duration.ofMillis(50))
        .atMost(Duration.ofSeconds(5))
        .until(() -> run(id, null).get("success").asBoolean());
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt);
    assertThat(waitedMs).isGreaterThanOrEqualTo(BREAKER_WAIT_MS);
    assertThat(upstream.received("/flaky")).hasSize(5);
    JsonNode after = run(id, null);
    assertThat(after.get("success").asBoolean()).isTrue();
    assertThat(after.get("circuit").asString()).isEqualTo("closed");
    assertThat(circuit(id)).isEqualTo("closed");
  }

  /** {@code GET .../{id}/circuit}: what the console shows per API. */
  static String circuit(String id) {
    var r = api.get("/api/v2/architect/external-apis/" + id + "/circuit", token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("id").asString()).isEqualTo(id);
    return r.json().get("state").asString();
  }

  @Test
  void clientErrorsDoNotOpenTheCircuit() {
    upstream.on("/bad-request", (ex, req) -> json(ex, 400, "{}"));
    String id = getApi("bad request", "/bad-request", "");
    for (int i = 0; i < 6; i++)
      assertThat(run(id, null).get("circuit").asString()).isEqualTo("closed");
    assertThat(upstream.received("/bad-request")).hasSize(6);
  }

  @Test
  void anOversizedAnswerIsAnInvalidResponse() {
    upstream.on("/huge", (ex, req) -> json(ex, 200, "[\"" + "x".repeat(1_100_000) + "\"]"));
    JsonNode report = run(getApi("huge", "/huge", ""), null);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("invalid-response");
    assertThat(report.get("error").get("detail").asString()).contains("exceeds 1048576 bytes");
  }

  static String credential(String json) {
    var r = api.post("/api/v2/integrations/credentials", token, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The wire contract for errors: ErrorBody everywhere, stable codes, correlation ids in exact case.
 */
class ErrorContractIT {
  static TestServer server;
  static Api api;
  static String token;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    token = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Stream<Arguments> badBodies() {
    String big = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\",\"scope\":[\"scripts\"]}";
    return Stream.of(
        Arguments.of(
            "malformed JSON",
            "application/json",
            "{\"name\": \"x\", \"scope\": [",
            400,
            "bad.request"),
        Arguments.of("not JSON at all", "application/json", "name=x", 400, "bad.request"),
        Arguments.of("empty body", "application/json", "", 400, "bad.request"),
        Arguments.of("whitespace body", "application/json", "  \n ", 400, "bad.request"),
        Arguments.of(
            "JSON array instead of object", "application/json", "[1,2]", 400, "invalid.value"),
        Arguments.of(
            "number where a string belongs",
            "application/json",
            "{\"name\": 42, \"scope\": [\"scripts\"]}",
            400,
            "invalid.value"),
        Arguments.of(
            "string where a number belongs",
            "application/json",
            "{\"name\": \"x\", \"scope\": [\"scripts\"], \"accessTokenValiditySeconds\": \"600\"}",
            400,
            "invalid.value"),
        Arguments.of(
            "number too large for its field",
            "application/json",
            "{\"name\": \"x\", \"scope\": [\"scripts\"], \"accessTokenValiditySeconds\":"
                + " 99999999999999999999}",
            400,
            "invalid.value"),
        Arguments.of(
            "fraction where a whole number belongs",
            "application/json",
            "{\"name\": \"x\", \"scope\": [\"scripts\"], \"accessTokenValiditySeconds\": 600.5}",
            400,
            "invalid.value"),
        Arguments.of(
            "object where a list belongs",
            "application/json",
            "{\"name\": \"x\", \"scope\": {\"a\": 1}}",
            400,
            "invalid.value"),
        Arguments.of(
            "misspelt field is ignored, so the required scope is missing",
            "application/json",
            "{\"name\": \"x\", \"scopes\": [\"scripts\"]}",
            400,
            "invalid.value"),
        Arguments.of(
            "trailing garbage",
            "application/json",
            "{\"name\": \"x\", \"scope\": [\"scripts\"]} {}",
            400,
            "bad.request"),
        Arguments.of(
            "missing required name",
            "application/json",
            "{\"scope\": [\"scripts\"]}",
            400,
            "invalid.value"),
        Arguments.of("2 MiB body", "application/json", big, 413, "request.entity.too.large"),
        Arguments.of(
            "wrong content type",
            "text/plain",
            "{\"name\": \"x\", \"scope\": [\"scripts\"]}",
            415,
            "unsupported.media.type"),
        Arguments.of(
            "no content type",
            null,
            "{\"name\": \"x\", \"scope\": [\"scripts\"]}",
            415,
            "unsupported.media.type"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badBodiesGetTheirStatusAndCodeAndWriteNothing(
      String label, String contentType, String body, int status, String code) {
    long before = api.get("/api/v2/oauth/clients", token).json().get("total").asLong();
    var r =
        contentType == null
            ? api.raw("POST", "/api/v2/oauth/clients", token, body.getBytes(StandardCharsets.UTF_8))
            : api.raw(
                "POST",
                "/api/v2/oauth/clients",
                token,
                body.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                contentType);
    assertThat(r.status()).as(label).isEqualTo(status);
    JsonNode error = r.json();
    assertThat(error.get("code").asString()).as(label).isEqualTo(code);
    assertThat(error.get("status").asInt()).isEqualTo(status);
    assertThat(error.get("contextId").asString())
        .isEqualTo(r.header(Correlation.HEADER).orElseThrow());
    assertThat(error.has("messageParams")).isTrue();
    assertThat(error.has("details")).isTrue();
    assertThat(error.has("errors")).isTrue();
    assertThat(api.get("/api/v2/oauth/clients", token).json().get("total").asLong())
        .as("nothing written")
        .isEqualTo(before);
  }

  @Test
  void malformedJsonNamesLineAndColumn() {
    var r =
        api.post(
            "/api/v2/oauth/clients",
            token,
            "{\n  \"name\": \"x\",\n  \"scope\": [\"scripts\" \"oauth\"]\n}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("messageParams").get("line").asInt()).isEqualTo(3);
    assertThat(r.json().get("messageParams").get("column").asInt()).isGreaterThan(10);
    assertThat(r.json().get("message").asString()).contains("line 3");
  }

  @Test
  void oversizedBodyIsRefusedFromItsDeclaredLength() {
    var raw =
        RawHttp.exchange(
            server.port(),
            "POST",
            "/api/v2/oauth/clients",
            List.of(
                "Authorization: Bearer " + token,
                "Content-Type: application/json",
                "Content-Length: 5000000"),
            null);
    assertThat(raw.statusLine()).contains("413");
  }

  @Test
  void anOversizedBodyThatIsSentAnywayStillGetsIts413() {
    // The refusal comes before the body is read; the rest of the body (up to four times the limit)
    // is read and dropped after the answer, so the sender reads the 413 rather than a reset.
    byte[] body =
        ("{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 20; i++) {
      var r =
          api.raw("POST", "/api/v2/oauth/clients", token, body, "Content-Type", "application/json");
      assertThat(r.status()).as("attempt %d", i).isEqualTo(413);
      assertThat(r.json().get("code").asString()).isEqualTo("request.entity.too.large");
    }
  }

  @Test
  void unknownRouteIs404ErrorBody() {
    var r = api.get("/api/v2/does/not/exist", token);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("code").asString()).isEqualTo("not.found");
  }

  /** What the route table must keep of Javalin's matching, over HTTP (RouteTableTest: the rest). */
  @Test
  void routesMatchWithATrailingSlashAndDecodedParameters() {
    var byId = api.get("/api/v2/oauth/clients/a%2Fb%20c+d", token);
    assertThat(byId.status()).isEqualTo(404);
    assertThat(byId.json().get("messageParams").get("id").asString()).isEqualTo("a/b c+d");
    assertThat(api.get("/api/v2/oauth/clients/", token).status()).isEqualTo(200);
    assertThat(api.get("/api/v2/oauth/clients//", token).status()).isEqualTo(404);
    assertThat(api.get("/api/v2/OAUTH/clients", token).status()).isEqualTo(404);
    // The route's scope is the matched route's: a token without it is refused there.
    assertThat(api.get("/api/v2/oauth/clients", null).status()).isEqualTo(401);
  }

  @Test
  void wrongMethodIs405ErrorBody() {
    var r =
        api.raw(
            "PUT",
            "/api/v2/oauth/clients",
            token,
            "{}".getBytes(),
            "Content-Type",
            "application/json");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.json().get("code").asString()).isEqualTo("method.not.allowed");
  }

  @Test
  void correlationIdHeaderHasExactCaseOnSuccessAndError() {
    var ok =
        RawHttp.exchange(
            server.port(),
            "GET",
            "/api/v2/oauth/clients",
            List.of("Authorization: Bearer " + token),
            null);
    assertThat(ok.statusLine()).contains("200");
    assertThat(ok.exactHeader("ININ-Correlation-Id")).isNotBlank();

    var error =
        RawHttp.exchange(
            server.port(),
            "GET",
            "/api/v2/oauth/clients/nope",
            List.of("Authorization: Bearer " + token),
            null);
    assertThat(error.statusLine()).contains("404");
    String id = error.exactHeader("ININ-Correlation-Id");
    assertThat(id).isNotBlank();
    assertThat(error.body()).contains("\"contextId\":\"" + id + "\"");

    var unauthenticated =
        RawHttp.exchange(server.port(), "GET", "/api/v2/oauth/clients", List.of(), null);
    assertThat(unauthenticated.statusLine()).contains("401");
    assertThat(unauthenticated.exactHeader("ININ-Correlation-Id")).isNotBlank();
  }

  @Test
  void saneCallerCorrelationIdIsEchoedAndInsaneOneReplaced() {
    var echoed = api.get("/api/v2/oauth/clients", token, "ININ-Correlation-Id", "my-trace-123");
    assertThat(echoed.header("ININ-Correlation-Id")).contains("my-trace-123");
    var replaced =
        api.get("/api/v2/oauth/clients/x", token, "ININ-Correlation-Id", "bad value <script>");
    assertThat(replaced.header("ININ-Correlation-Id").orElseThrow())
        .isNotEqualTo("bad value <script>")
        .matches("[0-9a-f-]{36}");
    assertThat(replaced.json().get("contextId").asString())
        .isEqualTo(replaced.header("ININ-Correlation-Id").orElseThrow());
  }

  @Test
  void datesAreUtcWithExactlyMilliseconds() {
    var r = api.get("/api/v2/oauth/clients", token);
    String date = r.json().get("entities").get(0).get("dateCreated").asString();
    assertThat(date).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  }

  @Test
  void healthReportsDatabaseAndMetricsCountRequestsByRoute() {
    var health = api.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("database").asString()).isEqualTo("UP");
    api.get("/api/v2/oauth/clients", token);
    var metrics = api.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"/api/v2/oauth/clients\",status=\"200\"}");
    assertThat(metrics.body()).contains("jvm_memory_used_bytes");
  }

  /**
   * Admission runs in the matched route's handler. The HEAD of a GET route is that GET without its
   * body (its admission, scope and status), and a HEAD route of its own has its scope. None of them
   * may answer without a token, and a HEAD that matches nothing is a 404 whoever asks.
   */
  @Test
  void headRequestsAreAdmittedLikeTheirRoutes() {
    assertThat(api.raw("HEAD", "/api/v2/oauth/clients", null, null).status()).isEqualTo(401);
    assertThat(api.raw("HEAD", "/api/v2/oauth/clients", token, null).status()).isEqualTo(200);
    assertThat(api.raw("HEAD", "/api/v2/no/such/route", null, null).status()).isEqualTo(404);
    assertThat(api.raw("HEAD", "/api/v2/no/such/route", token, null).status()).isEqualTo(404);

    String channel = "/api/v2/notifications/channels/" + java.util.UUID.randomUUID();
    assertThat(api.raw("HEAD", channel, null, null).status()).isEqualTo(401);
    var client =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"h\",\"scope\":[\"scripts\"]}");
    String scriptsOnly =
        api.token(client.json().get("id").asString(), client.json().get("secret").asString());
    assertThat(api.raw("HEAD", channel, scriptsOnly, null).status())
        .as("the HEAD route's own scope (notifications) is checked")
        .isEqualTo(403);
    assertThat(api.raw("HEAD", channel, token, null).status()).isEqualTo(404);

    assertThat(api.raw("HEAD", "/api/v2/oauth/clients", scriptsOnly, null).status())
        .as("the GET route's scope (oauth) is checked for its HEAD")
        .isEqualTo(403);
    assertThat(api.raw("HEAD", "/api/v2/scripts/no-such-script", token, null).status())
        .as("the GET's own answer: no such script")
        .isEqualTo(404);
  }
}

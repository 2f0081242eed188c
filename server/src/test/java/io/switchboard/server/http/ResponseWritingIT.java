package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers held as bytes are written by {@link RequestSteps}' last step instead of Javalin's writer:
 * whole, with their length, once, logged once, and larger ones than the response buffer too.
 */
class ResponseWritingIT {
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

  @Test
  void aSessionCookieIsIgnoredAndNoAnswerStartsASession() {
    // The servlet context keeps no sessions (NoSessionsHandler; only a WebSocket upgrade makes one,
    // for Javalin): a request naming one is answered as any other, and no answer sets a session
    // cookie.
    var raw =
        RawHttp.exchange(
            server.port(),
            ("GET /api/v2/oauth/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token
                    + "\r\nCookie: JSESSIONID=node0abc123.node0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(raw.statusLine()).contains(" 200 ");
    assertThat(raw.headerLines())
        .noneMatch(line -> line.regionMatches(true, 0, "Set-Cookie", 0, 10));
    var page =
        RawHttp.exchange(
            server.port(),
            "GET /oauth/authorize?client_id=x&response_type=code&redirect_uri=http://localhost/cb HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(page.statusLine()).doesNotContain(" 500 ");
    assertThat(page.headerLines()).noneMatch(line -> line.contains("JSESSIONID"));
  }

  @Test
  void aSmallAnswerCarriesItsLengthAndWholeBody() {
    var raw =
        RawHttp.exchange(
            server.port(),
            ("GET /api/v2/oauth/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(raw.statusLine()).contains(" 200 ");
    byte[] body = raw.body().getBytes(StandardCharsets.UTF_8);
    assertThat(raw.exactHeader("Content-Length")).isEqualTo(Integer.toString(body.length));
    assertThat(JsonMapper.builder().build().readTree(body).get("entities").size()).isPositive();
    // Every header once, in the case it was written (ResponseFieldsHandler copies them for Jetty's
    // generator).
    assertThat(
            raw.headerLines().stream()
                .map(line -> line.substring(0, line.indexOf(':')))
                .filter(name -> !name.equals("Connection"))
                .toList())
        .containsExactlyInAnyOrder(
            "Date",
            "Content-Type",
            "ININ-Correlation-Id",
            "inin-ratelimit-count",
            "inin-ratelimit-allowed",
            "inin-ratelimit-reset",
            "RateLimit-Policy",
            "RateLimit",
            "Content-Length");
    // An error is written the same way: an ErrorBody with its length.
    var missing =
        RawHttp.exchange(
            server.port(),
            ("GET /api/v2/scripts/no-such-script HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer "
                    + token
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(missing.statusLine()).contains(" 404 ");
    assertThat(missing.exactHeader("Content-Length"))
        .isEqualTo(Integer.toString(missing.body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(missing.body()).contains("\"code\":\"not.found\"");
  }

  /**
   * The API document (over 64 KiB) is larger than Jetty's 8 KiB aggregation: sent in one write with
   * its length all the same.
   */
  @Test
  void anAnswerLargerThanTheResponseBufferArrivesWholeWithItsLength() {
    var r = api.get("/api/v2/docs/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().length()).isGreaterThan(64 * 1024);
    assertThat(r.header("Content-Length"))
        .hasValue(Integer.toString(r.body().getBytes(StandardCharsets.UTF_8).length));
    var document = JsonMapper.builder().build().readTree(r.body());
    assertThat(document.get("openapi").asString()).startsWith("3.");
    assertThat(document.get("paths").size()).isGreaterThan(50);
  }

  /** The GET's answer without its body; a public GET route's HEAD needs no token either. */
  @Test
  void aHeadOfAGetRouteHasNoBody() {
    var head =
        RawHttp.exchange(
            server.port(),
            "HEAD /api/v2/oauth/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                .concat(token)
                .concat("\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(head.statusLine()).contains(" 200 ");
    assertThat(head.body()).isEmpty();
    assertThat(head.exactHeader("inin-ratelimit-allowed")).as("admitted and counted").isNotNull();
    var docs = api.raw("HEAD", "/api/v2/docs/openapi.json", null, null);
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.body()).isEmpty();
    assertThat(docs.header("ETag")).isPresent();
  }

  /**
   * A route that sets its ETag without asking {@code ETags.notModified} (a credential) still
   * answers 304 to the tag it gave: Javalin's writer answers such a request, as before ours
   * existed.
   */
  @Test
  void aGetWithTheETagItWasGivenIsNotModified() {
    var created =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"etag\",\"allowedHosts\":[\"127.0.0.1\"],\"type\":\"bearer\","
                + "\"credentialFields\":{\"token\":\"t-1\"}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String path = "/api/v2/integrations/credentials/" + created.json().get("id").asString();
    var first = api.get(path, token);
    String etag = first.header("ETag").orElseThrow();
    var again = api.get(path, token, "If-None-Match", etag);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(api.get(path, token, "If-None-Match", "\"other\"").status()).isEqualTo(200);
  }

  /** Logged (and counted) once per request: not by both writers, not by neither. */
  @Test
  void eachRequestIsCountedOnce() {
    String route = "/api/v2/oauth/clients";
    long before = count(route, 200);
    for (int i = 0; i < 7; i++) assertThat(api.get(route, token).status()).isEqualTo(200);
    assertThat(count(route, 200) - before).isEqualTo(7);
    long missingBefore = count("/api/v2/scripts/{id}", 404);
    assertThat(api.get("/api/v2/scripts/no-such-script", token).status()).isEqualTo(404);
    assertThat(count("/api/v2/scripts/{id}", 404) - missingBefore).isEqualTo(1);
  }

  private static long count(String route, int status) {
    String metrics = api.get("/metrics", null).body();
    Matcher m =
        Pattern.compile(
                "http_server_requests_seconds_count\\{method=\"GET\",route=\""
                    + Pattern.quote(route)
                    + "\",status=\""
                    + status
                    + "\"} ([0-9.E]+)")
            .matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}

package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 10, item 10: what Jetty refuses before our handlers run was an HTML page or an empty body.
 * Now every such answer is an ErrorBody whose {@code contextId} is the response's correlation id.
 * Raw sockets, since no client library sends these requests.
 */
class JettyErrorsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static byte[] bytes(String ascii, byte[] raw, String after) {
    var out = new ByteArrayOutputStream();
    out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(raw);
    out.writeBytes(after.getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private static String tail() {
    return "Host: 127.0.0.1:" + server.port() + "\r\nConnection: close\r\n\r\n";
  }

  /** The answer is the given status, as JSON ErrorBody with the correlation id of the response. */
  private static JsonNode assertErrorBody(RawHttp.RawResponse r, int status) {
    assertThat(r.statusLine()).as(r.toString()).startsWith("HTTP/1.1 " + status);
    assertThat(r.exactHeader("Content-Type")).as(r.toString()).startsWith("application/json");
    String correlation = r.exactHeader("ININ-Correlation-Id");
    assertThat(correlation).as(r.toString()).isNotBlank();
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("code").asString()).isNotBlank();
    assertThat(body.get("message").asString()).isNotBlank();
    assertThat(body.get("contextId").asString()).isEqualTo(correlation);
    assertThat(r.body()).doesNotContain("<html", "Jetty", "Exception");
    return body;
  }

  @Test
  void anEncodedNulInThePathIsAJson400() {
    var r =
        RawHttp.exchange(
            server.port(),
            "GET",
            "/api/v2/scripts/%00",
            List.of("ININ-Correlation-Id: mine-123"),
            null);
    JsonNode body = assertErrorBody(r, 400);
    assertThat(body.get("code").asString()).isEqualTo("bad.request");
    // Refused while parsing, before the request exists: a new correlation id, not the caller's.
  }

  @Test
  void badUtf8AndControlCharactersInThePathAreJson400() {
    assertErrorBody(
        RawHttp.exchange(
            server.port(),
            bytes(
                "GET /api/v2/scripts/",
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF},
                " HTTP/1.1\r\n" + tail())),
        400);
    assertErrorBody(
        RawHttp.exchange(
            server.port(),
            bytes("GET /api/v2/scripts/%C3%28", new byte[0], " HTTP/1.1\r\n" + tail())),
        400);
    assertErrorBody(
        RawHttp.exchange(
            server.port(),
            bytes("GET /api/v2/scr", new byte[] {0x01}, "ipts HTTP/1.1\r\n" + tail())),
        400);
  }

  @Test
  void badUtf8AndControlCharactersInTheContentTypeAreJson400() {
    String post =
        "POST /api/v2/scripts HTTP/1.1\r\nContent-Length: 2\r\nContent-Type: application/json";
    assertErrorBody(
        RawHttp.exchange(server.port(), bytes(post, new byte[] {0x01}, "\r\n" + tail() + "{}")),
        400);
    assertErrorBody(
        RawHttp.exchange(
            server.port(),
            bytes(
                post,
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x7F},
                "\r\n" + tail() + "{}")),
        400);
  }

  @Test
  void aUriTooLongIsAJson414AndHeadersTooLargeAreAJson431() {
    var longUri =
        RawHttp.exchange(
            server.port(), "GET", "/api/v2/scripts?q=" + "a".repeat(20_000), List.of(), null);
    assertThat(assertErrorBody(longUri, 414).get("code").asString()).isEqualTo("uri.too.long");
    var bigHeader =
        RawHttp.exchange(
            server.port(), "GET", "/api/v2/scripts", List.of("X-Big: " + "b".repeat(20_000)), null);
    assertErrorBody(bigHeader, 431);
  }

  @Test
  void aGarbledRequestLineIsAJson400() {
    assertErrorBody(
        RawHttp.exchange(
            server.port(), ("GARBAGE\r\n" + tail()).getBytes(StandardCharsets.ISO_8859_1)),
        400);
    assertErrorBody(
        RawHttp.exchange(
            server.port(),
            ("GET /api/v2/scripts HTTP/1.1\r\nBad Header Name: x\r\n" + tail())
                .getBytes(StandardCharsets.ISO_8859_1)),
        400);
  }
}

package io.switchboard.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP helper for acceptance tests: real requests, parsed answers, nothing mocked. */
public final class Api {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Api(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonNode json() {
      return body == null || body.isEmpty() ? MAPPER.missingNode() : MAPPER.readTree(body);
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** A token for the client, by HTTP Basic. Fails the test if the server refuses. */
  public String token(String clientId, String secret) {
    Response r = tokenRequest(basic(clientId, secret), Map.of("grant_type", "client_credentials"));
    if (r.status() != 200) throw new AssertionError("token request failed: " + r);
    return r.json().get("access_token").asString();
  }

  public String token(TestServer.OrgAccess org) {
    return token(org.clientId(), org.clientSecret());
  }

  public Response tokenRequest(String authorization, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    var b =
        HttpRequest.newBuilder(URI.create(baseUrl + "/oauth/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    return send(b.build());
  }

  public static String basic(String id, String secret) {
    return "Basic "
        + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  public Response get(String path, String token, String... headers) {
    return send(request(path, token, headers).GET().build());
  }

  public Response delete(String path, String token, String... headers) {
    return send(request(path, token, headers).DELETE().build());
  }

  public Response post(String path, String token, String json, String... headers) {
    return send(
        request(path, token, withJson(headers))
            .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json))
            .build());
  }

  public Response put(String path, String token, String json, String... headers) {
    return send(
        request(path, token, withJson(headers))
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public Response patch(String path, String token, String json, String... headers) {
    return send(
        request(path, token, withJson(headers))
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** Any method, any body bytes, exactly the headers given (no default Content-Type). */
  public Response raw(String method, String path, String token, byte[] body, String... headers) {
    return send(
        request(path, token, headers)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  private static String[] withJson(String[] headers) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Content-Type")) return headers;
    }
    String[] out = java.util.Arrays.copyOf(headers, headers.length + 2);
    out[headers.length] = "Content-Type";
    out[headers.length + 1] = "application/json";
    return out;
  }

  private HttpRequest.Builder request(String path, String token, String... headers) {
    var b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return b;
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

package io.switchboard.cli.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain HTTP to one named node (or the balancer) for the cluster checks: each answer's status and
 * headers as the server sent them, with no retries, caching or pacing in between, so a check sees
 * which node said what.
 */
final class ClusterHttp {
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** One answer; a request that got none is status 0 with the exception's text as body. */
  record Answer(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    String header(String name) {
      return headers == null ? null : headers.firstValue(name).orElse(null);
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A client-credentials token from {@code base}. */
  String token(String base, String clientId, String clientSecret) {
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    var request =
        HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type="
                        + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8)))
            .build();
    Answer a = exchange(request);
    if (!a.ok()) throw new IllegalStateException("token request to " + base + ": " + a.status());
    return a.json().get("access_token").asString();
  }

  Answer get(String url, String token) {
    return send("GET", url, token, null);
  }

  /** {@code headers}: name, value, name, value ... */
  Answer send(String method, String url, String token, String json, String... headers) {
    var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
    if (token != null) b.header("Authorization", "Bearer " + token);
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    if (json != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return exchange(b.build());
  }

  /** A PUT of a YAML document (a flow definition). */
  Answer sendYaml(String url, String token, String yaml) {
    var request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/yaml")
            .PUT(HttpRequest.BodyPublishers.ofString(yaml))
            .build();
    return exchange(request);
  }

  private Answer exchange(HttpRequest request) {
    try {
      var r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      return new Answer(0, null, String.valueOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, null, "interrupted");
    }
  }
}

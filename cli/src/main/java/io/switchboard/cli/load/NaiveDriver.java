package io.switchboard.cli.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the field reports wrote by hand (seeds 000 and 002): no caching, no batching, and a retry
 * decorator that retries 429 after a fixed 1, 2, 4, 8, 16 s, ignoring {@code Retry-After} and any
 * deadline. Kept deliberately as written, to be measured against the library on the same server.
 */
final class NaiveDriver implements AgentDriver {
  private static final long[] DELAYS_SECONDS = {1, 2, 4, 8, 16};
  private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");

  private final HttpClient http;
  private final String baseUrl;
  private final Fixture.Credentials credentials;
  private final String scriptId;
  private final LongAdder requests = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private String token;

  NaiveDriver(String baseUrl, Fixture.Credentials credentials, String scriptId, HttpClient http) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.credentials = credentials;
    this.scriptId = scriptId;
  }

  @Override
  public String login(Fixture.Agent agent, Instant deadline) {
    try {
      HttpResponse<String> script =
          withRetry(() ->
              send(
                  HttpRequest.newBuilder(
                          URI.create(baseUrl + "/api/v2/scripts/published/" + scriptId))
                      .GET()));
      if (script.statusCode() != 200) return code(script);
      String body =
          "{\"scriptId\":\""
              + scriptId
              + "\",\"conversationId\":\""
              + agent.conversationId()
              + "\",\"agentId\":\""
              + agent.userId()
              + "\",\"data\":{\"agentName\":\""
              + agent.name()
              + "\"}}";
      HttpResponse<String> session =
          withRetry(() ->
              send(
                  HttpRequest.newBuilder(URI.create(baseUrl + "/api/v2/agent-scripting/sessions"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))));
      return session.statusCode() == 201 ? null : code(session);
    } catch (TokenRefused e) {
      return "token.refused";
    } catch (IOException e) {
      return "connection.failed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private interface Call {
    HttpResponse<String> send() throws IOException, InterruptedException;
  }

  /**
   * The seeds' decorator: on 429 sleep 1, 2, 4, 8, 16 s and try again; whatever the deadline says.
   */
  private HttpResponse<String> withRetry(Call call) throws IOException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = call.send();
      if (r.statusCode() != 429 || attempt == DELAYS_SECONDS.length) return r;
      Thread.sleep(Duration.ofSeconds(DELAYS_SECONDS[attempt]));
      retries.increment();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    requests.increment();
    HttpResponse<String> r =
        http.send(
            request
                .header("Authorization", "Bearer " + token())
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 429) throttled.increment();
    return r;
  }

  /** The token, fetched once by whoever comes first (an SDK's token cache). */
  private synchronized String token() throws IOException, InterruptedException {
    if (token != null) return token;
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (credentials.clientId() + ":" + credentials.clientSecret())
                    .getBytes(StandardCharsets.UTF_8));
    requests.increment();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/oauth/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = TOKEN.matcher(r.body());
    if (r.statusCode() != 200 || !m.find()) throw new TokenRefused(r.statusCode());
    token = m.group(1);
    return token;
  }

  private static final class TokenRefused extends IOException {
    TokenRefused(int status) {
      super("token request answered " + status);
    }
  }

  private static String code(HttpResponse<String> r) {
    Matcher m = CODE.matcher(r.body() == null ? "" : r.body());
    return m.find() ? m.group(1) : "http." + r.statusCode();
  }

  @Override
  public Counts counts() {
    return new Counts(requests.sum(), throttled.sum(), retries.sum());
  }

  @Override
  public void close() {
    // The HTTP client is shared and closed by the run.
  }
}

package io.switchboard.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client for one Switchboard org, authenticated with OAuth client credentials.
 *
 * <p>It caches its access token and refreshes it before expiry (one refresh at a time), retries only what is
 * safe to retry (idempotent methods, or requests carrying an {@code Idempotency-Key}) and only on 429, 502,
 * 503, 504 and connection failures, waits as the server's {@code Retry-After} says or with full-jitter
 * backoff, and never starts a wait that would end past the call's deadline.
 *
 * <pre>{@code
 * try (var client = SwitchboardClient.builder()
 *     .baseUrl("http://127.0.0.1:8080")
 *     .clientCredentials(id, secret)
 *     .build()) {
 *   client.oauthClients().list(1, 25);
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance per org.
 */
public final class SwitchboardClient implements AutoCloseable {
  private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

  private final URI baseUri;
  private final String clientId;
  private final String clientSecret;
  private final Duration defaultDeadline;
  private final RetrySettings retry;
  private final Clock clock;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final JsonMapper json;
  private final TokenManager tokens;

  private SwitchboardClient(Builder b) {
    this.baseUri = URI.create(stripSlash(Objects.requireNonNull(b.baseUrl, "baseUrl")));
    this.clientId = Objects.requireNonNull(b.clientId, "clientCredentials");
    this.clientSecret = Objects.requireNonNull(b.clientSecret, "clientCredentials");
    this.defaultDeadline = b.deadline;
    this.retry = b.retry;
    this.clock = b.clock;
    this.ownsHttp = b.httpClient == null;
    this.http = b.httpClient != null ? b.httpClient : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    this.tokens = new TokenManager(this::fetchToken, clock);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** OAuth clients of this org (scope {@code oauth}). */
  public OAuthClientsApi oauthClients() {
    return new OAuthClientsApi(this);
  }

  /** External APIs (data actions) of this org (scope {@code architect}). */
  public ExternalApisApi externalApis() {
    return new ExternalApisApi(this);
  }

  /** The JSON mapper this client reads and writes with. */
  public JsonMapper json() {
    return json;
  }

  /** Sends {@code request} and binds the JSON answer to {@code type}. */
  public <T> T call(ApiRequest request, Class<T> type) {
    ApiResponse response = send(request);
    return response.body().length == 0 ? null : json.readValue(response.body(), type);
  }

  /** Sends {@code request} and returns its JSON tree. */
  public JsonNode callForTree(ApiRequest request) {
    ApiResponse response = send(request);
    return response.body().length == 0 ? json.missingNode() : json.readTree(response.body());
  }

  /**
   * Sends {@code request} with authentication, retries and the deadline; returns a 2xx or 304 answer and
   * throws {@link ApiException} (typed by status) for anything else.
   */
  public ApiResponse send(ApiRequest request) {
    Instant deadline = clock.instant().plus(request.deadline() != null ? request.deadline() : defaultDeadline);
    var attempts = new ArrayList<DeadlineExceededException.Attempt>();
    boolean refreshedAfter401 = false;
    int tries = 0;
    while (true) {
      tries++;
      String token = tokens.token(deadline);
      Outcome outcome = attempt(request, token, deadline);
      if (outcome.response() != null) {
        int status = outcome.response().statusCode();
        if (status < 300 || status == 304) {
          return new ApiResponse(status, outcome.response().headers(), outcome.response().body());
        }
        ErrorBody error = errorBody(outcome.response());
        if (status == 401 && !refreshedAfter401) {
          // Expired or revoked under us: one fresh token, then the server's word is final.
          refreshedAfter401 = true;
          tokens.invalidate(token);
          tries--;
          continue;
        }
        if (!RETRYABLE_STATUS.contains(status) || !request.isRetryable() || tries >= retry.maxAttempts()) {
          throw ApiException.of(status, error);
        }
        Duration wait = retryAfter(outcome.response()).orElseGet(() -> jitter(attempts.size()));
        attempts.add(new DeadlineExceededException.Attempt(status, error.code(), wait));
        waitOrGiveUp(deadline, wait, attempts, ApiException.of(status, error));
      } else {
        IOException failure = outcome.failure();
        if (failure instanceof HttpTimeoutException) {
          attempts.add(new DeadlineExceededException.Attempt(0, "timeout", Duration.ZERO));
          throw new DeadlineExceededException(request.method() + " " + request.path() + " did not complete within its deadline", attempts, failure);
        }
        if (!request.isRetryable() || tries >= retry.maxAttempts()) {
          throw new TransportException(request.method() + " " + request.path() + " failed: " + failure.getMessage(), failure);
        }
        Duration wait = jitter(attempts.size());
        attempts.add(new DeadlineExceededException.Attempt(0, "connection.failed", wait));
        waitOrGiveUp(deadline, wait, attempts, failure);
      }
    }
  }

  private record Outcome(HttpResponse<byte[]> response, IOException failure) {}

  private Outcome attempt(ApiRequest request, String token, Instant deadline) {
    Duration remaining = Duration.between(clock.instant(), deadline);
    if (remaining.isNegative() || remaining.isZero()) {
      return new Outcome(null, new HttpTimeoutException("deadline reached before sending"));
    }
    var builder = HttpRequest.newBuilder(baseUri.resolve(request.path())).timeout(remaining).header("Accept", "application/json");
    if (token != null) builder.header("Authorization", "Bearer " + token);
    request.headers().forEach(builder::header);
    if (request.body() != null) {
      byte[] bytes = request.body() instanceof byte[] raw ? raw : json.writeValueAsBytes(request.body());
      builder.header("Content-Type", request.contentType() != null ? request.contentType() : "application/json");
      builder.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(bytes));
    } else {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    try {
      return new Outcome(http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray()), null);
    } catch (IOException e) {
      return new Outcome(null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while calling " + request.path(), e);
    }
  }

  private void waitOrGiveUp(Instant deadline, Duration wait, List<DeadlineExceededException.Attempt> attempts, Throwable last) {
    if (clock.instant().plus(wait).isAfter(deadline)) {
      // Waiting would end past the deadline: say so now rather than sleep into certain failure.
      throw new DeadlineExceededException("giving up: the next wait of " + wait.toMillis() + " ms would end past the deadline", attempts, last);
    }
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while waiting to retry", e);
    }
  }

  private Duration jitter(int retryNumber) {
    long cap = Math.min(retry.maxBackoff().toMillis(), retry.baseBackoff().toMillis() << Math.min(retryNumber, 20));
    return Duration.ofMillis(cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private ErrorBody errorBody(HttpResponse<byte[]> response) {
    String correlation = response.headers().firstValue("ININ-Correlation-Id").orElse(null);
    try {
      ErrorBody body = json.readValue(response.body(), ErrorBody.class);
      if (body != null && body.code() != null) return body;
    } catch (RuntimeException notJson) {
      // Fall through: a proxy's HTML page or an empty body.
    }
    return new ErrorBody("HTTP " + response.statusCode(), "http." + response.statusCode(), response.statusCode(), null, correlation);
  }

  /** Client credentials grant; token requests retry 429/5xx within the caller's deadline like any call. */
  private Token fetchToken(Instant deadline) {
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    var attempts = new ArrayList<DeadlineExceededException.Attempt>();
    for (int tries = 1; ; tries++) {
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.isNegative() || remaining.isZero()) throw new DeadlineExceededException("no access token within the deadline", attempts, null);
      var request =
          HttpRequest.newBuilder(baseUri.resolve("/oauth/token"))
              .timeout(remaining)
              .header("Authorization", "Basic " + basic)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8)))
              .build();
      Instant sentAt = clock.instant();
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        if (e instanceof HttpTimeoutException || tries >= retry.maxAttempts()) throw new TransportException("token request failed: " + e.getMessage(), e);
        Duration wait = jitter(tries - 1);
        attempts.add(new DeadlineExceededException.Attempt(0, "connection.failed", wait));
        waitOrGiveUp(deadline, wait, attempts, e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SwitchboardException("interrupted while fetching a token", e);
      }
      int status = response.statusCode();
      if (status == 200) {
        JsonNode body = json.readTree(response.body());
        return new Token(body.get("access_token").asString(), TokenManager.refreshAt(sentAt, body.get("expires_in").asLong()));
      }
      if (RETRYABLE_STATUS.contains(status) && tries < retry.maxAttempts()) {
        Duration wait = retryAfter(response).orElseGet(() -> jitter(attempts.size()));
        attempts.add(new DeadlineExceededException.Attempt(status, "token", wait));
        waitOrGiveUp(deadline, wait, attempts, null);
        continue;
      }
      JsonNode body;
      try {
        body = json.readTree(response.body());
      } catch (RuntimeException e) {
        body = json.missingNode();
      }
      String error = body.path("error").asString("http." + status);
      // RFC 6749 errors are not ErrorBody; present them as one so callers handle a single type.
      throw ApiException.of(status == 400 ? 400 : 401, new ErrorBody(body.path("error_description").asString("token request refused"), error, status, null, response.headers().firstValue("ININ-Correlation-Id").orElse(null)));
    }
  }

  /** A fresh random {@code Idempotency-Key}. */
  public static String newIdempotencyKey() {
    return UUID.randomUUID().toString();
  }

  @Override
  public void close() {
    if (ownsHttp) http.close();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Builds a {@link SwitchboardClient}. {@code baseUrl} and {@code clientCredentials} are required. */
  public static final class Builder {
    private String baseUrl;
    private String clientId;
    private String clientSecret;
    private Duration deadline = Duration.ofSeconds(10);
    private RetrySettings retry = RetrySettings.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private HttpClient httpClient;

    private Builder() {}

    /** The server, for example {@code http://127.0.0.1:8080}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder clientCredentials(String clientId, String clientSecret) {
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      return this;
    }

    /** The default deadline of each call, retries and waits included (default 10 s). */
    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    public Builder retry(RetrySettings retry) {
      this.retry = retry;
      return this;
    }

    /** For tests that move time. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Share an existing {@link HttpClient} (the client will not close it). */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    public SwitchboardClient build() {
      return new SwitchboardClient(this);
    }
  }
}

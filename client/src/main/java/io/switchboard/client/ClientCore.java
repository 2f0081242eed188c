package io.switchboard.client;

import dev.failsafe.CircuitBreaker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared machinery of one client: HTTP, the token, the circuit breaker, the counters and the retry loop.
 * {@link SwitchboardClient} and its views (same client, other deadline) all use one core.
 */
final class ClientCore implements AutoCloseable {
  /** The only statuses worth another try: throttled, or a gateway/server that may be back in a moment. */
  static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

  static final String USER_AGENT = "switchboard-java-client";

  final URI baseUri;
  final JsonMapper json;
  final Clock clock;
  final Counters counters = new Counters();
  private final String orgId;
  private final String clientId;
  private final String clientSecret;
  private final RetrySettings retry;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final TokenManager tokens;
  private final CircuitBreaker<Object> breaker;
  private final ConditionalCache publishedCache;
  private final SessionBatcher sessionBatcher;
  private final int updateAttempts;

  /** What the resource APIs add on top of plain calls. */
  record Features(Duration publishedScriptFreshness, SessionBatching sessionBatching, int updateAttempts) {}

  ClientCore(URI baseUri, String orgId, String clientId, String clientSecret, RetrySettings retry, CircuitBreakerSettings breaker, Clock clock, HttpClient http, boolean ownsHttp, Features features) {
    this.baseUri = baseUri;
    this.orgId = orgId;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.retry = retry;
    this.clock = clock;
    this.http = http;
    this.ownsHttp = ownsHttp;
    this.json = JsonMapper.builder().disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    this.tokens = new TokenManager(this::fetchToken, clock);
    this.breaker =
        breaker.isDisabled()
            ? null
            : CircuitBreaker.builder()
                .withFailureThreshold(breaker.failureThreshold(), breaker.failureWindow())
                .withDelay(breaker.openDelay())
                .withSuccessThreshold(breaker.successThreshold())
                .build();
    this.publishedCache = new ConditionalCache(this, features.publishedScriptFreshness(), 1000);
    SessionBatching batching = features.sessionBatching();
    this.sessionBatcher = batching.enabled() ? new SessionBatcher(this, batching.window(), batching.maxBatch()) : null;
    this.updateAttempts = features.updateAttempts();
  }

  ConditionalCache publishedCache() {
    return publishedCache;
  }

  /** Null when batching is off. */
  SessionBatcher sessionBatcher() {
    return sessionBatcher;
  }

  int updateAttempts() {
    return updateAttempts;
  }

  /** The breaker's state: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
  String breakerState() {
    return breaker == null ? "CLOSED" : breaker.getState().name();
  }

  /**
   * Sends {@code request} with authentication, retries and the deadline; returns a 2xx or 304 answer and
   * throws {@link ApiException} (typed by status) for anything else.
   */
  ApiResponse send(ApiRequest request, Instant deadline) {
    var attempts = new ArrayList<Attempt>();
    boolean refreshedAfter401 = false;
    int tries = 0;
    while (true) {
      String token = tokens.token(deadline);
      permitOrReject(request, attempts);
      tries++;
      counters.requests.increment();
      if (!attempts.isEmpty()) counters.retries.increment();
      Outcome outcome = attempt(request, token, deadline);
      if (outcome.response() != null) {
        HttpResponse<byte[]> response = outcome.response();
        int status = response.statusCode();
        record(status >= 500);
        if (status < 300 || status == 304) {
          if (status == 304) counters.notModified.increment();
          return new ApiResponse(status, response.headers(), response.body());
        }
        ErrorBody error = errorBody(response);
        if (status == 429) counters.throttled.increment();
        if (status == 401 && !refreshedAfter401) {
          // Expired or revoked under us: one fresh token, then the server's word is final.
          refreshedAfter401 = true;
          tokens.invalidate(token);
          attempts.add(new Attempt(status, error.code(), Duration.ZERO));
          tries--;
          continue;
        }
        if (!RETRYABLE_STATUS.contains(status) || !request.isRetryable() || tries >= retry.maxAttempts()) {
          attempts.add(new Attempt(status, error.code(), Duration.ZERO));
          throw ApiException.of(status, error, attempts);
        }
        int retryNumber = tries - 1;
        Duration wait = retryAfter(response).orElseGet(() -> jitter(retryNumber));
        attempts.add(new Attempt(status, error.code(), wait));
        waitOrGiveUp(request, deadline, wait, attempts, ApiException.of(status, error, attempts));
      } else {
        IOException failure = outcome.failure();
        boolean deadlineReached = failure instanceof HttpTimeoutException && !(failure instanceof HttpConnectTimeoutException);
        if (deadlineReached) {
          // The request's timeout is the time left before the deadline: no answer in time says nothing about
          // the server's health, so the breaker does not count it.
          record(false);
          attempts.add(new Attempt(0, "timeout", Duration.ZERO));
          throw new DeadlineExceededException(describe(request) + " did not complete within its deadline", attempts, failure);
        }
        record(true);
        if (!request.isRetryable() || tries >= retry.maxAttempts()) {
          attempts.add(new Attempt(0, "connection.failed", Duration.ZERO));
          throw new TransportException(describe(request) + " failed: " + failure + (request.isRetryable() ? "; attempts: " + attempts : " (not retried: not idempotent and no Idempotency-Key)"), failure);
        }
        Duration wait = jitter(tries - 1);
        attempts.add(new Attempt(0, "connection.failed", wait));
        waitOrGiveUp(request, deadline, wait, attempts, failure);
      }
    }
  }

  private void permitOrReject(ApiRequest request, List<Attempt> attempts) {
    if (breaker == null || breaker.tryAcquirePermit()) return;
    counters.circuitRejections.increment();
    throw new CircuitOpenException(describe(request) + " not sent" + (attempts.isEmpty() ? "" : " after attempts " + attempts), breaker.getRemainingDelay());
  }

  private void record(boolean failure) {
    if (breaker == null) return;
    if (failure) {
      breaker.recordFailure();
    } else {
      breaker.recordSuccess();
    }
  }

  private record Outcome(HttpResponse<byte[]> response, IOException failure) {}

  private Outcome attempt(ApiRequest request, String token, Instant deadline) {
    Duration remaining = Duration.between(clock.instant(), deadline);
    if (remaining.isNegative() || remaining.isZero()) {
      return new Outcome(null, new HttpTimeoutException("deadline reached before sending"));
    }
    var builder = HttpRequest.newBuilder(baseUri.resolve(request.path())).timeout(remaining).header("Accept", "application/json").header("User-Agent", USER_AGENT);
    if (token != null) builder.header("Authorization", "Bearer " + token);
    if (orgId != null) builder.header("X-Genesys-Organization-Id", orgId);
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
      record(false);
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while calling " + describe(request), e);
    }
  }

  private void waitOrGiveUp(ApiRequest request, Instant deadline, Duration wait, List<Attempt> attempts, Throwable last) {
    if (clock.instant().plus(wait).isAfter(deadline)) {
      // Waiting would end past the deadline: say so now rather than sleep into certain failure.
      throw new DeadlineExceededException(describe(request) + ": giving up, the next wait of " + wait.toMillis() + " ms would end past the deadline", attempts, last);
    }
    sleep(wait);
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while waiting to retry", e);
    }
  }

  /** Full jitter: a uniform wait between zero and {@code min(maxBackoff, baseBackoff * 2^retryNumber)}. */
  private Duration jitter(int retryNumber) {
    long cap = Math.min(retry.maxBackoff().toMillis(), retry.baseBackoff().toMillis() << Math.min(retryNumber, 20));
    return Duration.ofMillis(cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
  }

  /** {@code Retry-After} in whole seconds, as the server sends it; anything else is ignored. */
  static Optional<Duration> retryAfter(HttpResponse<?> response) {
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

  private static String describe(ApiRequest request) {
    int q = request.path().indexOf('?');
    return request.method() + " " + (q < 0 ? request.path() : request.path().substring(0, q));
  }

  /** Client credentials grant; token requests retry 429/5xx within the caller's deadline like any call. */
  private Token fetchToken(Instant deadline) {
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    var attempts = new ArrayList<Attempt>();
    ApiRequest described = ApiRequest.post("/oauth/token", null);
    for (int tries = 1; ; tries++) {
      Duration remaining = Duration.between(clock.instant(), deadline);
      if (remaining.isNegative() || remaining.isZero()) throw new DeadlineExceededException("no access token within the deadline", attempts, null);
      permitOrReject(described, attempts);
      var request =
          HttpRequest.newBuilder(baseUri.resolve("/oauth/token"))
              .timeout(remaining)
              .header("Authorization", "Basic " + basic)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("User-Agent", USER_AGENT)
              .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8)))
              .build();
      Instant sentAt = clock.instant();
      counters.tokenRequests.increment();
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        boolean deadlineReached = e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException);
        record(!deadlineReached);
        if (deadlineReached) throw new DeadlineExceededException("no access token within the deadline", attempts, e);
        if (tries >= retry.maxAttempts()) throw new TransportException("token request failed: " + e, e);
        // A token request changes nothing on the server, so it is always safe to repeat.
        Duration wait = jitter(tries - 1);
        attempts.add(new Attempt(0, "connection.failed", wait));
        waitOrGiveUp(described, deadline, wait, attempts, e);
        continue;
      } catch (InterruptedException e) {
        record(false);
        Thread.currentThread().interrupt();
        throw new SwitchboardException("interrupted while fetching a token", e);
      }
      int status = response.statusCode();
      record(status >= 500);
      if (status == 200) {
        JsonNode body;
        try {
          body = json.readTree(response.body());
        } catch (RuntimeException e) {
          throw new SwitchboardException("the token endpoint answered 200 without JSON", e);
        }
        String token = body.path("access_token").asString(null);
        long expiresIn = body.path("expires_in").asLong(0);
        if (token == null || expiresIn <= 0) throw new SwitchboardException("the token endpoint answered 200 without access_token and expires_in");
        return TokenManager.token(token, sentAt, expiresIn);
      }
      if (status == 429) counters.throttled.increment();
      if (RETRYABLE_STATUS.contains(status) && tries < retry.maxAttempts()) {
        Duration wait = retryAfter(response).orElseGet(() -> jitter(attempts.size()));
        attempts.add(new Attempt(status, "http." + status, wait));
        waitOrGiveUp(described, deadline, wait, attempts, null);
        continue;
      }
      JsonNode body;
      try {
        body = json.readTree(response.body());
      } catch (RuntimeException e) {
        body = json.missingNode();
      }
      String error = body.path("error").asString(body.path("code").asString("http." + status));
      attempts.add(new Attempt(status, error, Duration.ZERO));
      // RFC 6749 errors are not ErrorBody; present them as one so callers handle a single type.
      int typed = status == 400 || status == 401 ? 401 : status;
      throw ApiException.of(typed, new ErrorBody(body.path("error_description").asString("token request refused"), error, status, null, response.headers().firstValue("ININ-Correlation-Id").orElse(null)), attempts);
    }
  }

  @Override
  public void close() {
    if (ownsHttp) http.close();
  }
}

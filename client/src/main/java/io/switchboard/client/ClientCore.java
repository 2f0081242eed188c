package io.switchboard.client;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared machinery of one client: HTTP, the token, the circuit breaker, the counters and the
 * retry loop. {@link SwitchboardClient} and its views (same client, other deadline) all use one
 * core.
 */
final class ClientCore implements AutoCloseable {
  /**
   * The only statuses worth another try: throttled, or a gateway/server that may be back in a
   * moment.
   */
  static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

  /** {@code switchboard-client/<version>}, the version from the jar's build. */
  static final String USER_AGENT = "switchboard-client/" + Version.get();

  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardClient.class);
  private static final Pattern ID_LIKE =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-.*|.*[0-9].*|[A-Za-z0-9_-]{20,}");

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
  private final RateLimitPacer pacer;
  private final List<ClientInterceptor> interceptors;
  private final ClientListener listener;
  private final String orgTag;

  /** What the resource APIs add on top of plain calls. */
  record Features(
      Duration publishedScriptFreshness,
      SessionBatching sessionBatching,
      int updateAttempts,
      boolean pacing,
      List<ClientInterceptor> interceptors,
      ClientListener listener) {}

  ClientCore(
      URI baseUri,
      String orgId,
      String clientId,
      String clientSecret,
      RetrySettings retry,
      CircuitBreakerSettings breaker,
      Clock clock,
      HttpClient http,
      boolean ownsHttp,
      Features features) {
    this.baseUri = baseUri;
    this.orgId = orgId;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.retry = retry;
    this.clock = clock;
    this.http = http;
    this.ownsHttp = ownsHttp;
    this.json =
        JsonMapper.builder()
            .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    this.tokens = new TokenManager(this::fetchToken, clock);
    this.breaker =
        breaker.isDisabled()
            ? null
            : CircuitBreaker.builder()
                .withFailureThreshold(breaker.failureThreshold(), breaker.failureWindow())
                .withDelay(breaker.openDelay())
                .withSuccessThreshold(breaker.successThreshold())
                // Failures are what an attempt's step says (5xx, no connection); an attempt that
                // throws (our
                // side: interrupted, a request that cannot be built) says nothing about the server.
                .handleIf((result, failure) ->
                    failure == null && result instanceof Step<?> step && step.breakerFailure())
                .onOpen(e -> breakerChanged("OPEN"))
                .onHalfOpen(e -> breakerChanged("HALF_OPEN"))
                .onClose(e -> breakerChanged("CLOSED"))
                .build();
    this.publishedCache = new ConditionalCache(this, features.publishedScriptFreshness(), 1000);
    SessionBatching batching = features.sessionBatching();
    this.sessionBatcher =
        batching.enabled()
            ? new SessionBatcher(this, batching.window(), batching.maxBatch())
            : null;
    this.updateAttempts = features.updateAttempts();
    this.pacer = features.pacing() ? new RateLimitPacer(clock, counters) : null;
    this.interceptors = List.copyOf(features.interceptors());
    this.listener = features.listener();
    this.orgTag = orgId != null ? orgId : "none";
  }

  private void breakerChanged(String state) {
    if (state.equals("OPEN")) LOG.warn("circuit breaker OPEN (org {}): calls fail fast", orgTag);
    else LOG.info("circuit breaker {} (org {})", state, orgTag);
    listener.breakerStateChanged(orgTag, state);
  }

  ClientListener listener() {
    return listener;
  }

  String orgTag() {
    return orgTag;
  }

  /**
   * The method and path template of a request, for logs and metrics: the query left out, segments
   * that look like ids (a UUID, any digit, 20 or more id characters) as {@code {id}}.
   */
  static String operation(String method, String path) {
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    var out = new StringBuilder(method).append(' ');
    String[] segments = p.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) out.append('/');
      String seg = segments[i];
      boolean versionSegment = i == 2 && seg.equals("v2");
      out.append(
          !seg.isEmpty() && !versionSegment && ID_LIKE.matcher(seg).matches() ? "{id}" : seg);
    }
    return out.toString();
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
   * One attempt's verdict for the policies: the answer to return or the exception to throw when no
   * attempt follows, whether to try again and after what wait, and whether the circuit breaker
   * counts it as a failure. {@code giveUp} is what the caller gets when that wait would end past
   * the deadline.
   */
  private record Step<T>(
      T value,
      RuntimeException failure,
      boolean retry,
      Duration delay,
      RuntimeException giveUp,
      boolean breakerFailure,
      int status) {
    static <T> Step<T> done(T value, boolean breakerFailure) {
      return new Step<>(value, null, false, Duration.ZERO, null, breakerFailure, 0);
    }

    static <T> Step<T> failed(RuntimeException failure, boolean breakerFailure) {
      return new Step<>(null, failure, false, Duration.ZERO, null, breakerFailure, 0);
    }

    static <T> Step<T> again(Duration delay, RuntimeException giveUp, boolean breakerFailure) {
      return new Step<>(null, null, true, delay, giveUp, breakerFailure, 0);
    }

    Step<T> withStatus(int status) {
      return new Step<>(value, failure, retry, delay, giveUp, breakerFailure, status);
    }

    /** The value, or the exception that ends the call. */
    T result() {
      if (retry) throw giveUp;
      if (failure != null) throw failure;
      return value;
    }
  }

  /**
   * Retries as the attempt's {@link Step} says, after its wait (the server's {@code Retry-After} or
   * full jitter), and gives up at once when that wait would end past the deadline instead of
   * sleeping into certain failure. The attempt budget is counted by the steps (a token refresh
   * after a 401 is not a retry), so the policy has no count of its own.
   */
  private <T> RetryPolicy<Step<T>> retryPolicy(Instant deadline, String operation) {
    return RetryPolicy.<Step<T>>builder()
        .onRetryScheduled(e -> {
          Step<T> last = e.getLastResult();
          int status = last == null ? 0 : last.status();
          LOG.info(
              "{} answered {}; retry {} in {} ms (org {})",
              operation,
              status == 0 ? "nothing" : status,
              e.getAttemptCount(),
              e.getDelay().toMillis(),
              orgTag);
          listener.retryScheduled(orgTag, operation, status, e.getDelay());
        })
        .handleIf((step, failure) -> failure == null && step.retry())
        .abortIf((step, failure) ->
            failure == null && step.retry() && clock.instant().plus(step.delay()).isAfter(deadline))
        .withDelayFn(context -> context.getLastResult().delay())
        .withMaxRetries(-1)
        .build();
  }

  /**
   * Runs one attempt under the circuit breaker: refused at once while it is open; otherwise
   * Failsafe records the attempt's outcome, so even an attempt that throws gives its permit back.
   */
  private <T> Step<T> guarded(
      ApiRequest described, List<Attempt> attempts, Supplier<Step<T>> attempt) {
    if (breaker == null) return attempt.get();
    try {
      return Failsafe.with(breaker).get(attempt::get);
    } catch (CircuitBreakerOpenException e) {
      counters.circuitRejections.increment();
      throw new CircuitOpenException(
          describe(described)
              + " not sent"
              + (attempts.isEmpty() ? "" : " after attempts " + attempts),
          breaker.getRemainingDelay());
    }
  }

  /**
   * Sends {@code request} with authentication, retries and the deadline; returns a 2xx or 304
   * answer and throws {@link ApiException} (typed by status) for anything else.
   */
  ApiResponse send(ApiRequest request, Instant deadline) {
    return send(request, deadline, retry);
  }

  /** {@link #send(ApiRequest, Instant)} with this call's own retry settings. */
  ApiResponse send(ApiRequest request, Instant deadline, RetrySettings override) {
    RetrySettings retry = override != null ? override : this.retry;
    var attempts = new ArrayList<Attempt>();
    var progress = new Progress();
    try {
      Step<ApiResponse> last =
          Failsafe.with(
                  this.<ApiResponse>retryPolicy(
                      deadline, operation(request.method(), request.path())))
              .get(() -> {
                // The token is had before the breaker's permit is taken: fetching one takes a
                // permit of its own.
                String token = tokens.token(deadline);
                RateLimitPacer.Ticket ticket = pace(request, deadline, attempts);
                try {
                  return guarded(
                      request,
                      attempts,
                      () -> sendOnce(request, token, deadline, attempts, progress, ticket, retry));
                } finally {
                  if (ticket != null) ticket.cancel(); // no-op once the answer completed it
                }
              });
      return last.result();
    } catch (SwitchboardException e) {
      throw e.describing(request.idempotencyKey(), mayHaveLanded(request, attempts));
    }
  }

  /**
   * Waits for the request's turn under the server's announced limit (null when pacing is off or the
   * path is not rate limited); gives up at once, nothing sent, when the turn would come after the
   * deadline.
   */
  private RateLimitPacer.Ticket pace(ApiRequest request, Instant deadline, List<Attempt> attempts) {
    if (pacer == null || !request.path().startsWith("/api/v2/")) return null;
    try {
      RateLimitPacer.Ticket ticket =
          pacer.acquire(
              request.path(),
              request.method().equals("GET") && request.headers().containsKey("If-None-Match"),
              deadline);
      if (!ticket.waited().isZero()) {
        String operation = operation(request.method(), request.path());
        LOG.debug(
            "{} waited {} ms for its turn under the rate limit",
            operation,
            ticket.waited().toMillis());
        listener.pacerWaited(orgTag, operation, ticket.waited());
      }
      return ticket;
    } catch (RateLimitPacer.TooLate e) {
      counters.pacerRefusals.increment();
      throw new DeadlineExceededException(
          describe(request)
              + (e.wait.isZero()
                  ? " not sent: the first answer, which tells the rate limit, did not come before"
                      + " the deadline"
                  : " not sent: its turn under the server's announced rate limit comes "
                      + e.wait.toMillis()
                      + " ms from now, past the deadline"),
          attempts,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while pacing " + describe(request), e);
    }
  }

  /**
   * A write may have been applied when a try got no answer that rules it out: no answer at all
   * (status 0: dropped, cut off by the deadline) or a 5xx other than 503.
   */
  private static boolean mayHaveLanded(ApiRequest request, List<Attempt> attempts) {
    if (request.method().equals("GET") || request.method().equals("HEAD")) return false;
    return attempts.stream()
        .anyMatch(a -> a.status() == 0 || (a.status() >= 500 && a.status() != 503));
  }

  /** What one call's attempts have used so far. */
  private static final class Progress {
    int tries;
    boolean refreshedAfter401;
  }

  private Step<ApiResponse> sendOnce(
      ApiRequest request,
      String token,
      Instant deadline,
      List<Attempt> attempts,
      Progress progress,
      RateLimitPacer.Ticket ticket,
      RetrySettings retry) {
    progress.tries++;
    counters.requests.increment();
    if (!attempts.isEmpty()) counters.retries.increment();
    long started = System.nanoTime();
    Outcome outcome = attempt(request, token, deadline);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String operation = operation(request.method(), request.path());
    int answered = outcome.response() == null ? 0 : outcome.response().statusCode();
    listener.requestCompleted(orgTag, operation, answered, took);
    if (outcome.response() != null) {
      if (LOG.isDebugEnabled())
        LOG.debug(
            "{} -> {} in {} ms (try {}, org {}, correlation {})",
            operation,
            answered,
            took.toMillis(),
            progress.tries,
            orgTag,
            outcome.response().headers().firstValue("ININ-Correlation-Id").orElse("-"));
      if (!interceptors.isEmpty()) {
        var seen =
            new ApiResponse(answered, outcome.response().headers(), outcome.response().body());
        for (ClientInterceptor i : interceptors) i.afterResponse(request, seen, took);
      }
    } else {
      LOG.debug(
          "{} -> no answer in {} ms (try {}, org {}): {}",
          operation,
          took.toMillis(),
          progress.tries,
          orgTag,
          outcome.failure().toString());
    }
    if (ticket != null) {
      if (outcome.response() != null)
        ticket.complete(outcome.response().statusCode(), outcome.response().headers());
      else ticket.complete(0, null);
    }
    if (outcome.response() != null) {
      HttpResponse<byte[]> response = outcome.response();
      int status = response.statusCode();
      boolean serverFailure = status >= 500;
      if (status < 300 || status == 304) {
        if (status == 304) counters.notModified.increment();
        return Step.done(
            new ApiResponse(status, response.headers(), response.body()), serverFailure);
      }
      ErrorBody error = errorBody(response);
      if (status == 429) counters.throttled.increment();
      if (status == 401 && !progress.refreshedAfter401) {
        // Expired or revoked under us: one fresh token, then the server's word is final.
        progress.refreshedAfter401 = true;
        tokens.invalidate(token);
        attempts.add(new Attempt(status, error.code(), Duration.ZERO));
        progress.tries--;
        return Step.<ApiResponse>again(
                Duration.ZERO,
                new DeadlineExceededException(
                    describe(request) + " did not complete within its deadline", attempts, null),
                serverFailure)
            .withStatus(status);
      }
      if (!RETRYABLE_STATUS.contains(status)
          || !request.isRetryable()
          || progress.tries >= retry.maxAttempts()) {
        attempts.add(new Attempt(status, error.code(), Duration.ZERO));
        return Step.failed(ApiException.of(status, error, attempts), serverFailure);
      }
      int retryNumber = progress.tries - 1;
      Duration wait =
          retryAfter(response)
              .map(after -> spreadAbove(after, deadline))
              .orElseGet(() -> jitter(retry, retryNumber));
      attempts.add(new Attempt(status, error.code(), wait));
      return Step.<ApiResponse>again(
              wait,
              tooLate(request, wait, attempts, ApiException.of(status, error, attempts)),
              serverFailure)
          .withStatus(status);
    }
    IOException failure = outcome.failure();
    boolean deadlineReached =
        failure instanceof HttpTimeoutException
            && !(failure instanceof HttpConnectTimeoutException);
    if (deadlineReached) {
      // The request's timeout is the time left before the deadline: no answer in time says nothing
      // about
      // the server's health, so the breaker does not count it.
      attempts.add(new Attempt(0, "timeout", Duration.ZERO));
      return Step.failed(
          new DeadlineExceededException(
              describe(request) + " did not complete within its deadline", attempts, failure),
          false);
    }
    if (!request.isRetryable() || progress.tries >= retry.maxAttempts()) {
      attempts.add(new Attempt(0, "connection.failed", Duration.ZERO));
      return Step.failed(
          new TransportException(
              describe(request)
                  + " failed: "
                  + failure
                  + (request.isRetryable()
                      ? "; attempts: " + attempts
                      : " (not retried: not idempotent and no Idempotency-Key)"),
              failure),
          true);
    }
    Duration wait = jitter(retry, progress.tries - 1);
    attempts.add(new Attempt(0, "connection.failed", wait));
    return Step.again(wait, tooLate(request, wait, attempts, failure), true);
  }

  /** The next wait would end past the deadline: the caller hears so now. */
  private static DeadlineExceededException tooLate(
      ApiRequest request, Duration wait, List<Attempt> attempts, Throwable last) {
    return new DeadlineExceededException(
        describe(request)
            + ": giving up, the next wait of "
            + wait.toMillis()
            + " ms would end past the deadline",
        attempts,
        last);
  }

  private record Outcome(HttpResponse<byte[]> response, IOException failure) {}

  private Outcome attempt(ApiRequest original, String token, Instant deadline) {
    ApiRequest request = original;
    for (ClientInterceptor i : interceptors) request = i.beforeSend(request);
    Duration remaining = Duration.between(clock.instant(), deadline);
    if (remaining.isNegative() || remaining.isZero()) {
      return new Outcome(null, new HttpTimeoutException("deadline reached before sending"));
    }
    var builder =
        HttpRequest.newBuilder(baseUri.resolve(request.path()))
            .timeout(remaining)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT);
    if (token != null) builder.header("Authorization", "Bearer " + token);
    if (orgId != null) builder.header("X-Genesys-Organization-Id", orgId);
    request.headers().forEach(builder::setHeader);
    if (request.body() != null) {
      byte[] bytes =
          request.body() instanceof byte[] raw ? raw : json.writeValueAsBytes(request.body());
      builder.header(
          "Content-Type",
          request.contentType() != null ? request.contentType() : "application/json");
      builder.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(bytes));
    } else {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    try {
      return new Outcome(sendWithin(builder.build(), deadline), null);
    } catch (IOException e) {
      return new Outcome(null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while calling " + describe(request), e);
    }
  }

  /**
   * Sends and reads the whole answer before {@code deadline}. {@code HttpRequest.timeout} stops at
   * the headers only, so a body that trickles in would hold the caller past its deadline; here the
   * wait for the complete answer is bounded and the exchange cancelled when it runs out.
   */
  private HttpResponse<byte[]> sendWithin(HttpRequest request, Instant deadline)
      throws IOException, InterruptedException {
    var answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    long nanos = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
    try {
      return answer.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new HttpTimeoutException("deadline reached before the whole answer arrived");
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) throw io;
      if (cause instanceof RuntimeException re) throw re;
      throw new IOException(cause);
    }
  }

  /**
   * Full jitter: a uniform wait between zero and {@code min(maxBackoff, baseBackoff *
   * 2^retryNumber)}.
   */
  private static Duration jitter(RetrySettings retry, int retryNumber) {
    long cap =
        Math.min(
            retry.maxBackoff().toMillis(),
            retry.baseBackoff().toMillis() << Math.min(retryNumber, 20));
    return Duration.ofMillis(cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
  }

  /**
   * A wait of at least the server's {@code Retry-After}, plus a random part, so that callers told
   * the same thing at the same moment do not all come back in the same instant and meet the next
   * 429 together. The random part is uniform up to the {@code Retry-After} itself (at least 250 ms)
   * and never takes more than half the time the deadline leaves after it; when even the {@code
   * Retry-After} does not fit, it is returned as it is and the caller gives up at once.
   */
  private Duration spreadAbove(Duration retryAfter, Instant deadline) {
    long roomMillis = Duration.between(clock.instant().plus(retryAfter), deadline).toMillis();
    if (roomMillis <= 0) return retryAfter;
    long cap = Math.min(Math.max(retryAfter.toMillis(), 250), roomMillis / 2);
    return retryAfter.plusMillis(ThreadLocalRandom.current().nextLong(cap + 1));
  }

  /** {@code Retry-After} in whole seconds, as the server sends it; anything else is ignored. */
  static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .flatMap(v -> {
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
    return new ErrorBody(
        "HTTP " + response.statusCode(),
        "http." + response.statusCode(),
        response.statusCode(),
        null,
        correlation);
  }

  private static String describe(ApiRequest request) {
    int q = request.path().indexOf('?');
    return request.method() + " " + (q < 0 ? request.path() : request.path().substring(0, q));
  }

  /**
   * Client credentials grant; token requests retry 429/5xx within the caller's deadline like any
   * call.
   */
  private Token fetchToken(Instant deadline) {
    var attempts = new ArrayList<Attempt>();
    var progress = new Progress();
    ApiRequest described = ApiRequest.post("/oauth/token", null);
    Step<Token> last =
        Failsafe.with(this.<Token>retryPolicy(deadline, "POST /oauth/token"))
            .get(() -> {
              Duration remaining = Duration.between(clock.instant(), deadline);
              if (remaining.isNegative() || remaining.isZero())
                throw new DeadlineExceededException(
                    "no access token within the deadline", attempts, null);
              return guarded(
                  described,
                  attempts,
                  () -> fetchTokenOnce(described, remaining, attempts, progress));
            });
    return last.result();
  }

  private Step<Token> fetchTokenOnce(
      ApiRequest described, Duration remaining, List<Attempt> attempts, Progress progress) {
    int tries = ++progress.tries;
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    var request =
        HttpRequest.newBuilder(baseUri.resolve("/oauth/token"))
            .timeout(remaining)
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("User-Agent", USER_AGENT)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type="
                        + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8)))
            .build();
    Instant sentAt = clock.instant();
    counters.tokenRequests.increment();
    HttpResponse<byte[]> response;
    try {
      response = sendWithin(request, sentAt.plus(remaining));
    } catch (IOException e) {
      boolean deadlineReached =
          e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException);
      if (deadlineReached)
        return Step.failed(
            new DeadlineExceededException("no access token within the deadline", attempts, e),
            false);
      if (tries >= retry.maxAttempts())
        return Step.failed(new TransportException("token request failed: " + e, e), true);
      // A token request changes nothing on the server, so it is always safe to repeat.
      Duration wait = jitter(retry, tries - 1);
      attempts.add(new Attempt(0, "connection.failed", wait));
      return Step.again(wait, tooLate(described, wait, attempts, e), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while fetching a token", e);
    }
    int status = response.statusCode();
    boolean serverFailure = status >= 500;
    if (status == 200) {
      JsonNode body;
      try {
        body = json.readTree(response.body());
      } catch (RuntimeException e) {
        return Step.failed(
            new SwitchboardException("the token endpoint answered 200 without JSON", e), false);
      }
      String token = body.path("access_token").asString(null);
      long expiresIn = body.path("expires_in").asLong(0);
      if (token == null || expiresIn <= 0)
        return Step.failed(
            new SwitchboardException(
                "the token endpoint answered 200 without access_token and expires_in"),
            false);
      LOG.debug("access token obtained, valid {} s (org {})", expiresIn, orgTag);
      return Step.done(TokenManager.token(token, sentAt, expiresIn), false);
    }
    if (status == 429) counters.throttled.increment();
    if (RETRYABLE_STATUS.contains(status) && tries < retry.maxAttempts()) {
      Duration wait = retryAfter(response).orElseGet(() -> jitter(retry, attempts.size()));
      attempts.add(new Attempt(status, "http." + status, wait));
      return Step.<Token>again(wait, tooLate(described, wait, attempts, null), serverFailure)
          .withStatus(status);
    }
    JsonNode body;
    try {
      body = json.readTree(response.body());
    } catch (RuntimeException e) {
      body = json.missingNode();
    }
    String error = body.path("error").asString(body.path("code").asString("http." + status));
    LOG.warn("token request refused: {} {} (org {})", status, error, orgTag);
    attempts.add(new Attempt(status, error, Duration.ZERO));
    // RFC 6749 errors are not ErrorBody; present them as one so callers handle a single type.
    int typed = status == 400 || status == 401 ? 401 : status;
    return Step.failed(
        ApiException.of(
            typed,
            new ErrorBody(
                body.path("error_description").asString("token request refused"),
                error,
                status,
                null,
                response.headers().firstValue("ININ-Correlation-Id").orElse(null)),
            attempts),
        serverFailure);
  }

  @Override
  public void close() {
    if (ownsHttp) http.close();
  }
}

package io.switchboard.server.externalapis;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.switchboard.server.credentials.ResolvedCredential;
import io.switchboard.server.errors.Problem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Runs an external API once: the engine behind {@code POST .../external-apis/{id}/test}, and the
 * one the flow runtime's data-action step will call.
 *
 * <ol>
 *   <li>Builds the request from the API and the inputs (URL, headers, JSON body; see {@link
 *       Placeholders}).
 *   <li>Asks the API's circuit breaker for a permit; an open circuit answers {@code circuit-open}
 *       at once.
 *   <li>Attaches the credential (OAuth2 tokens from a cache that refreshes before expiry; a 401
 *       with a cached token drops it and tries once more with a fresh one).
 *   <li>Sends within the budget: the API's {@code timeout} (or the caller's, if smaller) covers
 *       every attempt and every wait. Only 429 and 5xx are retried, at most {@code retry} times,
 *       after {@code Retry-After} when the answer gives one (else a short jittered backoff), and
 *       only if that wait fits in the budget.
 *   <li>Checks the answer: 2xx, a JSON content type before anything is parsed, the mapping's
 *       outputs present.
 * </ol>
 *
 * Callers are expected to run on virtual threads: waiting for an answer or a retry parks the
 * caller, and no platform thread is held per call.
 */
public final class ExternalApiEngine implements AutoCloseable {
  private static final long BACKOFF_BASE_MS = 100;

  /** Opens a stored credential for the org; throws {@code Problem} not-found when it is gone. */
  @FunctionalInterface
  public interface CredentialLookup {
    ResolvedCredential resolve(String orgId, String credentialId);
  }

  private final OutboundHttp http;
  private final OutboundExchange exchange;
  private final CredentialLookup credentials;
  private final CircuitBreakers breakers;
  private final ResponseMapper mapper;
  private final JsonMapper json;
  private final OAuth2Tokens tokens;

  public ExternalApiEngine(
      OutboundHttp http,
      CredentialLookup credentials,
      CircuitBreakers breakers,
      ResponseMapper mapper,
      JsonMapper json,
      Clock clock) {
    this(http, OutboundExchange.direct(http), credentials, breakers, mapper, json, clock);
  }

  /** With {@code exchange} between the engine and {@code http} (fault injection). */
  public ExternalApiEngine(
      OutboundHttp http,
      OutboundExchange exchange,
      CredentialLookup credentials,
      CircuitBreakers breakers,
      ResponseMapper mapper,
      JsonMapper json,
      Clock clock) {
    this.http = http;
    this.exchange = exchange;
    this.credentials = credentials;
    this.breakers = breakers;
    this.mapper = mapper;
    this.json = json;
    this.tokens = new OAuth2Tokens(http, json, clock);
  }

  public ResponseMapper mapper() {
    return mapper;
  }

  public String circuitState(String apiId) {
    return breakers.state(apiId);
  }

  /**
   * Forgets what the engine keeps about an API (its circuit, its compiled mapping) after it
   * changed.
   */
  public void forget(String apiId) {
    breakers.forget(apiId);
    mapper.forget(apiId);
  }

  /** Runs {@code api} once with its own timeout as the budget. */
  public ExecutionReport execute(ExternalApi api, JsonNode inputs) {
    return execute(api, inputs, null);
  }

  /**
   * Runs {@code api} once within {@code budget} or its own timeout, whichever is smaller (a flow
   * passes what is left of its deadline). Inputs the API needs but lacks are a {@code Problem}
   * (400), before any call.
   */
  public ExecutionReport execute(ExternalApi api, JsonNode inputs, Duration budget) {
    Request request =
        prepare(api, inputs == null || inputs.isNull() ? json.createObjectNode() : inputs);
    return execute(
        new Call(
            api.id(),
            api.orgId(),
            api.credentialId(),
            api.timeout(),
            api.retry(),
            "external API",
            request,
            (status, headers, body, deadline) -> mapper.map(api, status, headers, body, deadline)),
        budget);
  }

  /**
   * What the engine runs: an already built request, where its circuit and credential come from, its
   * budget and retries, and how a 2xx JSON answer becomes outputs. External APIs and Genesys-shaped
   * data actions (package {@code integrations}) both come here, so both get the same budget,
   * retries, breaker, egress, credential and content-type rules.
   *
   * @param circuitId the key of the circuit breaker (and of {@link #forget})
   * @param label what the caller calls the thing, for messages ("external API", "data action")
   * @param attachCredential false when the request already carries the credential's values (a data
   *     action's templates placed them): the engine adds no header of its own, and still sends the
   *     request only to the credential's allowed hosts and redacts its secrets from the report
   */
  public record Call(
      String circuitId,
      String orgId,
      String credentialId,
      int timeoutMs,
      int retry,
      String label,
      Request request,
      ResponseReader reader,
      boolean attachCredential) {
    /** A call whose credential the engine attaches by its type. */
    public Call(
        String circuitId,
        String orgId,
        String credentialId,
        int timeoutMs,
        int retry,
        String label,
        Request request,
        ResponseReader reader) {
      this(circuitId, orgId, credentialId, timeoutMs, retry, label, request, reader, true);
    }
  }

  /** The request to send: URL (http/https), method, headers, and the body bytes or null. */
  public record Request(URI uri, String method, List<ExternalApi.Header> headers, byte[] body) {}

  /** Turns a 2xx answer's parsed JSON body (NullNode when empty) into the outputs. */
  @FunctionalInterface
  public interface ResponseReader {
    JsonNode read(int status, Map<String, String> headers, JsonNode body, long deadlineNanos)
        throws ResponseMapper.MappingFailure;
  }

  /**
   * Runs {@code call} once within {@code budget} or its own timeout, whichever is smaller. A
   * credential that is gone is a {@code Problem} (409 {@code credential.missing}).
   */
  public ExecutionReport execute(Call call, Duration budget) {
    long started = System.nanoTime();
    long budgetNanos = TimeUnit.MILLISECONDS.toNanos(call.timeoutMs());
    if (budget != null) budgetNanos = Math.min(budgetNanos, budget.toNanos());
    long deadline = started + budgetNanos;
    Request prepared = call.request();
    requireHttp(prepared.uri());
    ResolvedCredential credential = null;
    if (call.credentialId() != null) {
      try {
        credential = credentials.resolve(call.orgId(), call.credentialId());
      } catch (Problem p) {
        if (p.kind() != Problem.Kind.NOT_FOUND) throw p;
        throw new Problem(
            Problem.Kind.CONFLICT,
            "credential.missing",
            "The credential "
                + call.credentialId()
                + " of this "
                + call.label()
                + " no longer exists",
            Map.of("credentialId", call.credentialId()));
      }
    }

    if (credential != null && !credential.mayBeSentTo(prepared.uri().getHost()))
      return hostRefused(call, credential, prepared, started);
    ResolvedCredential resolved = credential;
    CircuitBreaker<Object> breaker = breakers.of(call.circuitId());
    var progress = new Progress();
    Outcome outcome;
    try {
      // Failsafe takes the permit and records the execution however it ends (an exception is a
      // failure), so a
      // half-open circuit never waits for a permit that is not given back.
      outcome =
          Failsafe.with(breaker).get(() -> attempts(call, prepared, resolved, deadline, progress));
    } catch (CircuitBreakerOpenException e) {
      long waitMs = breaker.getRemainingDelay().toMillis();
      return new ExecutionReport(
          false,
          null,
          elapsedMs(started),
          0,
          null,
          new ExecutionReport.Failure(
              ExecutionReport.CIRCUIT_OPEN,
              "the circuit of this "
                  + call.label()
                  + " is open after repeated failures; the next trial"
                  + " call is allowed in "
                  + waitMs
                  + " ms"),
          CircuitBreakers.stateName(breaker));
    }
    var report =
        new ExecutionReport(
            outcome.failure() == null,
            outcome.status(),
            elapsedMs(started),
            outcome.attempts(),
            outcome.outputs(),
            outcome.failure(),
            CircuitBreakers.stateName(breaker),
            progress.log);
    return credential == null
        ? report
        : Redaction.of(
                credential,
                credential.type()
                        == io.switchboard.server.credentials.CredentialType
                            .OAUTH2_CLIENT_CREDENTIALS
                    ? tokens.cached(credential)
                    : null)
            .apply(report);
  }

  /**
   * The credential's {@code allowedHosts} do not include the URL's host: nothing is sent. Checked
   * on every call (the host may come from inputs); redirects are never followed, so no other host
   * sees it either.
   */
  private ExecutionReport hostRefused(
      Call call, ResolvedCredential credential, Request prepared, long started) {
    String detail =
        credential.allowedHosts().isEmpty()
            ? "the credential "
                + credential.id()
                + " has no allowedHosts: set the hosts it may be sent to (integrations scope)"
                + " before using it"
            : "the credential "
                + credential.id()
                + " may not be sent to "
                + prepared.uri().getHost()
                + " (its allowedHosts: "
                + String.join(", ", credential.allowedHosts())
                + ")";
    return new ExecutionReport(
        false,
        null,
        elapsedMs(started),
        0,
        null,
        new ExecutionReport.Failure(CREDENTIAL_HOST_DENIED, detail),
        breakers.state(call.circuitId()));
  }

  /** The report kind of a call refused because the credential may not go to the URL's host. */
  public static final String CREDENTIAL_HOST_DENIED = "credential.host.denied";

  private record Outcome(
      Integer status,
      int attempts,
      JsonNode outputs,
      ExecutionReport.Failure failure,
      boolean breakerFailure)
      implements CircuitBreakers.Judged {
    static Outcome success(int status, int attempts, JsonNode outputs) {
      return new Outcome(status, attempts, outputs, null, false);
    }

    static Outcome failed(
        Integer status, int attempts, String kind, String detail, boolean breakerFailure) {
      return new Outcome(
          status, attempts, null, new ExecutionReport.Failure(kind, detail), breakerFailure);
    }
  }

  private Request prepare(ExternalApi api, JsonNode inputs) {
    URI uri;
    try {
      uri = new URI(Placeholders.url(api.url(), inputs));
    } catch (java.net.URISyntaxException e) {
      throw Problem.invalid(
          "url", "with its inputs filled in, the URL is not valid: " + e.getReason());
    }
    requireHttp(uri);
    var headers = new ArrayList<ExternalApi.Header>();
    for (ExternalApi.Header h : api.headers())
      headers.add(new ExternalApi.Header(h.key(), Placeholders.header(h.key(), h.value(), inputs)));
    byte[] body = null;
    if (api.requestTemplate() != null && !api.method().equals("GET"))
      body = json.writeValueAsBytes(Placeholders.render(api.requestTemplate(), inputs));
    return new Request(uri, api.method(), headers, body);
  }

  /** Saved APIs were checked already; this guards every other caller (a flow, a data action). */
  private static void requireHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null)
      throw Problem.invalid("url", "only http and https URLs with a host can be called");
  }

  /**
   * One attempt's verdict: the outcome when no attempt follows, or the wait before the next one.
   * Whether a retry is allowed and fits in the budget is decided where the wait is known, so a step
   * that asks for a retry always gets it.
   */
  private record Step(Outcome outcome, Duration delay) {
    static Step done(Outcome outcome) {
      return new Step(outcome, null);
    }

    static Step after(Duration delay) {
      return new Step(null, delay);
    }

    boolean again() {
      return outcome == null;
    }
  }

  /** What one execution's attempts have used so far. */
  private static final class Progress {
    int attempts;
    int retriesUsed;
    boolean tokenRefreshed;
    Integer lastStatus;
    final List<ExecutionReport.Attempt> log = new ArrayList<>();

    void log(Integer status, String error, long sentNanos, Long waitMs, String why) {
      if (log.size() >= ExecutionReport.MAX_ATTEMPT_LOG) return;
      log.add(
          new ExecutionReport.Attempt(
              attempts,
              status,
              error,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNanos),
              waitMs,
              why));
    }
  }

  /**
   * Attempts until a step is final, waiting in between as the step says ({@code Retry-After} or a
   * jittered backoff). The retry budget ({@code retry} of the API; a token refresh after a 401 does
   * not count) is the steps' own, so the policy has no count of its own.
   */
  private Outcome attempts(
      Call api, Request prepared, ResolvedCredential credential, long deadline, Progress progress) {
    RetryPolicy<Step> retries =
        RetryPolicy.<Step>builder()
            .handleIf((step, failure) -> failure == null && step.again())
            .withDelayFn(context -> context.getLastResult().delay())
            .withMaxRetries(-1)
            .build();
    try {
      return Failsafe.with(retries)
          .get(() -> attempt(api, prepared, credential, deadline, progress))
          .outcome();
    } catch (FailsafeException e) {
      if (!(e.getCause() instanceof InterruptedException)) throw e;
      return Outcome.failed(
          progress.lastStatus,
          progress.attempts,
          ExecutionReport.HTTP,
          "interrupted while waiting to retry",
          false);
    }
  }

  private Step attempt(
      Call api, Request prepared, ResolvedCredential credential, long deadline, Progress progress) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) return Step.done(timedOut(api, progress.attempts, null));
    String bearer = null;
    HttpRequest.Builder request = request(prepared, remaining);
    if (credential != null && api.attachCredential()) {
      try {
        bearer = attach(request, credential, deadline);
      } catch (OAuth2Tokens.TokenFailure f) {
        return Step.done(Outcome.failed(null, progress.attempts, f.kind, f.getMessage(), true));
      } catch (TimeoutException e) {
        return Step.done(timedOut(api, progress.attempts, "waiting for an OAuth2 access token"));
      }
    }
    int attempts = ++progress.attempts;
    OutboundHttp.Response r;
    long sent = System.nanoTime();
    try {
      r = exchange.send(api, request.build(), deadline);
    } catch (TimeoutException e) {
      progress.log(null, ExecutionReport.TIMEOUT, sent, null, null);
      return Step.done(timedOut(api, attempts, null));
    } catch (Egress.DeniedException e) {
      progress.log(null, Egress.DENIED, sent, null, null);
      // Policy, not the API's health: it does not count against the circuit.
      return Step.done(Outcome.failed(null, attempts, Egress.DENIED, e.getMessage(), false));
    } catch (OutboundHttp.TooLargeException e) {
      progress.log(null, ExecutionReport.INVALID_RESPONSE, sent, null, null);
      return Step.done(
          Outcome.failed(null, attempts, ExecutionReport.INVALID_RESPONSE, e.getMessage(), true));
    } catch (IOException e) {
      progress.log(null, ExecutionReport.HTTP, sent, null, null);
      return Step.done(
          Outcome.failed(
              null, attempts, ExecutionReport.HTTP, "the request failed: " + describe(e), true));
    }
    int status = r.status();
    progress.lastStatus = status;
    if (status == 401 && bearer != null && !progress.tokenRefreshed) {
      // The API may have revoked a token we still believed in: one more try with a fresh one.
      progress.log(status, null, sent, 0L, ExecutionReport.WAIT_TOKEN_REFRESH);
      tokens.invalidate(credential, bearer);
      progress.tokenRefreshed = true;
      return Step.after(Duration.ZERO);
    }
    if (status / 100 == 2) {
      progress.log(status, null, sent, null, null);
      return Step.done(readSuccess(api, r, attempts, deadline));
    }
    boolean retryable = status == 429 || status / 100 == 5;
    if (!retryable) {
      progress.log(status, null, sent, null, null);
      return Step.done(
          Outcome.failed(
              status,
              attempts,
              ExecutionReport.HTTP,
              "HTTP "
                  + status
                  + excerpt(r)
                  + (status / 100 == 3
                      ? " (redirects are not followed)"
                      : " (not retried: only 429 and 5xx are)"),
              false));
    }
    if (progress.retriesUsed >= api.retry()) {
      progress.log(status, null, sent, null, ExecutionReport.GAVE_UP_RETRIES);
      return Step.done(
          Outcome.failed(
              status,
              attempts,
              ExecutionReport.HTTP,
              "HTTP "
                  + status
                  + excerpt(r)
                  + " after "
                  + attempts
                  + (attempts == 1 ? " attempt" : " attempts"),
              true));
    }
    Long retryAfter = retryAfterMillis(r.headers());
    long waitMs = retryAfter != null ? retryAfter : backoffMs(progress.retriesUsed);
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (waitMs >= left) {
      // Give up now rather than sleep into a certain timeout.
      progress.log(
          status,
          null,
          sent,
          waitMs,
          retryAfter != null
              ? ExecutionReport.GAVE_UP_RETRY_AFTER
              : ExecutionReport.GAVE_UP_BACKOFF);
      return Step.done(
          Outcome.failed(
              status,
              attempts,
              ExecutionReport.HTTP,
              "HTTP "
                  + status
                  + "; "
                  + (retryAfter != null
                      ? "Retry-After " + (retryAfter / 1000) + " s"
                      : "the backoff of " + waitMs + " ms")
                  + " does not fit in the "
                  + Math.max(0, left)
                  + " ms left of the "
                  + api.timeoutMs()
                  + " ms budget",
              true));
    }
    progress.retriesUsed++;
    progress.log(
        status,
        null,
        sent,
        waitMs,
        retryAfter != null ? ExecutionReport.WAIT_RETRY_AFTER : ExecutionReport.WAIT_BACKOFF);
    return Step.after(Duration.ofMillis(waitMs));
  }

  private Outcome readSuccess(Call api, OutboundHttp.Response r, int attempts, long deadline) {
    JsonNode body = NullNode.getInstance();
    if (r.body().length > 0) {
      // An HTML error page with a 200 is a failure to report, not something to feed a JSON parser.
      if (!isJson(r.headers())) {
        return Outcome.failed(
            r.status(),
            attempts,
            ExecutionReport.INVALID_RESPONSE,
            "expected a JSON answer but Content-Type is "
                + r.headers().firstValue("Content-Type").orElse("missing"),
            true);
      }
      try {
        body = json.readTree(r.body());
      } catch (StreamReadException e) {
        var at = e.getLocation();
        return Outcome.failed(
            r.status(),
            attempts,
            ExecutionReport.INVALID_RESPONSE,
            "malformed JSON"
                + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()),
            true);
      } catch (JacksonException e) {
        return Outcome.failed(
            r.status(),
            attempts,
            ExecutionReport.INVALID_RESPONSE,
            "the answer could not be read as JSON",
            true);
      }
    }
    try {
      // Mapping is part of the call: it runs within what is left of the budget.
      return Outcome.success(
          r.status(),
          attempts,
          api.reader().read(r.status(), firstValues(r.headers()), body, deadline));
    } catch (ResponseMapper.MappingFailure e) {
      if (e.budgetExceeded())
        return Outcome.failed(
            r.status(),
            attempts,
            ExecutionReport.TIMEOUT,
            "mapping the response did not finish within the "
                + api.timeoutMs()
                + " ms budget ("
                + e.getMessage()
                + ")",
            false);
      return Outcome.failed(
          r.status(), attempts, ExecutionReport.INVALID_RESPONSE, e.getMessage(), true);
    }
  }

  private static Outcome timedOut(Call api, int attempts, String while_) {
    return Outcome.failed(
        null,
        attempts,
        ExecutionReport.TIMEOUT,
        "no complete answer within the "
            + api.timeoutMs()
            + " ms budget"
            + (while_ == null
                ? (attempts > 1 ? " (during attempt " + attempts + ")" : "")
                : " (" + while_ + ")"),
        true);
  }

  private static HttpRequest.Builder request(Request p, long remainingNanos) {
    var b =
        HttpRequest.newBuilder(p.uri())
            .timeout(Duration.ofNanos(Math.max(1_000_000, remainingNanos)));
    b.method(
        p.method(),
        p.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(p.body()));
    boolean accept = false;
    boolean contentType = false;
    for (ExternalApi.Header h : p.headers()) {
      b.header(h.key(), h.value());
      accept |= h.key().equalsIgnoreCase("Accept");
      contentType |= h.key().equalsIgnoreCase("Content-Type");
    }
    if (!accept) b.header("Accept", "application/json");
    if (p.body() != null && !contentType)
      b.header("Content-Type", "application/json; charset=utf-8");
    return b;
  }

  /** Adds the credential's header; returns the bearer token when it came from the OAuth2 cache. */
  private String attach(HttpRequest.Builder b, ResolvedCredential c, long deadline)
      throws OAuth2Tokens.TokenFailure, TimeoutException {
    switch (c.type()) {
      case BASIC ->
          b.setHeader(
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (c.publicField("username") + ":" + c.secret("password"))
                              .getBytes(StandardCharsets.UTF_8)));
      case BEARER -> b.setHeader("Authorization", "Bearer " + c.secret("token"));
      case API_KEY -> b.setHeader(c.publicField("headerName"), c.secret("apiKey"));
      case OAUTH2_CLIENT_CREDENTIALS -> {
        String token = tokens.token(c, deadline);
        b.setHeader("Authorization", "Bearer " + token);
        return token;
      }
      case USER_DEFINED -> {
        // Its fields are placed by the data action's templates ($credentials), never by type.
      }
    }
    return null;
  }

  /**
   * {@code Retry-After} as delay-seconds or an HTTP date, in milliseconds; null when absent or
   * unreadable.
   */
  static Long retryAfterMillis(HttpHeaders headers) {
    String v = headers.firstValue("Retry-After").map(String::trim).orElse(null);
    if (v == null || v.isEmpty()) return null;
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Math.min(seconds, 86_400) * 1000;
    } catch (NumberFormatException notSeconds) {
      try {
        long ms =
            Duration.between(
                    ZonedDateTime.now(),
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME))
                .toMillis();
        return Math.max(0, ms);
      } catch (java.time.format.DateTimeParseException notADate) {
        return null;
      }
    }
  }

  /**
   * 100, 200, 400 ms ceilings, each waited between half and all of it (jitter spreads synchronized
   * retries).
   */
  private static long backoffMs(int retriesUsed) {
    long cap = BACKOFF_BASE_MS << Math.min(retriesUsed, 6);
    return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
  }

  static boolean isJson(HttpHeaders headers) {
    String ct = headers.firstValue("Content-Type").orElse("");
    String media = ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return media.equals("application/json")
        || (media.startsWith("application/") && media.endsWith("+json"));
  }

  /** A short, safe hint from an error answer's JSON body (HTML pages are not quoted). */
  private static String excerpt(OutboundHttp.Response r) {
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (r.body().length == 0) return "";
    if (!isJson(r.headers()))
      return " (" + (type.isEmpty() ? "no Content-Type" : type.split(";", 2)[0].trim()) + ")";
    String text =
        new String(r.body(), 0, Math.min(r.body().length, 200), StandardCharsets.UTF_8)
            .replaceAll("\\s+", " ");
    return ": " + text + (r.body().length > 200 ? "..." : "");
  }

  private static Map<String, String> firstValues(HttpHeaders headers) {
    var out = new LinkedHashMap<String, String>();
    headers
        .map()
        .forEach((k, v) -> {
          if (!v.isEmpty()) out.put(k.toLowerCase(Locale.ROOT), v.get(0));
        });
    return out;
  }

  static String describe(IOException e) {
    if (e instanceof ConnectException)
      return "could not connect" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    if (e instanceof java.net.UnknownHostException) return "unknown host " + e.getMessage();
    if (e instanceof javax.net.ssl.SSLException) return "TLS failed: " + e.getMessage();
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  @Override
  public void close() {
    http.close();
  }
}

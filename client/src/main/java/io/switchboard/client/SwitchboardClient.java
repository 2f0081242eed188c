package io.switchboard.client;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client for one Switchboard org, authenticated with OAuth client credentials.
 *
 * <ul>
 *   <li><b>Tokens</b> are cached and replaced before expiry by one caller (single flight), and
 *       replaced once when the server answers 401 to a token that expired or was revoked.
 *   <li><b>Retries</b> happen only on 429, 502, 503, 504 and connection failures, and only for
 *       requests that are safe to repeat: idempotent methods, or POSTs carrying an {@code
 *       Idempotency-Key} (the typed APIs add one to the POSTs the server deduplicates). The wait is
 *       the server's {@code Retry-After}, else full-jitter exponential backoff ({@link
 *       RetrySettings}).
 *   <li><b>Deadlines</b>: every call has one (the client's default, {@link #withDeadline} or {@link
 *       ApiRequest#deadline}); no wait is started that would end past it, and the caller then gets
 *       a {@link DeadlineExceededException} listing what was tried.
 *   <li><b>Circuit breaker</b>: after repeated 5xx or connection failures calls fail fast with
 *       {@link CircuitOpenException} for a while ({@link CircuitBreakerSettings}).
 *   <li><b>Fewer calls</b>: published scripts are ETag-cached and concurrent identical reads share
 *       one request; concurrent session creations are batched into the bulk endpoint.
 * </ul>
 *
 * <pre>{@code
 * try (var client = SwitchboardClient.builder()
 *     .baseUrl("http://127.0.0.1:8080")
 *     .clientCredentials(id, secret)
 *     .build()) {
 *   client.oauthClients().stream(100).forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance per org (see {@link OrgClients} for apps that serve many
 * orgs).
 */
public final class SwitchboardClient implements AutoCloseable {
  private final ClientCore core;
  private final Duration deadline;
  private final boolean owner;
  private final RequestOptions options;
  private final ResponseCapture capture;

  private SwitchboardClient(
      ClientCore core,
      Duration deadline,
      boolean owner,
      RequestOptions options,
      ResponseCapture capture) {
    this.core = core;
    this.deadline = deadline;
    this.owner = owner;
    this.options = options;
    this.capture = capture;
  }

  /**
   * A new builder; {@code baseUrl} and {@code clientCredentials} are required.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The same client (same token, caches, breaker and counters) with another default deadline for
   * the calls made through it. Closing the view does nothing; close the original.
   *
   * @param deadline the deadline
   * @return a view of this client
   */
  public SwitchboardClient withDeadline(Duration deadline) {
    requirePositive(deadline);
    return new SwitchboardClient(core, deadline, false, options, capture);
  }

  /**
   * The same client whose calls carry {@code options}: a correlation id, extra headers, their own
   * deadline and retry settings (on top of this view's options). Closing the view does nothing.
   *
   * @param options the options of this view
   * @return a view of this client
   */
  public SwitchboardClient withOptions(RequestOptions options) {
    Objects.requireNonNull(options, "options");
    return new SwitchboardClient(
        core,
        options.deadline() != null ? options.deadline() : deadline,
        false,
        this.options.and(options),
        capture);
  }

  /**
   * Runs {@code call} against a view of this client and returns its result with the metadata of its
   * answer: status, headers, correlation id, rate-limit state. When the call made several requests,
   * the last answer's.
   *
   * <pre>{@code
   * Response<User> r = client.withResponse(c -> c.users().get(id));
   * r.value(); r.correlationId(); r.rateLimit();
   * }</pre>
   *
   * @param <T> the result type
   * @param call the call, made through the given client
   * @throws IllegalStateException when {@code call} made no call through the view it was given
   * @return the result with the last answer's status and headers
   */
  public <T> Response<T> withResponse(Function<SwitchboardClient, T> call) {
    var captured = new ResponseCapture();
    T value = call.apply(new SwitchboardClient(core, deadline, false, options, captured));
    ApiResponse last = captured.last();
    if (last == null)
      throw new IllegalStateException("the call made no request through the client it was given");
    return new Response<>(value, last.status(), last.headers(), captured.fromCache());
  }

  /**
   * Runs {@code call} on a virtual thread: the {@link CompletableFuture} form of any call, for
   * example {@code client.async(c -> c.scripts().get(id))}. The future completes with the result or
   * with the exception the call threw ({@link SwitchboardException} and its subclasses, as the
   * synchronous call). Cancelling the future interrupts the call: a wait (for a retry, a token, the
   * pacer) ends, an exchange in flight is abandoned, and nothing further is sent.
   *
   * @param <T> the result type
   * @param call the call, made through the given client
   * @return a future of the call's result; cancelling it interrupts the call
   */
  public <T> CompletableFuture<T> async(Function<SwitchboardClient, T> call) {
    Objects.requireNonNull(call, "call");
    var future = new InterruptibleFuture<T>();
    Thread thread =
        Thread.ofVirtual()
            .name("switchboard-async")
            .unstarted(() -> {
              try {
                future.complete(call.apply(this));
              } catch (Throwable e) {
                future.completeExceptionally(e);
              }
            });
    future.thread = thread;
    thread.start();
    return future;
  }

  /**
   * {@link #async} for calls without a result, such as {@code c -> c.users().delete(id)}.
   *
   * @param call the call, made through the given client
   * @return a future completed when the call ends; cancelling it interrupts the call
   */
  public CompletableFuture<Void> asyncRun(Consumer<SwitchboardClient> call) {
    Objects.requireNonNull(call, "call");
    return async(c -> {
      call.accept(c);
      return null;
    });
  }

  /** A future whose cancellation interrupts the thread running the call. */
  private static final class InterruptibleFuture<T> extends CompletableFuture<T> {
    volatile Thread thread;

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Thread t = thread;
      if (cancelled && t != null) t.interrupt();
      return cancelled;
    }
  }

  /**
   * The default deadline of calls made through this instance.
   *
   * @return the default deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * OAuth clients of this org (scope {@code oauth}).
   *
   * @return the oAuth clients of this org (scope {@code oauth})
   */
  public OAuthClientsApi oauthClients() {
    return new OAuthClientsApi(this);
  }

  /**
   * Script drafts (scope {@code scripts}).
   *
   * @return the script drafts (scope {@code scripts})
   */
  public ScriptsApi scripts() {
    return new ScriptsApi(this);
  }

  /**
   * Published scripts: ETag-cached, concurrent reads shared (scope {@code scripts}).
   *
   * @return the published scripts: ETag-cached, concurrent reads shared (scope {@code scripts})
   */
  public PublishedScriptsApi publishedScripts() {
    return new PublishedScriptsApi(this);
  }

  /**
   * Agent script sessions: batched creation, merge patch, read-apply-write updates (scope {@code
   * agent-scripting}).
   *
   * @return the agent script sessions: batched creation, merge patch, read-apply-write updates
   *     (scope {@code agent-scripting})
   */
  public SessionsApi sessions() {
    return new SessionsApi(this);
  }

  /**
   * The org's agents (scope {@code users}).
   *
   * @return the the org's agents (scope {@code users})
   */
  public UsersApi users() {
    return new UsersApi(this);
  }

  /**
   * Calls, participants and wrap-ups (scope {@code conversations}).
   *
   * @return the calls, participants and wrap-ups (scope {@code conversations})
   */
  public ConversationsApi conversations() {
    return new ConversationsApi(this);
  }

  /**
   * Wrap-up codes (scope {@code routing}).
   *
   * @return the wrap-up codes (scope {@code routing})
   */
  public WrapupCodesApi wrapupCodes() {
    return new WrapupCodesApi(this);
  }

  /**
   * The org's rate limits and usage (scopes {@code limits}, {@code limits:edit}).
   *
   * @return the the org's rate limits and usage (scopes {@code limits}, {@code limits:edit})
   */
  public LimitsApi limits() {
    return new LimitsApi(this);
  }

  /**
   * External APIs (data actions) of this org (scope {@code architect}).
   *
   * @return the external APIs (data actions) of this org (scope {@code architect})
   */
  public ExternalApisApi externalApis() {
    return new ExternalApisApi(this);
  }

  /**
   * Architect flows, their definitions and workflow executions (scope {@code architect}).
   *
   * @return the architect flows, their definitions and workflow executions (scope {@code
   *     architect})
   */
  public FlowsApi flows() {
    return new FlowsApi(this);
  }

  /**
   * Routing queues, their members and agents' routing status (scope {@code routing}).
   *
   * @return the routing API
   */
  public RoutingApi routing() {
    return new RoutingApi(this);
  }

  /**
   * IVRs: the numbers calls arrive on and the flows they run (scope {@code architect}).
   *
   * @return the IVRs API
   */
  public IvrsApi ivrs() {
    return new IvrsApi(this);
  }

  /**
   * Genesys data actions and their integrations (scope {@code integrations}).
   *
   * @return the data actions API
   */
  public DataActionsApi dataActions() {
    return new DataActionsApi(this);
  }

  /**
   * Fault rules and scenarios (scopes {@code faults}, and {@code oauth} to change them).
   *
   * @return the faults API
   */
  public FaultsApi faults() {
    return new FaultsApi(this);
  }

  /**
   * Roles, divisions and users' roles (scope {@code authorization}).
   *
   * @return the authorization API
   */
  public AuthorizationApi authorization() {
    return new AuthorizationApi(this);
  }

  /**
   * What this client has done so far: requests, 429s, retries, cache hits...
   *
   * @return a snapshot of the counters
   */
  public ClientStats stats() {
    return core.counters.snapshot();
  }

  /**
   * The circuit breaker's state: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}.
   *
   * @return the state
   */
  public String circuitState() {
    return core.breakerState();
  }

  /**
   * The JSON mapper this client reads and writes with.
   *
   * @return the mapper
   */
  public JsonMapper json() {
    return core.json;
  }

  /**
   * Sends {@code request} and binds the JSON answer to {@code type} (null for an empty body).
   *
   * @param <T> the result type
   * @param request the request
   * @param type the type to bind to
   * @return the bound answer, or null for an empty body
   */
  public <T> T call(ApiRequest request, Class<T> type) {
    ApiResponse response = send(request);
    return response.body().length == 0 ? null : core.json.readValue(response.body(), type);
  }

  /**
   * Sends {@code request} and binds the JSON answer to a generic type such as {@code Page<Script>}.
   */
  <T> T call(ApiRequest request, JavaType type) {
    ApiResponse response = send(request);
    return response.body().length == 0 ? null : core.json.readValue(response.body(), type);
  }

  /**
   * Sends {@code request} and binds a Genesys page ({@code entities}, {@code pageNumber}, ...) of
   * {@code item}s: the raw form of any listing the typed APIs do not cover.
   *
   * @param <T> the result type
   * @param request the request
   * @param item the item type
   * @return the page
   */
  public <T> Page<T> callPage(ApiRequest request, Class<T> item) {
    return call(request, pageOf(item));
  }

  /**
   * Sends {@code request} and binds a JSON array of {@code item}s (empty for an empty body).
   *
   * @param <T> the result type
   * @param request the request
   * @param item the item type
   * @return the items
   */
  public <T> List<T> callList(ApiRequest request, Class<T> item) {
    List<T> list =
        call(request, core.json.getTypeFactory().constructCollectionType(List.class, item));
    return list == null ? List.of() : list;
  }

  /**
   * Sends {@code request} and returns its JSON tree (a missing node for an empty body).
   *
   * @param request the request
   * @return the JSON tree
   */
  public JsonNode callForTree(ApiRequest request) {
    ApiResponse response = send(request);
    return response.body().length == 0
        ? core.json.missingNode()
        : core.json.readTree(response.body());
  }

  /**
   * Sends {@code request} with authentication, retries and the deadline; returns a 2xx or 304
   * answer and throws {@link ApiException} (typed by status) for anything else.
   *
   * @param request the request
   * @return the answer (status, headers, body)
   */
  public ApiResponse send(ApiRequest request) {
    return exchange(request, deadlineOf(request));
  }

  /** Sends with this view's options, records the answer for {@link #withResponse}. */
  ApiResponse exchange(ApiRequest request, Instant deadline) {
    ApiResponse response = core.send(options.applyTo(request), deadline, options.retry());
    if (capture != null) capture.record(response, false);
    return response;
  }

  /**
   * A read through the published-script cache, recorded for {@link #withResponse}; a view whose
   * options add headers or retry settings reads past the cache, with them.
   */
  byte[] cachedRead(String path) {
    if (!options.addsNothingToRequests() || options.retry() != null)
      return exchange(ApiRequest.get(path), newDeadline()).body();
    ConditionalCache.Read read = core.publishedCache().get(path, newDeadline());
    if (capture != null) capture.record(read.response(), read.shared());
    return read.body();
  }

  /**
   * True when calls through this instance may share requests with other callers (batching): no
   * per-call headers, retry settings or response capture.
   */
  boolean plain() {
    return options.addsNothingToRequests() && options.retry() == null && capture == null;
  }

  /** When a call of this request must be over. */
  Instant deadlineOf(ApiRequest request) {
    return core.clock.instant().plus(request.deadline() != null ? request.deadline() : deadline);
  }

  /** The deadline of a call starting now with this instance's default. */
  Instant newDeadline() {
    return core.clock.instant().plus(deadline);
  }

  /** Binds a response body (null when empty). */
  <T> T read(ApiResponse response, Class<T> type) {
    return response.body().length == 0 ? null : core.json.readValue(response.body(), type);
  }

  ClientCore core() {
    return core;
  }

  /** The type {@code Page<item>}. */
  JavaType pageOf(Class<?> item) {
    return core.json.getTypeFactory().constructParametricType(Page.class, item);
  }

  /**
   * A fresh random {@code Idempotency-Key}.
   *
   * @return a random UUID
   */
  public static String newIdempotencyKey() {
    return UUID.randomUUID().toString();
  }

  /**
   * Releases the HTTP client if this client created it. Views ({@link #withDeadline}) close
   * nothing.
   */
  @Override
  public void close() {
    if (owner) core.close();
  }

  private static void requirePositive(Duration d) {
    if (d == null || d.isNegative() || d.isZero())
      throw new IllegalArgumentException("deadline must be positive");
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Builds a {@link SwitchboardClient}. {@code baseUrl} and {@code clientCredentials} are required.
   */
  public static final class Builder {
    private String baseUrl;
    private String clientId;
    private String clientSecret;
    private String orgId;
    private Duration deadline = Duration.ofSeconds(10);
    private RetrySettings retry = RetrySettings.DEFAULT;
    private CircuitBreakerSettings breaker = CircuitBreakerSettings.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private HttpClient httpClient;
    private Duration publishedScriptFreshness = Duration.ofSeconds(1);
    private SessionBatching sessionBatching = SessionBatching.DEFAULT;
    private int updateAttempts = 25;
    private boolean pacing = true;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private final List<ClientListener> listeners = new ArrayList<>();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private ProxySelector proxy;
    private SSLContext sslContext;

    private Builder() {}

    /**
     * Adds an interceptor: it sees each request before it is sent (and may add headers) and each
     * answer; several run in the order added.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor));
      return this;
    }

    /**
     * Adds a listener of the client's events (requests, retries, pacer waits, breaker state, cache
     * reads), for example {@link MicrometerClientMetrics}; several get every event.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ClientListener listener) {
      listeners.add(Objects.requireNonNull(listener));
      return this;
    }

    /**
     * How long to wait for a TCP (and TLS) connection (default 5 s; the call's deadline still
     * bounds it). Not with {@link #httpClient}.
     *
     * @param timeout the connect timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero())
        throw new IllegalArgumentException("connectTimeout must be positive");
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * The HTTP proxy, for example {@code ProxySelector.of(new InetSocketAddress("proxy", 3128))}.
     * Not with {@link #httpClient}.
     *
     * @param proxy the proxy selector
     * @return this builder
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = Objects.requireNonNull(proxy);
      return this;
    }

    /**
     * The TLS context for {@code https} base URLs (trust store, client certificates). Not with
     * {@link #httpClient}.
     *
     * @param sslContext the TLS context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext);
      return this;
    }

    /**
     * The server, for example {@code http://127.0.0.1:8080}.
     *
     * @param baseUrl the server, for example {@code http://127.0.0.1:8080}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * The OAuth client (grant {@code client_credentials}) the client acts as.
     *
     * @param clientId the OAuth client id
     * @param clientSecret its secret
     * @return this builder
     */
    public Builder clientCredentials(String clientId, String clientSecret) {
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      return this;
    }

    /**
     * The org these credentials belong to. When set, every call carries {@code
     * X-Genesys-Organization-Id} and the server refuses it (403 {@code org.mismatch}) if the token
     * belongs to another org: a guard against mixed-up credentials in apps that serve many orgs.
     *
     * @param orgId the org id sent as {@code X-Genesys-Organization-Id}
     * @return this builder
     */
    public Builder orgId(String orgId) {
      this.orgId = orgId;
      return this;
    }

    /**
     * The default deadline of each call, retries and waits included (default 10 s).
     *
     * @param deadline the deadline
     * @return the default deadline
     */
    public Builder deadline(Duration deadline) {
      requirePositive(deadline);
      this.deadline = deadline;
      return this;
    }

    /**
     * How many tries and how long the backoff (default {@link RetrySettings#DEFAULT}).
     *
     * @param retry the retry settings
     * @return this builder
     */
    public Builder retry(RetrySettings retry) {
      this.retry = Objects.requireNonNull(retry);
      return this;
    }

    /**
     * When to stop calling a failing server (default {@link CircuitBreakerSettings#DEFAULT}).
     *
     * @param breaker the breaker settings
     * @return this builder
     */
    public Builder circuitBreaker(CircuitBreakerSettings breaker) {
      this.breaker = Objects.requireNonNull(breaker);
      return this;
    }

    /**
     * The clock deadlines and token lifetimes are measured with (tests move it).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * How long a published script read stays fresh before the next read revalidates it with {@code
     * If-None-Match} (default 1 s; zero revalidates every read). A newly published version is seen
     * after at most this long by other clients, at once by this one.
     *
     * @param freshness the freshness window
     * @return this builder
     */
    public Builder publishedScriptFreshness(Duration freshness) {
      if (freshness == null || freshness.isNegative())
        throw new IllegalArgumentException("freshness must be zero or positive");
      this.publishedScriptFreshness = freshness;
      return this;
    }

    /**
     * How session creations are batched (default {@link SessionBatching#DEFAULT}: on, 5 ms, up to
     * 100).
     *
     * @param batching the batching settings
     * @return this builder
     */
    public Builder sessionBatching(SessionBatching batching) {
      this.sessionBatching = Objects.requireNonNull(batching);
      return this;
    }

    /**
     * How many read-apply-write rounds {@link SessionsApi#update} makes before giving up (default
     * 25: 20 writers on one session needed at most 15 rounds each when measured; the deadline still
     * bounds the whole update).
     *
     * @param attempts the most rounds
     * @return this builder
     */
    public Builder updateAttempts(int attempts) {
      if (attempts < 1) throw new IllegalArgumentException("updateAttempts must be at least 1");
      this.updateAttempts = attempts;
      return this;
    }

    /**
     * Whether requests are paced to the rate limit the server announces (default on). On, each
     * request waits for its turn under the bucket the server names in {@code RateLimit-Policy} and
     * {@code RateLimit}, so a burst is spread out here instead of meeting 429s there; a call whose
     * turn would come after its deadline fails at once with {@link DeadlineExceededException},
     * nothing sent. Off, requests go out at once and 429s are retried after {@code Retry-After}.
     *
     * @param enabled whether to pace
     * @return this builder
     */
    public Builder rateLimitPacing(boolean enabled) {
      this.pacing = enabled;
      return this;
    }

    /**
     * Share an existing {@link HttpClient} (the client will not close it).
     *
     * @param httpClient the HTTP client to share (not closed by this client)
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    /**
     * The client; nothing is sent until the first call.
     *
     * @return the client
     */
    public SwitchboardClient build() {
      URI base = URI.create(stripSlash(Objects.requireNonNull(baseUrl, "baseUrl")));
      Objects.requireNonNull(clientId, "clientCredentials");
      Objects.requireNonNull(clientSecret, "clientCredentials");
      boolean ownsHttp = httpClient == null;
      if (!ownsHttp && (proxy != null || sslContext != null))
        throw new IllegalStateException(
            "proxy and sslContext configure the client's own HttpClient: set them on the shared"
                + " one");
      HttpClient http = httpClient;
      if (ownsHttp) {
        var b = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (proxy != null) b.proxy(proxy);
        if (sslContext != null) b.sslContext(sslContext);
        http = b.build();
      }
      var features =
          new ClientCore.Features(
              publishedScriptFreshness,
              sessionBatching,
              updateAttempts,
              pacing,
              interceptors,
              Listeners.of(listeners));
      var core =
          new ClientCore(
              base, orgId, clientId, clientSecret, retry, breaker, clock, http, ownsHttp, features);
      return new SwitchboardClient(core, deadline, true, RequestOptions.none(), null);
    }
  }
}

package io.switchboard.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One {@link SwitchboardClient} per org, for partner apps that serve many orgs. Each org's client
 * has its own credentials, token, circuit breaker, caches, session batcher and deadline, and every
 * call carries its org id ({@code X-Genesys-Organization-Id}) so mixed-up credentials fail with 403
 * instead of touching another org. The server's rate limits apply per token, client and org, and a
 * throttled org's callers wait in their own calls: one org's 429s never delay another org's
 * requests.
 *
 * <pre>{@code
 * try (var orgs = OrgClients.builder()
 *     .baseUrl("https://switchboard.example.com")
 *     .credentials(orgId -> vault.lookup(orgId))       // called once per org, on first use
 *     .configure((orgId, b) -> b.deadline(Duration.ofSeconds(5)))
 *     .build()) {
 *   orgs.forOrg(orgId).sessions().patch(sessionId, Map.of("caseId", "C-1"));
 * }
 * }</pre>
 *
 * <p>Thread-safe. The clients share one HTTP connection pool.
 */
public final class OrgClients implements AutoCloseable {
  /**
   * An org's OAuth client credentials.
   *
   * @param clientId the OAuth client id
   * @param clientSecret its secret
   */
  public record Credentials(String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "Credentials[clientId=" + clientId + "]";
    }
  }

  private final String baseUrl;
  private final Function<String, Credentials> lookup;
  private final BiConsumer<String, SwitchboardClient.Builder> configure;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final ConcurrentHashMap<String, SwitchboardClient> clients = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<SwitchboardClient>> pending =
      new ConcurrentHashMap<>();

  private OrgClients(Builder b) {
    this.baseUrl = Objects.requireNonNull(b.baseUrl, "baseUrl");
    this.lookup = b.lookup;
    this.configure = b.configure;
    this.ownsHttp = b.httpClient == null;
    this.http =
        ownsHttp
            ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
            : b.httpClient;
  }

  /**
   * A new builder; {@code baseUrl} is required.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The client of {@code orgId}, created on first use from the credentials lookup or a {@link
   * #register}.
   *
   * @param orgId the org
   * @throws IllegalArgumentException when the org is unknown (not registered, and the lookup has
   *     nothing)
   * @return the org's client
   */
  public SwitchboardClient forOrg(String orgId) {
    SwitchboardClient existing = clients.get(orgId);
    if (existing != null) return existing;
    if (lookup == null)
      throw new IllegalArgumentException("unknown org " + orgId + " (register it first)");
    // Single flight: the first caller of an org looks its credentials up, the others wait for its
    // result, so 20 concurrent first calls cost one lookup. The lookup runs outside the map's
    // locks:
    // a slow vault for one org must not stall another org's calls.
    var mine = new CompletableFuture<SwitchboardClient>();
    CompletableFuture<SwitchboardClient> leader = pending.putIfAbsent(orgId, mine);
    if (leader != null) return await(leader);
    try {
      SwitchboardClient result = clients.get(orgId); // made while we were getting here
      if (result == null) result = lookUpAndCreate(orgId);
      mine.complete(result);
      return result;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e); // the waiting callers get the same failure; none is kept
      throw e;
    } finally {
      pending.remove(orgId, mine);
    }
  }

  private SwitchboardClient lookUpAndCreate(String orgId) {
    Credentials c = lookup.apply(orgId);
    if (c == null) throw new IllegalArgumentException("no credentials for org " + orgId);
    SwitchboardClient created = newClient(orgId, c);
    SwitchboardClient raced = clients.putIfAbsent(orgId, created); // a register() came first
    if (raced == null) return created;
    created.close();
    return raced;
  }

  private static SwitchboardClient await(CompletableFuture<SwitchboardClient> leader) {
    try {
      return leader.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw e;
    }
  }

  /**
   * Adds or replaces an org's credentials; a replaced client is closed (its token is dropped).
   *
   * @param orgId the org
   * @param clientId its OAuth client id
   * @param clientSecret its secret
   */
  public void register(String orgId, String clientId, String clientSecret) {
    SwitchboardClient old =
        clients.put(orgId, newClient(orgId, new Credentials(clientId, clientSecret)));
    if (old != null) old.close();
  }

  /**
   * Forgets an org (for example when it uninstalls the app).
   *
   * @param orgId the org
   */
  public void remove(String orgId) {
    SwitchboardClient old = clients.remove(orgId);
    if (old != null) old.close();
  }

  /**
   * The orgs with a client right now.
   *
   * @return the org ids
   */
  public Set<String> orgs() {
    return Set.copyOf(clients.keySet());
  }

  private SwitchboardClient newClient(String orgId, Credentials c) {
    var builder =
        SwitchboardClient.builder()
            .baseUrl(baseUrl)
            .clientCredentials(c.clientId(), c.clientSecret())
            .orgId(orgId)
            .httpClient(http);
    if (configure != null) configure.accept(orgId, builder);
    return builder.build();
  }

  /** Closes every org's client and the shared connection pool. */
  @Override
  public void close() {
    clients.values().forEach(SwitchboardClient::close);
    clients.clear();
    if (ownsHttp) http.close();
  }

  /** Builds an {@link OrgClients}. */
  public static final class Builder {
    private String baseUrl;
    private Function<String, Credentials> lookup;
    private BiConsumer<String, SwitchboardClient.Builder> configure;
    private HttpClient httpClient;

    private Builder() {}

    /**
     * The server, for example {@code https://switchboard.example.com}.
     *
     * @param baseUrl the server, for example {@code http://127.0.0.1:8080}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Where an org's credentials come from on its first use (return null for an unknown org).
     *
     * @param lookup finds an org's credentials (called once per org)
     * @return this builder
     */
    public Builder credentials(Function<String, Credentials> lookup) {
      this.lookup = lookup;
      return this;
    }

    /**
     * Adjusts each org's client builder (deadline, retries, breaker...) before it is built.
     *
     * @param configure changes each org's client builder
     * @return this builder
     */
    public Builder configure(BiConsumer<String, SwitchboardClient.Builder> configure) {
      this.configure = configure;
      return this;
    }

    /**
     * Share an existing {@link HttpClient} (the registry will not close it).
     *
     * @param httpClient the HTTP client all org clients share
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    /**
     * The registry; no client is created until an org is used or registered.
     *
     * @return the registry
     */
    public OrgClients build() {
      return new OrgClients(this);
    }
  }
}

package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.client.UsersApi.NewUser;
import io.switchboard.client.UsersApi.User;
import io.switchboard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logging without secrets, interceptors, the Micrometer hook and the User-Agent (issue 17,
 * observability and configuration).
 */
class ObservabilityIT {
  static TestServer server;
  static Scenario scenario;
  static FaultProxy proxy;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    scenario = Scenario.in(server);
    proxy = FaultProxy.before(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    scenario.close();
    server.close();
  }

  @AfterEach
  void clear() {
    proxy.clearFaults();
  }

  SwitchboardClient.Builder viaProxy() {
    return scenario.clientBuilder(server).baseUrl(proxy.baseUrl()).orgId(scenario.org().orgId());
  }

  static NewUser newUser(String email) {
    return new NewUser("Agent " + UUID.randomUUID(), email, null, null);
  }

  @Test
  void theLogsTellWhatHappenedAndNeverATokenASecretOrABody() throws Exception {
    var captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    String email = "secret-body-" + UUID.randomUUID() + "@example.com";
    try (var client = viaProxy().build()) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        User user = client.users().create(newUser(email));
        proxy.inject(FaultProxy.request("GET", "/api/v2/users/"), Fault.status(503), 1);
        client.users().get(user.id()); // a retry after the 503
        assertThatThrownBy(() -> client.users().get(UUID.randomUUID().toString()))
            .isInstanceOf(ApiException.NotFoundException.class);
        // A 401 (token revoked under us): the client fetches a new token, which is logged about.
        proxy.inject(FaultProxy.request("GET", "/api/v2/users/"), Fault.status(401), 1);
        client.users().get(user.id());
      } finally {
        System.setErr(original);
      }
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    List<String> tokens =
        proxy.seen().stream()
            .map(FaultProxy.Seen::authorization)
            .filter(a -> a != null && a.startsWith("Bearer "))
            .map(a -> a.substring("Bearer ".length()))
            .distinct()
            .toList();
    assertThat(tokens).isNotEmpty();
    assertThat(logs)
        .contains("POST /api/v2/users -> 201")
        .contains("GET /api/v2/users/{id} answered 503; retry 1 in")
        .contains("GET /api/v2/users/{id} -> 404")
        .contains("access token obtained");
    for (String token : tokens) assertThat(logs).doesNotContain(token);
    assertThat(logs)
        .doesNotContain(scenario.org().clientSecret())
        .doesNotContain("Bearer ")
        .doesNotContain(email);
  }

  @Test
  void interceptorsSeeEveryTryWithoutTheTokenAndMayAddHeaders() {
    var seenHeaders = new CopyOnWriteArrayList<String>();
    var statuses = new CopyOnWriteArrayList<Integer>();
    try (var client =
        viaProxy()
            .interceptor(
                new ClientInterceptor() {
                  @Override
                  public ApiRequest beforeSend(ApiRequest request) {
                    seenHeaders.addAll(request.headers().keySet());
                    return request.header("ININ-Correlation-Id", "from-interceptor");
                  }

                  @Override
                  public void afterResponse(
                      ApiRequest request, ApiResponse response, Duration took) {
                    statuses.add(response.status());
                  }
                })
            .build()) {
      User user = client.users().create(newUser(UUID.randomUUID() + "@example.com"));
      proxy.inject(FaultProxy.request("GET", "/api/v2/users/"), Fault.status(503), 1);
      Response<User> r = client.withResponse(c -> c.users().get(user.id()));
      assertThat(r.correlationId()).contains("from-interceptor");
      assertThat(statuses).containsExactly(201, 503, 200);
      assertThat(seenHeaders).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
    }
  }

  @Test
  void micrometerCountsRequestsRetriesCacheReadsAndBreakerStateByOrgAndOperation() {
    var registry = new SimpleMeterRegistry();
    String org = scenario.org().orgId();
    String scriptId = scenario.publishedScript();
    try (var client =
        viaProxy()
            .listener(new MicrometerClientMetrics(registry))
            .publishedScriptFreshness(Duration.ofMinutes(1))
            .circuitBreaker(new CircuitBreakerSettings(2, 2, Duration.ofMillis(200), 1))
            .build()) {
      User user = client.users().create(newUser(UUID.randomUUID() + "@example.com"));
      proxy.inject(FaultProxy.request("GET", "/api/v2/users/"), Fault.status(503), 1);
      client.users().get(user.id());
      client.publishedScripts().get(scriptId);
      client.publishedScripts().get(scriptId);

      var requests = registry.find("switchboard.client.requests").tag("org", org);
      assertThat(
              requests
                  .tag("operation", "GET /api/v2/users/{id}")
                  .tag("status", "503")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .find("switchboard.client.requests")
                  .tags("org", org, "operation", "GET /api/v2/users/{id}", "status", "200")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .find("switchboard.client.retries")
                  .tags("org", org, "operation", "GET /api/v2/users/{id}", "status", "503")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(
              registry
                  .find("switchboard.client.retry.wait")
                  .tags("org", org, "operation", "GET /api/v2/users/{id}")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .find("switchboard.client.cache.reads")
                  .tags("org", org, "result", "hit")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(
              registry
                  .find("switchboard.client.cache.reads")
                  .tags("org", org, "result", "miss")
                  .counter()
                  .count())
          .isEqualTo(1.0);

      // Two failures in a row open the breaker (2 of 2): the gauge says OPEN (2).
      proxy.inject(FaultProxy.request("GET", "/api/v2/users/"), Fault.status(500), 2);
      for (int i = 0; i < 2; i++)
        assertThatThrownBy(() -> client.users().get(user.id()))
            .isInstanceOf(ApiException.ServerErrorException.class);
      assertThat(client.circuitState()).isEqualTo("OPEN");
      assertThat(registry.find("switchboard.client.breaker.state").tag("org", org).gauge().value())
          .isEqualTo(2.0);
    }
  }

  @Test
  void theUserAgentNamesTheLibraryAndItsVersion() {
    try (var client = viaProxy().build()) {
      client.users().list(1, 1);
    }
    assertThat(proxy.seen())
        .filteredOn(s -> s.path().startsWith("/api/v2/users"))
        .isNotEmpty()
        .allMatch(s -> s.userAgent().equals("switchboard-client/0.1.0-SNAPSHOT"), "User-Agent");
  }

  @Test
  void proxyAndTlsSettingsAreForTheClientsOwnHttpClient() throws Exception {
    var shared = java.net.http.HttpClient.newHttpClient();
    assertThatThrownBy(() ->
            scenario
                .clientBuilder(server)
                .httpClient(shared)
                .sslContext(javax.net.ssl.SSLContext.getDefault())
                .build())
        .isInstanceOf(IllegalStateException.class);
    // The builder's proxy selector is the one the HTTP client consults for the server's address.
    var asked = new CopyOnWriteArrayList<java.net.URI>();
    var selector =
        new java.net.ProxySelector() {
          @Override
          public List<java.net.Proxy> select(java.net.URI uri) {
            asked.add(uri);
            return List.of(java.net.Proxy.NO_PROXY);
          }

          @Override
          public void connectFailed(
              java.net.URI uri, java.net.SocketAddress sa, java.io.IOException ioe) {}
        };
    try (var client =
        scenario
            .clientBuilder(server)
            .proxy(selector)
            .connectTimeout(Duration.ofSeconds(2))
            .build()) {
      assertThat(client.users().list(1, 1)).isNotNull();
    }
    assertThat(asked).isNotEmpty().allMatch(u -> u.getPort() == server.port());
    shared.close();
  }
}

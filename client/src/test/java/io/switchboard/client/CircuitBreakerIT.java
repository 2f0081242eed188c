package io.switchboard.client;

import static io.switchboard.client.FaultProxy.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The breaker opens on server failures only, fails fast without sending, and closes after good
 * trials.
 */
class CircuitBreakerIT {
  static TestServer server;
  static TestServer.OrgAccess org;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    org = server.newOrg();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static SwitchboardClient client(FaultProxy proxy) {
    return SwitchboardClient.builder()
        .baseUrl(proxy.baseUrl())
        .clientCredentials(org.clientId(), org.clientSecret())
        .retry(RetrySettings.none())
        .circuitBreaker(new CircuitBreakerSettings(3, 5, Duration.ofMillis(300), 2))
        .build();
  }

  @Test
  void opensAfterTheThresholdFailsFastThenClosesAfterSuccessfulTrials() throws Exception {
    try (var proxy = FaultProxy.before(server.baseUrl());
        var client = client(proxy)) {
      client.oauthClients().list(1, 1);
      proxy.inject(request("GET", "/api/v2/oauth/clients"), Fault.status(503), 3);
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> client.oauthClients().list(1, 1))
            .isInstanceOf(ApiException.ServerErrorException.class);
      }
      assertThat(client.circuitState()).isEqualTo("OPEN");

      long sent = proxy.count(request("GET", "/api/v2/oauth/clients"));
      assertThatThrownBy(() -> client.oauthClients().list(1, 1))
          .isInstanceOfSatisfying(
              CircuitOpenException.class,
              e ->
                  assertThat(e.remainingDelay())
                      .isPositive()
                      .isLessThanOrEqualTo(Duration.ofMillis(300)));
      assertThat(proxy.count(request("GET", "/api/v2/oauth/clients")))
          .as("nothing sent while open")
          .isEqualTo(sent);
      assertThat(client.stats().circuitRejections()).isEqualTo(1);

      Thread.sleep(350); // the breaker's own open delay; there is no clock to move inside Failsafe
      assertThat(client.oauthClients().list(1, 1).total()).isPositive();
      assertThat(client.circuitState()).isEqualTo("HALF_OPEN");
      assertThat(client.oauthClients().list(1, 1).total()).isPositive();
      assertThat(client.circuitState()).isEqualTo("CLOSED");
    }
  }

  @Test
  void aFailedTrialOpensItAgain() throws Exception {
    try (var proxy = FaultProxy.before(server.baseUrl());
        var client = client(proxy)) {
      proxy.inject(request("GET", "/api/v2/oauth/clients"), Fault.drop(), 4);
      for (int i = 0; i < 3; i++)
        assertThatThrownBy(() -> client.oauthClients().list(1, 1))
            .isInstanceOf(TransportException.class);
      assertThat(client.circuitState()).isEqualTo("OPEN");
      Thread.sleep(350);
      assertThatThrownBy(() -> client.oauthClients().list(1, 1))
          .isInstanceOf(TransportException.class);
      assertThat(client.circuitState()).isEqualTo("OPEN");
    }
  }

  @Test
  void clientErrorsAndThrottlingNeverOpenIt() {
    try (var proxy = FaultProxy.before(server.baseUrl());
        var client = client(proxy)) {
      proxy.inject(request("GET", "/api/v2/oauth/clients?"), Fault.status(429, 1), 10);
      for (int i = 0; i < 10; i++) {
        String id = "00000000-0000-0000-0000-00000000000" + i;
        assertThatThrownBy(() -> client.oauthClients().get(id))
            .isInstanceOf(ApiException.NotFoundException.class);
        assertThatThrownBy(() -> client.oauthClients().list(1, 1))
            .isInstanceOf(ApiException.RateLimitedException.class);
      }
      assertThat(client.circuitState()).isEqualTo("CLOSED");
      assertThat(client.oauthClients().list(1, 1).total()).isPositive();
    }
  }

  /**
   * Regression: an attempt that threw after taking the breaker's permit kept it, and a half-open
   * breaker, whose trial permits were all taken, then refused every later call for good.
   */
  @Test
  void anAttemptThatThrowsGivesItsPermitBack() throws Exception {
    var oneTrial = new CircuitBreakerSettings(3, 5, Duration.ofMillis(300), 1);
    try (var proxy = FaultProxy.before(server.baseUrl());
        var client =
            SwitchboardClient.builder()
                .baseUrl(proxy.baseUrl())
                .clientCredentials(org.clientId(), org.clientSecret())
                .retry(RetrySettings.none())
                .circuitBreaker(oneTrial)
                .build()) {
      client.oauthClients().list(1, 1);
      proxy.inject(request("GET", "/api/v2/oauth/clients"), Fault.status(503), 3);
      for (int i = 0; i < 3; i++)
        assertThatThrownBy(() -> client.oauthClients().list(1, 1))
            .isInstanceOf(ApiException.ServerErrorException.class);
      assertThat(client.circuitState()).isEqualTo("OPEN");
      Thread.sleep(350);

      // The one trial permit goes to a request that cannot even be built (java.net.http refuses a
      // Host header).
      assertThatThrownBy(() ->
              client.send(
                  ApiRequest.get("/api/v2/oauth/clients").header("Host", "elsewhere.example")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(client.oauthClients().list(1, 1).total())
          .as("the trial permit came back")
          .isPositive();
      assertThat(client.circuitState()).isEqualTo("CLOSED");
    }
  }
}

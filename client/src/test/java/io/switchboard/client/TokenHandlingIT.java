package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenHandlingIT {
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

  /** Token requests the server has answered so far, read from its own metrics. */
  static long tokenRequestsSeen() {
    return ServerMetrics.count(server, "POST", "/oauth/token", 200);
  }

  @Test
  void hundredConcurrentCallsShareOneTokenRequest() throws Exception {
    long before = tokenRequestsSeen();
    try (var client =
            SwitchboardClient.builder()
                .baseUrl(server.baseUrl())
                .clientCredentials(org.clientId(), org.clientSecret())
                .build();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Callable<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) calls.add(() -> client.oauthClients().list(1, 25).total());
      for (var f : pool.invokeAll(calls)) assertThat(f.get()).isGreaterThanOrEqualTo(1);
    }
    assertThat(tokenRequestsSeen() - before).isEqualTo(1);
  }

  @Test
  void aTokenDueForRefreshIsReplacedByOneCallerWhileTheOthersKeepUsingIt() throws Exception {
    var clock = new MutableClock();
    try (var client =
            SwitchboardClient.builder()
                .baseUrl(server.baseUrl())
                .clientCredentials(org.clientId(), org.clientSecret())
                .clock(clock)
                .build();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      client.oauthClients().list(1, 1);
      // Past the refresh point (90% of the default 24 h lifetime), before expiry: still valid on
      // the server.
      clock.advance(Duration.ofHours(22));
      long before = tokenRequestsSeen();
      List<Callable<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) calls.add(() -> client.oauthClients().list(1, 25).total());
      for (var f : pool.invokeAll(calls)) assertThat(f.get()).isGreaterThanOrEqualTo(1);
      assertThat(tokenRequestsSeen() - before).isEqualTo(1);
      assertThat(client.stats().tokenRequests()).isEqualTo(2);
    }
  }

  @Test
  void revokedTokenIsReplacedOnceAndTheCallSucceeds() {
    try (var client =
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(org.clientId(), org.clientSecret())
            .build()) {
      client.oauthClients().list(1, 1);
      client.send(ApiRequest.delete("/api/v2/tokens/me"));
      long before = tokenRequestsSeen();
      assertThat(client.oauthClients().list(1, 1).total()).isGreaterThanOrEqualTo(1);
      assertThat(tokenRequestsSeen() - before).isEqualTo(1);
    }
  }

  @Test
  void badSecretIsATypedAuthenticationError() {
    try (var client =
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(org.clientId(), "wrong")
            .build()) {
      assertThatThrownBy(() -> client.oauthClients().list(1, 1))
          .isInstanceOf(ApiException.AuthenticationException.class)
          .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo("invalid_client"));
    }
  }

  @Test
  void errorsCarryCodeParamsAndCorrelationId() {
    try (var client =
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(org.clientId(), org.clientSecret())
            .build()) {
      assertThatThrownBy(() -> client.oauthClients().get("00000000-0000-0000-0000-000000000000"))
          .isInstanceOfSatisfying(
              ApiException.NotFoundException.class,
              e -> {
                assertThat(e.code()).isEqualTo("not.found");
                assertThat(e.correlationId()).isNotBlank();
                assertThat(e.messageParams())
                    .containsEntry("id", "00000000-0000-0000-0000-000000000000");
              });
    }
  }
}

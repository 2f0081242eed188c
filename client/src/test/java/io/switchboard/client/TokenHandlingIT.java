package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    String metrics = new Api(server.baseUrl()).get("/metrics", null).body();
    Matcher m = Pattern.compile("http_server_requests_seconds_count\\{method=\"POST\",route=\"/oauth/token\",status=\"200\"} ([0-9.]+)").matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void hundredConcurrentCallsShareOneTokenRequest() throws Exception {
    long before = tokenRequestsSeen();
    try (var client = SwitchboardClient.builder().baseUrl(server.baseUrl()).clientCredentials(org.clientId(), org.clientSecret()).build();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Callable<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) calls.add(() -> client.oauthClients().list(1, 25).total());
      for (var f : pool.invokeAll(calls)) assertThat(f.get()).isGreaterThanOrEqualTo(1);
    }
    assertThat(tokenRequestsSeen() - before).isEqualTo(1);
  }

  @Test
  void revokedTokenIsReplacedOnceAndTheCallSucceeds() {
    try (var client = SwitchboardClient.builder().baseUrl(server.baseUrl()).clientCredentials(org.clientId(), org.clientSecret()).build()) {
      client.oauthClients().list(1, 1);
      client.send(ApiRequest.delete("/api/v2/tokens/me"));
      long before = tokenRequestsSeen();
      assertThat(client.oauthClients().list(1, 1).total()).isGreaterThanOrEqualTo(1);
      assertThat(tokenRequestsSeen() - before).isEqualTo(1);
    }
  }

  @Test
  void badSecretIsATypedAuthenticationError() {
    try (var client = SwitchboardClient.builder().baseUrl(server.baseUrl()).clientCredentials(org.clientId(), "wrong").build()) {
      assertThatThrownBy(() -> client.oauthClients().list(1, 1))
          .isInstanceOf(ApiException.AuthenticationException.class)
          .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo("invalid_client"));
    }
  }

  @Test
  void errorsCarryCodeParamsAndCorrelationId() {
    try (var client = SwitchboardClient.builder().baseUrl(server.baseUrl()).clientCredentials(org.clientId(), org.clientSecret()).build()) {
      assertThatThrownBy(() -> client.oauthClients().get("00000000-0000-0000-0000-000000000000"))
          .isInstanceOfSatisfying(ApiException.NotFoundException.class, e -> {
            assertThat(e.code()).isEqualTo("not.found");
            assertThat(e.correlationId()).isNotBlank();
            assertThat(e.messageParams()).containsEntry("id", "00000000-0000-0000-0000-000000000000");
          });
    }
  }
}

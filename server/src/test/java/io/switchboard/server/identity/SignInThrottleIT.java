package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failed sign-ins are throttled (per user and per address) before the password is checked. */
class SignInThrottleIT {
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("identity.token-failures-per-minute", "3"));
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void afterTheAllowedFailuresEvenTheRightPasswordWaits() {
    String admin = api.token(server.newOrg());
    String email = "t." + UUID.randomUUID() + "@example.com";
    api.post(
        "/api/v2/users",
        admin,
        "{\"name\":\"T\",\"email\":\"" + email + "\",\"password\":\"right password\"}");
    String client =
        api.post(
                "/api/v2/oauth/clients",
                admin,
                "{\"name\":\"spa\",\"authorizedGrantType\":\"TOKEN\","
                    + "\"registeredRedirectUri\":[\"https://app.example.com/cb\"]}")
            .json()
            .get("id")
            .asString();
    var browser = new Browser(api);
    var page =
        browser.open(
            Map.of(
                "response_type", "token",
                "client_id", client,
                "redirect_uri", "https://app.example.com/cb"));
    for (int i = 0; i < 3; i++)
      assertThat(browser.submit(page, email, "wrong " + i).status()).isEqualTo(401);
    var throttled = browser.submit(page, email, "right password");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.header("Retry-After")).isPresent();
    assertThat(throttled.header("Location")).isEmpty();
    assertThat(throttled.body()).contains("Too many failed sign-ins");

    // The token endpoint's buckets are its own: a client still gets its token.
    assertThat(api.token(server.newOrg())).isNotBlank();
  }
}

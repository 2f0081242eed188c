package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 10, item 4: wrong secrets on {@code /oauth/token} are throttled per client id and per
 * remote address before bcrypt runs. The attacker connects from 127.0.0.2 (all of 127/8 is loopback
 * on Linux), the honest callers from 127.0.0.1.
 */
class TokenEndpointThrottleIT {
  static final int FAILURES = 5;
  static TestServer server;
  static TestServer.OrgAccess victim;
  static TestServer.OrgAccess bystander;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(Map.of(SettingKeys.TOKEN_FAILURES_PER_MINUTE, Integer.toString(FAILURES)));
    victim = server.newOrg();
    bystander = server.newOrg();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static final Map<String, HttpClient> CLIENTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static HttpResponse<String> tokenFrom(String localAddress, String clientId, String secret)
      throws Exception {
    HttpClient http =
        CLIENTS.computeIfAbsent(
            localAddress,
            a -> {
              try {
                return HttpClient.newBuilder()
                    .localAddress(InetAddress.getByName(a))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
              } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
              }
            });
    var request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/oauth/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", Api.basic(clientId, secret))
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void wrongSecretsGet429QuicklyWhileOtherClientsAndTheOwnerStillGetTokens() throws Exception {
    // The owner has used its secret on this node before the attack starts.
    assertThat(tokenFrom("127.0.0.1", victim.clientId(), victim.clientSecret()).statusCode())
        .isEqualTo(200);

    int wrong = 0;
    HttpResponse<String> r;
    long attackStarted = System.nanoTime();
    do {
      r = tokenFrom("127.0.0.2", victim.clientId(), "guess-" + wrong);
      wrong++;
    } while (r.statusCode() == 401 && wrong < 50);
    System.out.println(
        wrong
            + " wrong-secret requests until the first 429 took "
            + Duration.ofNanos(System.nanoTime() - attackStarted).toMillis()
            + " ms");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(wrong).isEqualTo(FAILURES + 1);
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
    var body = JsonMapper.builder().build().readTree(r.body());
    assertThat(body.get("error").asString()).isEqualTo("temporarily_unavailable");
    assertThat(body.get("error_description").asString()).contains("retry after");

    // Refusals do not run bcrypt: the answer is the same whatever the secret (see the bystander
    // below).
    long started = System.nanoTime();
    for (int i = 0; i < 100; i++)
      assertThat(tokenFrom("127.0.0.2", victim.clientId(), "more-" + i).statusCode())
          .isEqualTo(429);
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.out.println("100 throttled wrong-secret requests took " + ms + " ms");

    // The attacking address is throttled for every client id it tries (no secret of this one was
    // verified yet).
    assertThat(tokenFrom("127.0.0.2", bystander.clientId(), bystander.clientSecret()).statusCode())
        .isEqualTo(429);
    // Another client from another address: unaffected.
    assertThat(tokenFrom("127.0.0.1", bystander.clientId(), bystander.clientSecret()).statusCode())
        .isEqualTo(200);
    // The victim's own, already verified secret still works although its client id is locked for
    // guesses.
    assertThat(tokenFrom("127.0.0.1", victim.clientId(), victim.clientSecret()).statusCode())
        .isEqualTo(200);
    assertThat(tokenFrom("127.0.0.1", victim.clientId(), "another-guess").statusCode())
        .isEqualTo(429);
  }
}

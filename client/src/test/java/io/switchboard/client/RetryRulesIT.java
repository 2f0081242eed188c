package io.switchboard.client;

import static io.switchboard.client.FaultProxy.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the client retries and what it never does: retries only 429/502/503/504 and dropped
 * connections, only for requests safe to repeat, waits as {@code Retry-After} says, and never waits
 * past the deadline. The real server answers; a forwarding proxy injects the failures it does not
 * produce on demand and counts what reaches the wire.
 */
class RetryRulesIT {
  static TestServer server;
  static TestServer.OrgAccess org;
  static FaultProxy proxy;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    org = server.newOrg();
    proxy = FaultProxy.before(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    server.close();
  }

  @AfterEach
  void clear() {
    proxy.clearFaults();
  }

  static SwitchboardClient client(Duration deadline) {
    return SwitchboardClient.builder()
        .baseUrl(proxy.baseUrl())
        .clientCredentials(org.clientId(), org.clientSecret())
        .deadline(deadline)
        .retry(new RetrySettings(5, Duration.ofMillis(10), Duration.ofMillis(50)))
        .circuitBreaker(CircuitBreakerSettings.disabled())
        .build();
  }

  static String unique() {
    return "/api/v2/oauth/clients/" + java.util.UUID.randomUUID();
  }

  @Test
  void notFoundIsNeverRetried() {
    String path = unique();
    try (var client = client(Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> client.send(ApiRequest.get(path)))
          .isInstanceOf(ApiException.NotFoundException.class);
    }
    assertThat(proxy.count(request("GET", path))).isEqualTo(1);
  }

  @Test
  void invalidPostWithAnIdempotencyKeyIsNeverRetried() {
    try (var client = client(Duration.ofSeconds(5))) {
      var bad =
          ApiRequest.post("/api/v2/oauth/clients", Map.of("name", ""))
              .idempotencyKey(SwitchboardClient.newIdempotencyKey());
      assertThatThrownBy(() -> client.send(bad))
          .isInstanceOf(ApiException.InvalidRequestException.class);
      assertThat(proxy.count(s -> bad.idempotencyKey().equals(s.idempotencyKey()))).isEqualTo(1);
    }
  }

  @Test
  void serverErrorFiveHundredIsNotRetried() {
    String path = unique();
    proxy.inject(request("GET", path), Fault.status(500), 5);
    try (var client = client(Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> client.send(ApiRequest.get(path)))
          .isInstanceOfSatisfying(
              ApiException.ServerErrorException.class, e -> assertThat(e.status()).isEqualTo(500));
    }
    assertThat(proxy.count(request("GET", path))).isEqualTo(1);
  }

  @Test
  void unavailableGetIsRetriedUntilItSucceeds() {
    proxy.inject(request("GET", "/api/v2/oauth/clients?pageSize=2"), Fault.status(503), 2);
    proxy.inject(request("GET", "/api/v2/oauth/clients?pageSize=2"), Fault.status(502), 1);
    try (var client = client(Duration.ofSeconds(5))) {
      assertThat(client.oauthClients().list(1, 2).total()).isGreaterThanOrEqualTo(1);
      assertThat(client.stats().retries()).isEqualTo(3);
    }
    assertThat(proxy.count(request("GET", "/api/v2/oauth/clients?pageSize=2"))).isEqualTo(4);
  }

  @Test
  void retryAfterIsHonouredBeforeTheNextTry() {
    String path = "/api/v2/oauth/clients?pageSize=3&pageNumber=1";
    proxy.inject(request("GET", path), Fault.status(503, 1), 1);
    try (var client = client(Duration.ofSeconds(5))) {
      long start = System.nanoTime();
      client.send(ApiRequest.get(path));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    assertThat(proxy.count(request("GET", path))).isEqualTo(2);
  }

  @Test
  void aWaitThatWouldEndPastTheDeadlineIsNotStarted() {
    String path = "/api/v2/oauth/clients?pageSize=4&pageNumber=1";
    proxy.inject(request("GET", path), Fault.status(429, 30), 1);
    try (var client = client(Duration.ofSeconds(2))) {
      client.oauthClients().list(1, 1); // token fetched outside the measured call
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.send(ApiRequest.get(path)))
          .isInstanceOfSatisfying(
              DeadlineExceededException.class,
              e ->
                  assertThat(e.attempts())
                      .containsExactly(new Attempt(429, "injected.429", Duration.ofSeconds(30))));
      // Gave up at once instead of sleeping into certain failure.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(client.stats().throttled()).isEqualTo(1);
    }
    assertThat(proxy.count(request("GET", path))).isEqualTo(1);
  }

  @Test
  void perCallDeadlineOverridesTheClientDefault() {
    String path = "/api/v2/oauth/clients?pageSize=5&pageNumber=1";
    proxy.inject(request("GET", path), Fault.status(503, 2), 1);
    try (var client = client(Duration.ofSeconds(30))) {
      assertThatThrownBy(() -> client.send(ApiRequest.get(path).deadline(Duration.ofSeconds(1))))
          .isInstanceOf(DeadlineExceededException.class);
      proxy.inject(request("GET", path), Fault.status(503, 2), 1);
      assertThatThrownBy(
              () -> client.withDeadline(Duration.ofSeconds(1)).send(ApiRequest.get(path)))
          .isInstanceOf(DeadlineExceededException.class);
    }
  }

  @Test
  void throttledPostWithoutAKeyIsNotRetried() {
    proxy.inject(request("POST", "/api/v2/oauth/clients"), Fault.status(429, 1), 1);
    try (var client = client(Duration.ofSeconds(5))) {
      var create =
          ApiRequest.post(
              "/api/v2/oauth/clients",
              Map.of("name", "no-key-" + System.nanoTime(), "scope", List.of("oauth")));
      assertThatThrownBy(() -> client.send(create))
          .isInstanceOf(ApiException.RateLimitedException.class);
      assertThat(client.stats().retries()).isZero();
    }
  }

  @Test
  void droppedPostWithoutAKeyIsNotRetriedButWithAKeyItIs() {
    String name = "dropped-" + System.nanoTime();
    proxy.inject(request("POST", "/api/v2/oauth/clients"), Fault.drop(), 1);
    try (var client = client(Duration.ofSeconds(5))) {
      client.oauthClients().list(1, 1);
      long before = proxy.count(request("POST", "/api/v2/oauth/clients"));
      var create =
          ApiRequest.post("/api/v2/oauth/clients", Map.of("name", name, "scope", List.of("oauth")));
      assertThatThrownBy(() -> client.send(create))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("not retried");
      assertThat(proxy.count(request("POST", "/api/v2/oauth/clients")) - before).isEqualTo(1);

      proxy.inject(request("POST", "/api/v2/oauth/clients"), Fault.drop(), 1);
      var keyed = create.idempotencyKey(SwitchboardClient.newIdempotencyKey());
      assertThat(client.send(keyed).status()).isEqualTo(201);
      assertThat(proxy.count(s -> keyed.idempotencyKey().equals(s.idempotencyKey()))).isEqualTo(2);
    }
  }

  @Test
  void droppedGetIsRetriedAndAttemptsAreBounded() {
    String path = "/api/v2/oauth/clients?pageSize=6&pageNumber=1";
    proxy.inject(request("GET", path), Fault.drop(), 100);
    try (var client = client(Duration.ofSeconds(10))) {
      client.oauthClients().list(1, 1);
      assertThatThrownBy(() -> client.send(ApiRequest.get(path)))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("connection.failed");
    }
    assertThat(proxy.count(request("GET", path))).isEqualTo(5);
  }

  @Test
  void attemptsRunOutAsATypedErrorNamingEachTry() {
    String path = "/api/v2/oauth/clients?pageSize=7&pageNumber=1";
    proxy.inject(request("GET", path), Fault.status(504), 100);
    try (var client = client(Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> client.send(ApiRequest.get(path)))
          .isInstanceOfSatisfying(
              ApiException.ServerErrorException.class,
              e -> {
                assertThat(e.status()).isEqualTo(504);
                assertThat(e.attempts())
                    .hasSize(5)
                    .allSatisfy(a -> assertThat(a.status()).isEqualTo(504));
              });
    }
  }

  @Test
  void deadlineBoundsASlowAnswerToo() {
    try (var client = client(Duration.ofMillis(1))) {
      assertThatThrownBy(() -> client.oauthClients().list(1, 1))
          .isInstanceOf(DeadlineExceededException.class);
    }
  }
}

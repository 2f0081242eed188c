package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.client.UsersApi.NewUser;
import io.switchboard.client.UsersApi.User;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The async form of calls (cancellation included), responses with their metadata, and per-call
 * options (issue 17, "what integrators expect").
 */
class AsyncAndResponsesIT {
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

  SwitchboardClient viaProxy() {
    return scenario.clientBuilder(server).baseUrl(proxy.baseUrl()).build();
  }

  static User newUser(SwitchboardClient c) {
    return c.users()
        .create(
            new NewUser(
                "Agent " + UUID.randomUUID(), UUID.randomUUID() + "@example.com", null, null));
  }

  @Test
  void asyncCallsCompleteWithTheResultOrTheTypedException() throws Exception {
    try (var client = scenario.clientBuilder(server).build()) {
      User user = newUser(client);
      CompletableFuture<User> got = client.async(c -> c.users().get(user.id()));
      assertThat(got.get(5, TimeUnit.SECONDS).id()).isEqualTo(user.id());

      var missing = client.async(c -> c.users().get("no-such-user"));
      assertThatThrownBy(() -> missing.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ApiException.NotFoundException.class);

      var many =
          List.of(
              client.async(c -> c.users().get(user.id())),
              client.async(c -> c.users().get(user.id())),
              client.async(c -> c.users().get(user.id())));
      CompletableFuture.allOf(many.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
      assertThat(many).allMatch(f -> f.join().id().equals(user.id()));

      User gone = newUser(client);
      client.asyncRun(c -> c.users().delete(gone.id())).get(5, TimeUnit.SECONDS);
      assertThat(client.users().get(gone.id()).state()).isEqualTo("deleted");
    }
  }

  @Test
  void cancellingTheFutureStopsTheCallWhileItWaitsForItsRetry() throws Exception {
    try (var client = viaProxy()) {
      User user = newUser(client);
      String path = "/api/v2/users/" + user.id();
      proxy.inject(FaultProxy.request("GET", path), Fault.status(503, 2), 1);
      var future = client.async(c -> c.users().get(user.id()));
      long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (proxy.count(FaultProxy.request("GET", path)) < 1 && System.nanoTime() < giveUp)
        Thread.sleep(5);
      assertThat(proxy.count(FaultProxy.request("GET", path))).isEqualTo(1);
      Thread.sleep(200); // the client is now in its Retry-After wait (2 s and more)
      assertThat(future.cancel(true)).isTrue();
      assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
      Thread.sleep(3_500); // past the wait: a call still running would have retried by now
      assertThat(proxy.count(FaultProxy.request("GET", path)))
          .as("no retry after the cancellation")
          .isEqualTo(1);
      // The client is fine afterwards.
      assertThat(client.users().get(user.id()).id()).isEqualTo(user.id());
    }
  }

  @Test
  void aResponseCarriesStatusCorrelationIdRateLimitAndHeaders() {
    try (var client = scenario.clientBuilder(server).build()) {
      User user = newUser(client);
      Response<User> r = client.withResponse(c -> c.users().get(user.id()));
      assertThat(r.value().id()).isEqualTo(user.id());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.fromCache()).isFalse();
      assertThat(r.correlationId()).isPresent();
      assertThat(r.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
      // The default limit: 300 a minute per token.
      assertThat(r.rateLimit())
          .hasValueSatisfying(rl -> {
            assertThat(rl.bucket()).isEqualTo("token");
            assertThat(rl.limit()).isEqualTo(300);
            assertThat(rl.window()).isEqualTo(Duration.ofSeconds(60));
            assertThat(rl.remaining()).isBetween(0L, 299L);
          });

      Response<Void> deleted =
          client.withResponse(c -> {
            c.users().delete(user.id());
            return null;
          });
      assertThat(deleted.status()).isEqualTo(204);
      assertThatThrownBy(() -> client.withResponse(c -> "nothing sent"))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aCachedReadSaysSo() {
    String scriptId = scenario.publishedScript();
    try (var client =
        scenario.clientBuilder(server).publishedScriptFreshness(Duration.ofMinutes(1)).build()) {
      var first = client.withResponse(c -> c.publishedScripts().get(scriptId));
      assertThat(first.fromCache()).isFalse();
      assertThat(first.status()).isEqualTo(200);
      var second = client.withResponse(c -> c.publishedScripts().get(scriptId));
      assertThat(second.fromCache()).isTrue();
      assertThat(second.value().id()).isEqualTo(scriptId);
      assertThat(second.correlationId()).isEqualTo(first.correlationId());
      assertThat(client.stats().cacheHits()).isEqualTo(1);
    }
  }

  @Test
  void theCallersCorrelationIdReachesTheServerAndComesBackOnSuccessAndError() {
    try (var client = scenario.clientBuilder(server).build()) {
      User user = newUser(client);
      var traced = client.withOptions(RequestOptions.none().correlationId("order-4711"));
      assertThat(traced.withResponse(c -> c.users().get(user.id())).correlationId())
          .contains("order-4711");
      assertThatThrownBy(() -> traced.users().get("no-such-user"))
          .isInstanceOfSatisfying(
              ApiException.NotFoundException.class,
              e -> assertThat(e.correlationId()).isEqualTo("order-4711"));
      // The view is a view: the client itself still gets fresh ids.
      assertThat(client.withResponse(c -> c.users().get(user.id())).correlationId())
          .isNotEqualTo(java.util.Optional.of("order-4711"));
    }
  }

  @Test
  void extraHeadersReachTheServer() {
    try (var client = scenario.clientBuilder(server).build()) {
      User user = newUser(client);
      // The server refuses a call naming another org: proof that the header was sent.
      var wrongOrg =
          client.withOptions(
              RequestOptions.none()
                  .header("X-Genesys-Organization-Id", UUID.randomUUID().toString()));
      assertThatThrownBy(() -> wrongOrg.users().get(user.id()))
          .isInstanceOfSatisfying(
              ApiException.ForbiddenException.class,
              e -> assertThat(e.code()).isEqualTo("org.mismatch"));
    }
  }

  @Test
  void perCallRetryAndDeadlineOverrideTheClients() {
    try (var client = viaProxy()) {
      User user = newUser(client);
      String path = "/api/v2/users/" + user.id();
      // Retries off for this call: the 503 is final.
      proxy.inject(FaultProxy.request("GET", path), Fault.status(503), 1);
      var noRetry = client.withOptions(RequestOptions.none().retry(RetrySettings.none()));
      assertThatThrownBy(() -> noRetry.users().get(user.id()))
          .isInstanceOf(ApiException.ServerErrorException.class);
      // The same fault through the client's defaults is retried.
      proxy.inject(FaultProxy.request("GET", path), Fault.status(503), 1);
      assertThat(client.users().get(user.id()).id()).isEqualTo(user.id());
      // A 1 s deadline for this call cannot wait out Retry-After: 3; the client's 10 s could.
      proxy.inject(FaultProxy.request("GET", path), Fault.status(503, 3), 1);
      var hurried = client.withOptions(RequestOptions.none().deadline(Duration.ofSeconds(1)));
      long start = System.nanoTime();
      assertThatThrownBy(() -> hurried.users().get(user.id()))
          .isInstanceOf(DeadlineExceededException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(hurried.deadline()).isEqualTo(Duration.ofSeconds(1));
    }
  }
}

package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.client.FaultProxy.Fault;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partner app's registry: each org its own client and token; one org's throttling never delays
 * another.
 */
class OrgClientsIT {
  static TestServer server;
  static TestServer.OrgAccess a;
  static TestServer.OrgAccess b;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    a = server.newOrg();
    b = server.newOrg();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static OrgClients.Credentials credentials(String orgId) {
    if (orgId.equals(a.orgId())) return new OrgClients.Credentials(a.clientId(), a.clientSecret());
    if (orgId.equals(b.orgId())) return new OrgClients.Credentials(b.clientId(), b.clientSecret());
    return null;
  }

  @Test
  void twentyConcurrentFirstCallsOfAnOrgLookItsCredentialsUpOnce() throws Exception {
    var lookups = new java.util.concurrent.atomic.AtomicInteger();
    try (var orgs =
        OrgClients.builder()
            .baseUrl(server.baseUrl())
            .credentials(orgId -> {
              lookups.incrementAndGet();
              try {
                Thread.sleep(200); // a vault takes a while: the window the other callers arrive in
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return credentials(orgId);
            })
            .build()) {
      List<SwitchboardClient> used =
          SessionsIT.together(
              20,
              () -> {
                var client = orgs.forOrg(a.orgId());
                assertThat(client.oauthClients().list(1, 1).total()).isEqualTo(1);
                return client;
              });
      assertThat(lookups).hasValue(1);
      assertThat(used).allSatisfy(c -> assertThat(c).isSameAs(used.get(0)));
      assertThat(used.get(0).stats().tokenRequests()).isEqualTo(1);
      assertThatThrownBy(() -> orgs.forOrg("no-such-org"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(lookups).as("a failed lookup is not kept").hasValue(2);
      assertThatThrownBy(() -> orgs.forOrg("no-such-org"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(lookups).hasValue(3);
    }
  }

  @Test
  void eachOrgSeesOnlyItsOwnDataWithItsOwnToken() {
    try (var orgs =
        OrgClients.builder()
            .baseUrl(server.baseUrl())
            .credentials(OrgClientsIT::credentials)
            .build()) {
      var clientA = orgs.forOrg(a.orgId());
      assertThat(orgs.forOrg(a.orgId())).isSameAs(clientA);
      assertThat(clientA.oauthClients().stream(25).map(OAuthClientsApi.OAuthClient::id))
          .containsExactly(a.clientId());
      assertThat(
              orgs.forOrg(b.orgId()).oauthClients().stream(25).map(OAuthClientsApi.OAuthClient::id))
          .containsExactly(b.clientId());
      assertThat(clientA.stats().tokenRequests()).isEqualTo(1);
      assertThat(orgs.forOrg(b.orgId()).stats().tokenRequests()).isEqualTo(1);
      assertThat(orgs.orgs()).containsExactlyInAnyOrder(a.orgId(), b.orgId());
      assertThatThrownBy(() -> orgs.forOrg("no-such-org"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void credentialsRegisteredUnderTheWrongOrgAreRefusedNotUsed() {
    try (var orgs = OrgClients.builder().baseUrl(server.baseUrl()).build()) {
      orgs.register(a.orgId(), b.clientId(), b.clientSecret());
      assertThatThrownBy(() -> orgs.forOrg(a.orgId()).oauthClients().list(1, 1))
          .isInstanceOfSatisfying(
              ApiException.ForbiddenException.class,
              e -> assertThat(e.code()).isEqualTo("org.mismatch"));
      orgs.register(a.orgId(), a.clientId(), a.clientSecret());
      assertThat(orgs.forOrg(a.orgId()).oauthClients().list(1, 1).total()).isEqualTo(1);
    }
  }

  @Test
  void oneOrgsThrottlingNeverDelaysAnother() throws Exception {
    try (var proxy = FaultProxy.before(server.baseUrl());
        var orgs =
            OrgClients.builder()
                .baseUrl(proxy.baseUrl())
                .credentials(OrgClientsIT::credentials)
                .configure((org, builder) -> builder.deadline(Duration.ofSeconds(10)))
                .build();
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      // Warm both tokens, then throttle every API call of org A for 3 s.
      orgs.forOrg(a.orgId()).oauthClients().list(1, 1);
      orgs.forOrg(b.orgId()).oauthClients().list(1, 1);
      proxy.inject(
          s -> a.orgId().equals(s.orgHeader()) && s.path().startsWith("/api/v2/"),
          Fault.status(429, 3),
          20);

      List<CompletableFuture<Long>> throttled = new ArrayList<>();
      for (int i = 0; i < 20; i++)
        throttled.add(
            CompletableFuture.supplyAsync(
                () -> orgs.forOrg(a.orgId()).oauthClients().list(1, 1).total(), pool));
      long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (orgs.forOrg(a.orgId()).stats().throttled() < 20 && System.nanoTime() < giveUp)
        Thread.sleep(5);
      assertThat(orgs.forOrg(a.orgId()).stats().throttled()).isEqualTo(20);

      // Org A's 20 callers now all wait out their Retry-After; org B's calls go through at once.
      List<CompletableFuture<Long>> free = new ArrayList<>();
      for (int i = 0; i < 20; i++)
        free.add(
            CompletableFuture.supplyAsync(
                () -> orgs.forOrg(b.orgId()).oauthClients().list(1, 1).total(), pool));
      for (var f : free) assertThat(f.get()).isEqualTo(1);
      assertThat(throttled)
          .as("org A is still waiting when org B is done")
          .allSatisfy(f -> assertThat(f).isNotDone());
      assertThat(orgs.forOrg(b.orgId()).stats().retries()).isZero();
      assertThat(orgs.forOrg(b.orgId()).stats().throttled()).isZero();

      for (var f : throttled) assertThat(f.get()).isEqualTo(1);
      assertThat(orgs.forOrg(a.orgId()).stats().retries()).isEqualTo(20);
    }
  }

  @Test
  void anOrgCanBeRemoved() {
    try (var orgs =
        OrgClients.builder()
            .baseUrl(server.baseUrl())
            .credentials(OrgClientsIT::credentials)
            .build()) {
      var first = orgs.forOrg(a.orgId());
      orgs.remove(a.orgId());
      assertThat(orgs.orgs()).isEmpty();
      assertThat(orgs.forOrg(a.orgId())).isNotSameAs(first);
    }
  }

  @Test
  void theRegistryPassesPerOrgSettingsToEachClient() {
    try (var orgs =
        OrgClients.builder()
            .baseUrl(server.baseUrl())
            .credentials(OrgClientsIT::credentials)
            .configure((org, builder) ->
                builder.deadline(
                    org.equals(a.orgId()) ? Duration.ofSeconds(3) : Duration.ofSeconds(7)))
            .build()) {
      assertThat(orgs.forOrg(a.orgId()).deadline()).isEqualTo(Duration.ofSeconds(3));
      assertThat(orgs.forOrg(b.orgId()).deadline()).isEqualTo(Duration.ofSeconds(7));
    }
  }
}

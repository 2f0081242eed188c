package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.credentials.ServerSecrets;
import io.switchboard.server.identity.IdentityStore;
import io.switchboard.server.identity.OAuthClient;
import io.switchboard.server.identity.Org;
import io.switchboard.server.identity.Passwords;
import io.switchboard.server.identity.RoleStore;
import io.switchboard.server.testing.BothDatabases;
import io.switchboard.server.users.UserService;
import io.switchboard.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The identity stores (clients, secrets, codes, roles) behave the same on H2 and on PostgreSQL. */
class IdentityStorageTest {
  static final Instant NOW = Instant.parse("2026-11-24T01:02:03.456Z");

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void orgsAndClientsRoundTrip(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new IdentityStore(db.jdbi());
          var org = new Org(UUID.randomUUID().toString(), "acme", NOW);
          var client =
              new OAuthClient(
                  UUID.randomUUID().toString(),
                  org.id(),
                  "admin",
                  null,
                  "$2a$hash",
                  new LinkedHashSet<>(List.of("oauth", "scripts")),
                  3600,
                  NOW,
                  NOW);
          store.inTransaction(h -> {
            store.insertOrg(h, org);
            store.insertClient(h, client);
            return null;
          });
          assertThat(store.findOrgByName("acme")).contains(org);
          var loaded = store.findClient(client.id()).orElseThrow();
          assertThat(loaded.scopes()).containsExactly("oauth", "scripts");
          assertThat(loaded.createdAt()).isEqualTo(NOW);
          assertThat(store.countClients(org.id())).isEqualTo(1);
          assertThat(store.updateSecret("other-org", client.id(), "x", NOW)).isFalse();
          assertThat(store.updateSecret(org.id(), client.id(), "$2a$new", NOW.plusSeconds(1)))
              .isTrue();
          assertThat(store.findClient(client.id()).orElseThrow().secretHash()).isEqualTo("$2a$new");
          var changed =
              new OAuthClient(
                  client.id(),
                  org.id(),
                  "renamed",
                  "now described",
                  "ignored: a PUT keeps the hash",
                  new LinkedHashSet<>(List.of("scripts")),
                  7200,
                  NOW,
                  // Read before a rotation that landed meanwhile: a PUT never moves it back.
                  NOW.minusSeconds(60),
                  OAuthClient.CODE,
                  List.of("https://app.example/cb"),
                  List.of(),
                  NOW.plusSeconds(5),
                  NOW.plusSeconds(5));
          boolean updated = store.inTransaction(h -> store.updateClient(h, changed));
          assertThat(updated).isTrue();
          var reloaded = store.findClient(client.id()).orElseThrow();
          assertThat(reloaded.name()).isEqualTo("renamed");
          assertThat(reloaded.description()).isEqualTo("now described");
          assertThat(reloaded.secretHash()).isEqualTo("$2a$new");
          assertThat(reloaded.scopes()).containsExactly("scripts");
          assertThat(reloaded.tokenLifetimeSeconds()).isEqualTo(7200);
          assertThat(reloaded.grantType()).isEqualTo(OAuthClient.CODE);
          assertThat(reloaded.redirectUris()).containsExactly("https://app.example/cb");
          assertThat(reloaded.modifiedAt()).isEqualTo(NOW.plusSeconds(5));
          assertThat(reloaded.secretRotatedAt()).isEqualTo(NOW.plusSeconds(1));
          assertThat(reloaded.tokensValidFrom()).isEqualTo(NOW.plusSeconds(5));
          assertThat(reloaded.tokenStamp()).isEqualTo(NOW.plusSeconds(5));
          // Tokens' validity only moves forward: an older PUT's time does not bring tokens back.
          var older =
              new OAuthClient(
                  client.id(),
                  org.id(),
                  "renamed",
                  null,
                  "h",
                  new LinkedHashSet<>(List.of("scripts")),
                  7200,
                  NOW,
                  NOW,
                  OAuthClient.CODE,
                  List.of("https://app.example/cb"),
                  List.of(),
                  NOW.plusSeconds(6),
                  NOW.plusSeconds(2));
          boolean again = store.inTransaction(h -> store.updateClient(h, older));
          assertThat(again).isTrue();
          assertThat(store.findClient(client.id()).orElseThrow().tokensValidFrom())
              .isEqualTo(NOW.plusSeconds(5));
          var elsewhere =
              new OAuthClient(
                  client.id(),
                  "other-org",
                  "stolen",
                  null,
                  "h",
                  new LinkedHashSet<>(List.of("oauth")),
                  300,
                  NOW,
                  NOW);
          boolean stolen = store.inTransaction(h -> store.updateClient(h, elsewhere));
          assertThat(stolen).isFalse();
          assertThat(store.findClient(client.id()).orElseThrow().name()).isEqualTo("renamed");
          assertThat(store.deleteClient("other-org", client.id())).isFalse();
          assertThat(store.deleteClient(org.id(), client.id())).isTrue();
          assertThat(store.findClient(client.id())).isEmpty();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void orgNamesAreUniqueAndAFailedTransactionLeavesNothing(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new IdentityStore(db.jdbi());
          store.inTransaction(h -> {
            store.insertOrg(h, new Org(UUID.randomUUID().toString(), "dup", NOW));
            return null;
          });
          String second = UUID.randomUUID().toString();
          assertThatThrownBy(() ->
                  store.inTransaction(h -> {
                    store.insertClient(
                        h,
                        new OAuthClient(
                            UUID.randomUUID().toString(),
                            second,
                            "c",
                            null,
                            "h",
                            new LinkedHashSet<>(List.of("oauth")),
                            300,
                            NOW,
                            NOW));
                    return null;
                  }))
              .isInstanceOf(RuntimeException.class);
          assertThatThrownBy(() ->
                  store.inTransaction(h -> {
                    store.insertOrg(h, new Org(second, "dup", NOW));
                    return null;
                  }))
              .isInstanceOf(RuntimeException.class);
          assertThat(store.findOrg(second)).isEmpty();
          assertThat(store.listOrgs()).hasSize(1);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void revocationsAreListedUntilExpiry(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new IdentityStore(db.jdbi());
          store.revoke("a", NOW.plusSeconds(60), NOW);
          store.revoke("a", NOW.plusSeconds(60), NOW);
          store.revoke("b", NOW.minusSeconds(1), NOW);
          assertThat(store.revokedSince(NOW.minusSeconds(10), NOW))
              .extracting(IdentityStore.Revocation::jti)
              .containsExactly("a");
          assertThat(store.purgeExpiredRevocations(NOW)).isEqualTo(1);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void concurrentNodesAgreeOnOneServerSecret(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          // Eight nodes sharing the database and the credentials key, each starting at once.
          var box = SecretBox.fromBase64(SecretBox.newKeyBase64());
          var seen = ConcurrentHashMap.<String>newKeySet();
          try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
              var node =
                  new ServerSecrets(db.jdbi(), box, Clock.fixed(NOW, java.time.ZoneOffset.UTC));
              pool.submit(
                  () -> seen.add(java.util.Base64.getEncoder().encodeToString(node.key("k"))));
            }
          }
          assertThat(seen).hasSize(1);
          assertThat(ServerSecrets.countByKeyId(db.jdbi())).containsEntry(box.keyId(), 1L);
        });
  }

  /** A code is redeemed at most once, even by concurrent requests; a sign-in client round-trips. */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void authorizationCodesAreSingleUseAndSignInClientsRoundTrip(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new IdentityStore(db.jdbi());
          var org = new Org(UUID.randomUUID().toString(), "codes-" + dialect, NOW);
          var client =
              new OAuthClient(
                  UUID.randomUUID().toString(),
                  org.id(),
                  "web",
                  null,
                  "$2a$hash",
                  new LinkedHashSet<>(),
                  3600,
                  NOW,
                  NOW,
                  OAuthClient.CODE,
                  List.of("https://a.example/cb", "https://b.example/cb"),
                  List.of());
          store.inTransaction(h -> {
            store.insertOrg(h, org);
            store.insertClient(h, client);
            return null;
          });
          var loaded = store.findClient(client.id()).orElseThrow();
          assertThat(loaded.grantType()).isEqualTo("CODE");
          assertThat(loaded.redirectUris())
              .containsExactly("https://a.example/cb", "https://b.example/cb");

          for (int round = 0; round < 5; round++) {
            String hash = "h" + round + "-" + UUID.randomUUID();
            store.insertCode(
                new IdentityStore.StoredCode(
                    hash,
                    org.id(),
                    client.id(),
                    "user",
                    "https://a.example/cb",
                    null,
                    NOW.plusSeconds(60)),
                NOW);
            var won = new java.util.concurrent.atomic.AtomicInteger();
            try (var pool = Executors.newFixedThreadPool(8)) {
              for (int i = 0; i < 8; i++)
                pool.submit(() -> {
                  if (store.takeCode(hash).isPresent()) won.incrementAndGet();
                });
            }
            assertThat(won.get()).isEqualTo(1);
          }
          // Expired codes are dropped when the next one is stored.
          store.insertCode(
              new IdentityStore.StoredCode(
                  "old", org.id(), client.id(), "u", "x", null, NOW.minusSeconds(1)),
              NOW.minusSeconds(120));
          store.insertCode(
              new IdentityStore.StoredCode(
                  "new", org.id(), client.id(), "u", "x", null, NOW.plusSeconds(60)),
              NOW);
          assertThat(store.takeCode("old")).isEmpty();
          assertThat(store.takeCode("new")).isPresent();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void roleCountsAreOfTheOrgsUsersNotDeleted(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
          var users = new UserService(new UserStore(db.jdbi()), new Passwords(4), clock);
          var roles = new RoleStore(db.jdbi());
          String org = UUID.randomUUID().toString();
          String otherOrg = UUID.randomUUID().toString();
          String a = user(users, org), b = user(users, org), c = user(users, otherOrg);
          roles.setUserRoles(org, a, List.of("role-1", "role-2"));
          roles.setUserRoles(org, b, List.of("role-1"));
          roles.setUserRoles(otherOrg, c, List.of("role-1"));
          assertThat(roles.userCounts(org, List.of("role-1", "role-2", "role-3")))
              .isEqualTo(Map.of("role-1", 2, "role-2", 1));
          users.delete(org, b);
          assertThat(roles.userCounts(org, List.of("role-1"))).isEqualTo(Map.of("role-1", 1));
          assertThat(roles.userCounts(org, List.of())).isEmpty();
        });
  }

  private static String user(UserService users, String org) {
    return users
        .create(org, new UserService.NewUser("U", UUID.randomUUID() + "@example.com", null, null))
        .id();
  }
}

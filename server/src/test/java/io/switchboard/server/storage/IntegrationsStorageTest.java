package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.credentials.CredentialStore;
import io.switchboard.server.credentials.KeyRotation;
import io.switchboard.server.credentials.SecretBox;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiStore;
import io.switchboard.server.http.Json;
import io.switchboard.server.testing.BothDatabases;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The credential and external-API stores, and key rotation, behave the same on H2 and on
 * PostgreSQL.
 */
class IntegrationsStorageTest {
  static final Instant NOW = Instant.parse("2026-11-24T01:02:03.456Z");
  static final JsonMapper MAPPER = Json.newMapper();

  static ExternalApi api(String org, String name, int timeout, String credentialId) {
    return new ExternalApi(
        UUID.randomUUID().toString(),
        org,
        name,
        null,
        "https",
        "POST",
        "https://crm.example.com/x/${input.id}",
        timeout,
        1,
        List.of(new ExternalApi.Header("X-A", "b")),
        credentialId,
        MAPPER.readTree("{\"a\":\"${input.a}\",\"n\":[1,null]}"),
        new ExternalApi.ResponseMapping(Map.of("x", "$.x")),
        1,
        NOW,
        NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void externalApisRoundTripPageAndFilter(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new ExternalApiStore(db.jdbi(), MAPPER);
          String org = UUID.randomUUID().toString();
          String credentialId = credential(db, org);
          var a = api(org, "Payments_EU 100%", 3000, credentialId);
          store.insert(a);
          assertThat(store.find(org, a.id())).contains(a);
          assertThat(store.find("other-org", a.id())).isEmpty();
          for (int i = 0; i < 30; i++)
            store.insert(api(org, "api " + i, i % 3 == 0 ? 3000 : 5000, null));
          store.insert(api("other-org", "foreign", 3000, null));

          var seen = new ArrayList<String>();
          String after = null;
          for (int page = 0; page < 10; page++) {
            var rows = store.page(org, after, 7, ExternalApiStore.Filter.NONE);
            rows.forEach(r -> seen.add(r.id()));
            if (rows.size() < 7) break;
            after = rows.getLast().id();
          }
          assertThat(seen).hasSize(31).doesNotHaveDuplicates().isSorted();
          assertThat(store.page(org, null, 100, new ExternalApiStore.Filter(null, 3000)))
              .hasSize(11);
          assertThat(
                  store.page(
                      org, null, 100, new ExternalApiStore.Filter("payments\\_eu 100%", null)))
              .isEmpty();
          assertThat(
                  store.page(org, null, 100, new ExternalApiStore.Filter("PAYMENTS_EU 100%", null)))
              .extracting(ExternalApi::id)
              .containsExactly(a.id());
          assertThat(store.page(org, null, 100, new ExternalApiStore.Filter("payments?eu*", null)))
              .hasSize(1);
          assertThat(store.page(org, null, 100, new ExternalApiStore.Filter("api 1*", 5000)))
              .hasSize(8);
          assertThat(store.usersOf(org, credentialId)).containsExactly("Payments_EU 100%");

          var changed =
              new ExternalApi(
                  a.id(),
                  org,
                  a.name(),
                  "d",
                  a.protocol(),
                  a.method(),
                  a.url(),
                  5000,
                  0,
                  List.of(),
                  null,
                  null,
                  null,
                  2,
                  NOW,
                  NOW.plusSeconds(1));
          assertThat(store.update(changed, 1)).isTrue();
          assertThat(store.update(changed, 1)).isFalse();
          assertThat(store.find(org, a.id())).contains(changed);
          assertThat(store.count(org)).isEqualTo(31);
          assertThat(store.delete("other-org", a.id())).isFalse();
          assertThat(store.delete(org, a.id())).isTrue();
        });
  }

  /** A stored bearer credential of {@code org}; its id. */
  static String credential(io.switchboard.server.storage.Database db, String org) {
    var service =
        new CredentialService(
            new CredentialStore(db.jdbi(), MAPPER),
            SecretBox.fromBase64(SecretBox.newKeyBase64()),
            (o, id) -> List.of(),
            MAPPER,
            Clock.fixed(NOW, ZoneOffset.UTC));
    return service
        .create(
            org,
            new CredentialService.Input(
                "cred " + UUID.randomUUID(), null, "bearer", MAPPER.readTree("{\"token\":\"t\"}")))
        .id();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void theDatabaseRefusesDanglingCredentialReferencesBothWays(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var apis = new ExternalApiStore(db.jdbi(), MAPPER);
          var credentials = new CredentialStore(db.jdbi(), MAPPER);
          String org = UUID.randomUUID().toString();
          String used = credential(db, org);
          apis.insert(api(org, "uses it", 3000, used));
          // The service checks first; these are the races the check cannot see.
          assertThatThrownBy(() -> credentials.delete(org, used))
              .satisfies(e -> assertThat(SqlErrors.isForeignKeyViolation(e)).isTrue());
          assertThat(credentials.find(org, used)).isPresent();
          assertThatThrownBy(
                  () -> apis.insert(api(org, "points at nothing", 3000, "no-such-credential")))
              .satisfies(e -> assertThat(SqlErrors.isForeignKeyViolation(e)).isTrue());
          assertThat(apis.count(org)).isEqualTo(1);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void credentialsAreSealedAndRotateInOneTransaction(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var store = new CredentialStore(db.jdbi(), MAPPER);
          SecretBox oldKey = SecretBox.fromBase64(SecretBox.newKeyBase64());
          SecretBox newKey = SecretBox.fromBase64(SecretBox.newKeyBase64());
          var service =
              new CredentialService(
                  store, oldKey, (org, id) -> List.of(), MAPPER, Clock.fixed(NOW, ZoneOffset.UTC));
          String org = UUID.randomUUID().toString();
          var ids = new ArrayList<String>();
          for (int i = 0; i < 5; i++) {
            ids.add(
                service
                    .create(
                        org,
                        new CredentialService.Input(
                            "c" + i,
                            null,
                            "bearer",
                            MAPPER.readTree("{\"token\":\"secret-" + i + "\"}")))
                    .id());
          }
          assertThat(store.countByKeyId()).isEqualTo(Map.of(oldKey.keyId(), 5L));

          var result = KeyRotation.rotate(db, oldKey, newKey);
          assertThat(result).isEqualTo(new KeyRotation.Result(5, 0, 0));
          assertThat(store.countByKeyId()).isEqualTo(Map.of(newKey.keyId(), 5L));
          var rotated =
              new CredentialService(
                  store, newKey, (o, id) -> List.of(), MAPPER, Clock.fixed(NOW, ZoneOffset.UTC));
          for (int i = 0; i < 5; i++)
            assertThat(rotated.resolve(org, ids.get(i)).secret("token")).isEqualTo("secret-" + i);
          assertThat(rotated.get(org, ids.get(0)).version()).isEqualTo(1);
          assertThatThrownBy(() -> service.resolve(org, ids.get(0)))
              .hasMessageContaining("sealed with key " + newKey.keyId());

          // Running it again changes nothing; a third key it does not know stops it before any
          // change.
          assertThat(KeyRotation.rotate(db, oldKey, newKey))
              .isEqualTo(new KeyRotation.Result(0, 5, 0));
          SecretBox stranger = SecretBox.fromBase64(SecretBox.newKeyBase64());
          assertThatThrownBy(() -> KeyRotation.rotate(db, stranger, oldKey))
              .hasMessageContaining("neither the current key");
          assertThat(store.countByKeyId()).isEqualTo(Map.of(newKey.keyId(), 5L));
        });
  }
}

package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.http.Json;
import io.switchboard.server.integrations.DataAction;
import io.switchboard.server.integrations.DataActionStore;
import io.switchboard.server.integrations.Integration;
import io.switchboard.server.integrations.IntegrationStore;
import io.switchboard.server.testing.BothDatabases;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The integration and data-action stores behave the same on H2 and on PostgreSQL. */
class DataActionsStorageTest {
  static final Instant NOW = Instant.parse("2026-11-30T01:02:03.456Z");
  static final JsonMapper MAPPER = Json.newMapper();

  static Integration integration(String org, String credentialId) {
    return new Integration(
        UUID.randomUUID().toString(),
        org,
        "CRM",
        null,
        Integration.TYPE,
        "ENABLED",
        credentialId,
        1,
        1,
        NOW,
        NOW);
  }

  static DataAction action(String org, String integrationId, String name, String category) {
    return new DataAction(
        "custom_-_" + UUID.randomUUID(),
        org,
        integrationId,
        name,
        category,
        true,
        new DataAction.Config(
            10,
            new DataAction.Request(
                "https://x.example.com/$esc.url($input.id)",
                "GET",
                Map.of("X-A", "${input.a}"),
                "${input.rawRequest}"),
            new DataAction.Response(Map.of("a", "$.a"), Map.of("a", "\"d\""), "${rawResult}")),
        new DataAction.Contract(
            new DataAction.Input(MAPPER.readTree("{\"type\":\"object\"}")),
            new DataAction.Output(MAPPER.readTree("{\"type\":\"object\",\"required\":[\"a\"]}"))),
        1,
        NOW,
        NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void roundTripFiltersCascadeAndCredentialReference(String dialect) {
    BothDatabases.run(
        dialect,
        db -> {
          var integrations = new IntegrationStore(db.jdbi());
          var actions = new DataActionStore(db.jdbi(), MAPPER);
          String org = UUID.randomUUID().toString();
          String cred = IntegrationsStorageTest.credential(db, org);
          Integration i = integration(org, cred);
          integrations.insert(i);
          assertThat(integrations.find(org, i.id())).contains(i);
          assertThat(integrations.find("other", i.id())).isEmpty();
          assertThat(integrations.usersOf(org, cred)).containsExactly("CRM");

          DataAction a = action(org, i.id(), "Lookup 100%_x", "CRM tools");
          actions.insert(a);
          actions.insert(action(org, i.id(), "Other", "Billing"));
          assertThat(actions.find(org, a.id())).contains(a);
          assertThat(actions.findByName(org, "LOOKUP 100%_X")).contains(a);
          // LIKE metacharacters in a filter are literal.
          var f = new DataActionStore.Filter(i.id(), "100%_", null);
          assertThat(actions.list(org, f, 0, 10)).containsExactly(a);
          assertThat(actions.count(org, new DataActionStore.Filter(null, "p%1", null))).isZero();
          assertThat(actions.count(org, new DataActionStore.Filter(null, null, "crm")))
              .isEqualTo(1);
          assertThat(actions.count("other", new DataActionStore.Filter(null, null, null))).isZero();

          // Optimistic update.
          var renamed =
              new DataAction(
                  a.id(),
                  org,
                  i.id(),
                  "Renamed",
                  a.category(),
                  false,
                  a.config(),
                  a.contract(),
                  2,
                  NOW,
                  NOW);
          assertThat(actions.update(renamed, 1)).isTrue();
          assertThat(actions.update(renamed, 1)).isFalse();

          // A credential in use by an integration cannot be deleted (foreign key).
          assertThatThrownBy(() ->
                  db.jdbi()
                      .useHandle(
                          h -> h.execute("delete from integration_credentials where id = ?", cred)))
              .satisfies(e -> assertThat(SqlErrors.isForeignKeyViolation(e)).isTrue());
          // Deleting the integration deletes its actions.
          assertThat(integrations.delete(org, i.id())).isTrue();
          assertThat(actions.find(org, a.id())).isEmpty();
          assertThat(integrations.usersOf(org, cred)).isEmpty();
        });
  }
}

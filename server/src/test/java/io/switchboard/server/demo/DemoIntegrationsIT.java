package io.switchboard.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code serve --demo}: each demo org gets a credential and two external APIs whose test works at
 * once.
 */
class DemoIntegrationsIT {
  static final String APIS = "/api/v2/architect/external-apis";

  static DemoSetup.DemoCredentials ensure(TestServer server) throws Exception {
    var sb = server.switchboard();
    return new DemoSetup(
            sb.identity(), new DemoIntegrations(sb.identity(), sb.credentials(), sb.externalApis()))
        .ensure(sb.baseUrl(), server.dataDir());
  }

  static String idOf(JsonNode query, String name) {
    for (JsonNode e : query.get("entities"))
      if (e.get("name").asString().equals(name)) return e.get("id").asString();
    throw new AssertionError(name + " not in " + query);
  }

  @Test
  void theDemoApisWorkOutOfTheBoxAndSurviveRestartsOnAnotherPort() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-demo");
    // As serve --demo does: the fake CRM is this very server, on loopback.
    Map<String, String> settings =
        Map.of(
            SettingKeys.DEMO_CRM,
            "true",
            SettingKeys.DATA_DIR,
            dir.toString(),
            SettingKeys.EGRESS_ALLOW,
            "127.0.0.1");
    String firstBase;
    DemoSetup.DemoOrg acme;
    try (TestServer server = TestServer.start(settings)) {
      firstBase = server.baseUrl();
      acme = ensure(server).orgs().get(0);
      ensure(server);
      Api api = server.api();
      String token = api.token(acme.clientId(), acme.clientSecret());
      JsonNode all = api.post(APIS + "/query", token, "{}").json();
      assertThat(all.get("entities")).hasSize(2);
      assertThat(api.get("/api/v2/integrations/credentials", token).json().get("total").asInt())
          .isEqualTo(1);

      JsonNode lookup =
          api.post(
                  APIS + "/" + idOf(all, DemoIntegrations.LOOKUP_NAME) + "/test",
                  token,
                  "{\"inputs\":{\"customerId\":\"42\"}}")
              .json();
      assertThat(lookup.get("success").asBoolean()).as(lookup.toString()).isTrue();
      assertThat(lookup.get("outputs").get("name").asString()).isNotBlank();
      assertThat(lookup.get("outputs").get("vip").isBoolean()).isTrue();
      JsonNode created =
          api.post(
                  APIS + "/" + idOf(all, DemoIntegrations.CASE_NAME) + "/test",
                  token,
                  "{\"inputs\":{\"customerId\":\"42\",\"subject\":\"Line \\\"one\\\"\\nline"
                      + " two\"}}")
              .json();
      assertThat(created.get("success").asBoolean()).as(created.toString()).isTrue();
      assertThat(created.get("status").asInt()).isEqualTo(201);
      assertThat(created.get("outputs").get("caseId").asString()).startsWith("CASE-");

      // The knobs reproduce failures on purpose.
      String lookupId = idOf(all, DemoIntegrations.LOOKUP_NAME);
      String url =
          firstBase + DemoCrmRoutes.BASE + "/customers/${input.customerId}?format=html&status=503";
      api.patch(APIS + "/" + lookupId, token, "{\"url\":\"" + url + "\"}");
      JsonNode html =
          api.post(APIS + "/" + lookupId + "/test", token, "{\"inputs\":{\"customerId\":\"42\"}}")
              .json();
      assertThat(html.get("error").get("kind").asString()).isEqualTo("http");
      assertThat(html.get("attempts").asInt()).isEqualTo(2);
      api.patch(
          APIS + "/" + lookupId,
          token,
          "{\"url\":\"" + firstBase + DemoCrmRoutes.BASE + "/customers/${input.customerId}\"}");

      // Without a token the CRM refuses, like a real one.
      assertThat(api.get(DemoCrmRoutes.BASE + "/customers/1", null).status()).isEqualTo(401);
    }
    try (TestServer again = TestServer.start(settings)) {
      ensure(again);
      Api api = again.api();
      String token = api.token(acme.clientId(), acme.clientSecret());
      JsonNode all = api.post(APIS + "/query", token, "{}").json();
      assertThat(all.get("entities")).hasSize(2);
      for (JsonNode e : all.get("entities"))
        assertThat(e.get("url").asString()).startsWith(again.baseUrl() + DemoCrmRoutes.BASE);
      JsonNode lookup =
          api.post(
                  APIS + "/" + idOf(all, DemoIntegrations.LOOKUP_NAME) + "/test",
                  token,
                  "{\"inputs\":{\"customerId\":\"7\"}}")
              .json();
      assertThat(lookup.get("success").asBoolean()).as(lookup.toString()).isTrue();
    }
  }

  @Test
  void theCrmIsNotServedUnlessAskedFor() {
    try (TestServer server = TestServer.start()) {
      assertThat(server.api().get(DemoCrmRoutes.BASE + "/customers/1", null).status())
          .isEqualTo(404);
    }
  }
}

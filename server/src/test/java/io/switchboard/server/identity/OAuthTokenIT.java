package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OAuthTokenIT {
  static final MutableClock clock = new MutableClock();
  static TestServer server;
  static Api api;
  static TestServer.OrgAccess org;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(), null, clock);
    api = server.api();
    org = server.newOrg();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void basicAuthenticationIssuesABearerToken() {
    var r =
        api.tokenRequest(
            Api.basic(org.clientId(), org.clientSecret()),
            Map.of("grant_type", "client_credentials"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("token_type").asString()).isEqualTo("bearer");
    assertThat(r.json().get("expires_in").asLong()).isEqualTo(86400);
    assertThat(r.json().get("access_token").asString()).isNotBlank();
    assertThat(r.header("Cache-Control")).contains("no-store");
  }

  @Test
  void formFieldAuthenticationIssuesAToken() {
    var r =
        api.tokenRequest(
            null,
            Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                org.clientId(),
                "client_secret",
                org.clientSecret()));
    assertThat(r.status()).isEqualTo(200);
    String token = r.json().get("access_token").asString();
    assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(200);
  }

  @Test
  void secretContainingColonsIsSplitOnTheFirstColonOnly() {
    // The id can never contain a colon; everything after the first one is the secret.
    var r =
        api.tokenRequest(
            Api.basic(org.clientId(), org.clientSecret() + ":extra"),
            Map.of("grant_type", "client_credentials"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_client");
  }

  @Test
  void badSecretIsInvalidClient() {
    var r =
        api.tokenRequest(
            Api.basic(org.clientId(), "wrong"), Map.of("grant_type", "client_credentials"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_client");
    assertThat(r.header("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    assertThat(r.body()).doesNotContain("wrong");
  }

  @Test
  void unknownClientIsInvalidClient() {
    var r =
        api.tokenRequest(
            Api.basic("00000000-0000-0000-0000-000000000000", "x"),
            Map.of("grant_type", "client_credentials"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_client");
  }

  @Test
  void otherGrantTypesAreUnsupported() {
    var r =
        api.tokenRequest(
            Api.basic(org.clientId(), org.clientSecret()), Map.of("grant_type", "password"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asString()).isEqualTo("unsupported_grant_type");
  }

  @Test
  void missingGrantTypeIsInvalidRequest() {
    var r = api.tokenRequest(Api.basic(org.clientId(), org.clientSecret()), Map.of());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_request");
  }

  @Test
  void noClientAuthenticationIsInvalidClient() {
    var r = api.tokenRequest(null, Map.of("grant_type", "client_credentials"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_client");
  }

  @Test
  void missingTokenIs401AuthenticationRequired() {
    var r = api.get("/api/v2/oauth/clients", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("code").asString()).isEqualTo("authentication.required");
  }

  @Test
  void forgedTokenIs401BadCredentials() {
    String token = api.token(org);
    // One character of the signed claims changed (the org id's first bytes).
    char c = token.charAt(5);
    String forged = token.substring(0, 5) + (c == 'A' ? 'B' : 'A') + token.substring(6);
    var r = api.get("/api/v2/oauth/clients", forged);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("code").asString()).isEqualTo("bad.credentials");
    assertThat(api.get("/api/v2/oauth/clients", "not-a-jwt").status()).isEqualTo(401);
    assertThat(api.get("/api/v2/oauth/clients", "eyJ.eyJ.sig").status()).isEqualTo(401);
  }

  @Test
  void expiredTokenIsRefused() {
    var admin = api.token(org);
    var created =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"short\",\"scope\":[\"oauth\"],\"accessTokenValiditySeconds\":300}");
    assertThat(created.status()).isEqualTo(201);
    String shortToken =
        api.token(created.json().get("id").asString(), created.json().get("secret").asString());
    assertThat(api.get("/api/v2/oauth/clients", shortToken).status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(301));
    var r = api.get("/api/v2/oauth/clients", shortToken);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("code").asString()).isEqualTo("bad.credentials");
    assertThat(r.json().get("message").asString()).contains("expired");
  }

  @Test
  void revokedTokenIsRefusedAndOthersStillWork() {
    String first = api.token(org);
    String second = api.token(org);
    assertThat(api.delete("/api/v2/tokens/me", first).status()).isEqualTo(204);
    var r = api.get("/api/v2/oauth/clients", first);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("message").asString()).contains("revoked");
    assertThat(api.get("/api/v2/oauth/clients", second).status()).isEqualTo(200);
  }

  @Test
  void deletedClientsTokensStopWorking() {
    String admin = api.token(org);
    var created =
        api.post(
            "/api/v2/oauth/clients", admin, "{\"name\":\"doomed\",\"scope\":[\"oauth:readonly\"]}");
    String id = created.json().get("id").asString();
    String token = api.token(id, created.json().get("secret").asString());
    assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(200);
    assertThat(api.delete("/api/v2/oauth/clients/" + id, admin).status()).isEqualTo(204);
    assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(401);
    assertThat(
            api.tokenRequest(
                    Api.basic(id, created.json().get("secret").asString()),
                    Map.of("grant_type", "client_credentials"))
                .status())
        .isEqualTo(401);
  }
}

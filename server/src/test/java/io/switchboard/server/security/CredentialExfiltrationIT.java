package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10, item 2: a client with only {@code architect} cannot get a stored credential's secret
 * out. It cannot attach a credential (that needs {@code integrations}), an API it re-points keeps
 * the credential away from hosts outside the credential's {@code allowedHosts}, and a partner that
 * echoes the secret does not put it in the test report.
 */
class CredentialExfiltrationIT {
  static final String APIS = "/api/v2/architect/external-apis";
  static final String CREDENTIALS = "/api/v2/integrations/credentials";
  static final String SECRET = "s3cret-bearer-value-42";
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String admin;
  static String architect;
  static String credentialId;
  static String otherCredentialId;
  static String apiId;
  static int port;

  @BeforeAll
  static void start() {
    // The partner and the attacker's server both stand on loopback here, which egress must allow
    // for the test.
    server = TestServer.start(Map.of(SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    upstream = Upstream.start();
    port = Integer.parseInt(upstream.url("").replaceAll(".*:", ""));
    upstream.on("/partner", (ex, req) -> Upstream.json(ex, 200, "{\"ok\":true}"));
    upstream.on("/steal", (ex, req) -> Upstream.json(ex, 200, "{}"));
    // A partner that echoes the Authorization header, in an error and in a success.
    upstream.on(
        "/echo-error",
        (ex, req) ->
            Upstream.json(
                ex,
                400,
                "{\"error\":\"bad request\",\"youSent\":\"" + req.header("Authorization") + "\"}"));
    upstream.on(
        "/echo-ok",
        (ex, req) ->
            Upstream.json(ex, 200, "{\"youSent\":\"" + req.header("Authorization") + "\"}"));
    api = server.api();
    admin = api.token(server.newOrg());
    var client =
        api.post(
                "/api/v2/oauth/clients",
                admin,
                "{\"name\":\"flow designer\",\"scope\":[\"architect\"]}")
            .json();
    architect = api.token(client.get("id").asString(), client.get("secret").asString());
    credentialId =
        created(
            api.post(
                CREDENTIALS,
                admin,
                "{\"name\":\"crm\",\"type\":\"bearer\",\"allowedHosts\":[\"127.0.0.1\"],\"credentialFields\":{\"token\":\""
                    + SECRET
                    + "\"}}"));
    otherCredentialId =
        created(
            api.post(
                CREDENTIALS,
                admin,
                "{\"name\":\"billing\",\"type\":\"bearer\",\"allowedHosts\":[\"127.0.0.1\"],\"credentialFields\":{\"token\":\"other-secret-value\"}}"));
    apiId =
        created(
            api.post(
                APIS,
                admin,
                "{\"name\":\"crm lookup\",\"method\":\"GET\",\"url\":\""
                    + upstream.url("/partner")
                    + "\",\"credentialId\":\""
                    + credentialId
                    + "\"}"));
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static String created(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static JsonNode test(String token, String id) {
    var r = api.post(APIS + "/" + id + "/test", token, "{}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void anArchitectCannotAttachACredentialToAnApiOfItsOwn() {
    var r =
        api.post(
            APIS,
            architect,
            "{\"name\":\"exfil\",\"method\":\"GET\",\"url\":\"http://localhost:"
                + port
                + "/steal\",\"credentialId\":\""
                + credentialId
                + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.json().get("code").asString()).isEqualTo("missing.scope");
    // Nor switch an existing API to another credential.
    var patched =
        api.patch(
            APIS + "/" + apiId, architect, "{\"credentialId\":\"" + otherCredentialId + "\"}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(403);
    assertThat(upstream.received("/steal")).isEmpty();
  }

  @Test
  void aRepointedApiDoesNotTakeTheCredentialToAnotherHost() {
    String copy =
        created(
            api.post(
                APIS,
                admin,
                "{\"name\":\"crm copy\",\"method\":\"GET\",\"url\":\""
                    + upstream.url("/partner")
                    + "\",\"credentialId\":\""
                    + credentialId
                    + "\"}"));
    assertThat(test(architect, copy).get("success").asBoolean()).isTrue();
    // Editing the URL (the architect's job) is allowed; the credential does not follow it to
    // another host.
    var moved =
        api.patch(
            APIS + "/" + copy, architect, "{\"url\":\"http://localhost:" + port + "/steal\"}");
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    JsonNode report = test(architect, copy);
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("error").get("kind").asString()).isEqualTo("credential.host.denied");
    assertThat(report.get("error").get("detail").asString())
        .contains("localhost")
        .contains("127.0.0.1");
    assertThat(report.get("attempts").asInt()).isZero();
    assertThat(upstream.received("/steal")).isEmpty();
  }

  @Test
  void aCredentialWithoutAllowedHostsIsNotSentAnywhere() {
    String bare =
        created(
            api.post(
                CREDENTIALS,
                admin,
                "{\"name\":\"no"
                    + " hosts\",\"type\":\"bearer\",\"credentialFields\":{\"token\":\"unbound-secret\"}}"));
    assertThat(api.get(CREDENTIALS + "/" + bare, admin).json().get("allowedHosts")).isEmpty();
    String id =
        created(
            api.post(
                APIS,
                admin,
                "{\"name\":\"unbound\",\"method\":\"GET\",\"url\":\""
                    + upstream.url("/partner")
                    + "\",\"credentialId\":\""
                    + bare
                    + "\"}"));
    JsonNode report = test(admin, id);
    assertThat(report.get("error").get("kind").asString()).isEqualTo("credential.host.denied");
    assertThat(report.get("error").get("detail").asString()).contains("allowedHosts");
    // An OAuth2 credential defaults to its token URL's host.
    var oauth =
        api.post(
            CREDENTIALS,
            admin,
            "{\"name\":\"idp\",\"type\":\"oauth2-client-credentials\",\"credentialFields\":{\"tokenUrl\":\"https://Login.Partner.example/oauth/token\",\"clientId\":\"c\",\"clientSecret\":\"s\"}}");
    assertThat(oauth.json().get("allowedHosts").toString())
        .isEqualTo("[\"login.partner.example\"]");
    // A wildcard that means "anywhere" is refused.
    var anywhere =
        api.post(
            CREDENTIALS,
            admin,
            "{\"name\":\"any\",\"type\":\"bearer\",\"allowedHosts\":[\"*\"],\"credentialFields\":{\"token\":\"x-value\"}}");
    assertThat(anywhere.status()).isEqualTo(400);
  }

  @Test
  void anEchoedSecretIsRedactedFromTheReport() {
    String error =
        created(
            api.post(
                APIS,
                admin,
                "{\"name\":\"echo error\",\"method\":\"GET\",\"url\":\""
                    + upstream.url("/echo-error")
                    + "\",\"credentialId\":\""
                    + credentialId
                    + "\"}"));
    JsonNode failed = test(architect, error);
    assertThat(failed.toString()).doesNotContain(SECRET);
    assertThat(failed.get("error").get("detail").asString()).contains("[redacted]");
    String ok =
        created(
            api.post(
                APIS,
                admin,
                "{\"name\":\"echo ok\",\"method\":\"GET\",\"url\":\""
                    + upstream.url("/echo-ok")
                    + "\",\"credentialId\":\""
                    + credentialId
                    + "\",\"responseMapping\":{\"outputs\":{\"echo\":\"$.youSent\"}}}"));
    JsonNode succeeded = test(architect, ok);
    assertThat(succeeded.get("success").asBoolean()).as(succeeded.toString()).isTrue();
    assertThat(succeeded.toString()).doesNotContain(SECRET);
    assertThat(succeeded.get("outputs").get("echo").asString()).isEqualTo("Bearer [redacted]");
  }
}

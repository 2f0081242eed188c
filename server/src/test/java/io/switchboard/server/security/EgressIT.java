package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10, item 3 (SSRF): external APIs and OAuth2 token URLs do not reach loopback, private,
 * link-local or unspecified addresses (nor the server itself) unless the operator allows them;
 * refusals name the rule, and a closed port reads exactly like an open one. Nothing here sends
 * traffic off the machine: refused targets are never connected to.
 */
class EgressIT {
  static final String BASE = "/api/v2/architect/external-apis";
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String token;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    upstream = Upstream.start();
    upstream.on("/data", (ex, req) -> Upstream.json(ex, 200, "{\"secret\":\"internal\"}"));
    upstream.on("/allowed", (ex, req) -> Upstream.json(ex, 200, "{}"));
    upstream.on(
        "/token",
        (ex, req) ->
            Upstream.json(
                ex, 200, "{\"access_token\":\"t\",\"token_type\":\"bearer\",\"expires_in\":600}"));
    api = server.api();
    token = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static JsonNode test(String token, String url) {
    var created =
        api.post(
            BASE,
            token,
            "{\"name\":\"probe "
                + System.nanoTime()
                + "\",\"method\":\"GET\",\"url\":\""
                + url
                + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    var r = api.post(BASE + "/" + created.json().get("id").asString() + "/test", token, "{}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static void assertDenied(JsonNode report, String addressClass) {
    assertThat(report.get("success").asBoolean()).as(report.toString()).isFalse();
    assertThat(report.get("error").get("kind").asString())
        .as(report.toString())
        .isEqualTo("egress.denied");
    assertThat(report.get("error").get("detail").asString())
        .isEqualTo(
            "egress.denied: address class "
                + addressClass
                + " is not allowed by externalapis.egress.allow");
    assertThat(report.get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void loopbackInAnySpellingIsRefusedBeforeAnyConnection() {
    int port = Integer.parseInt(upstream.url("").replaceAll(".*:", ""));
    assertDenied(test(token, upstream.url("/data")), "loopback");
    assertDenied(test(token, "http://localhost:" + port + "/data"), "loopback");
    assertDenied(test(token, "http://[::1]:" + port + "/data"), "loopback");
    assertDenied(test(token, "http://127.1.2.3:" + port + "/data"), "loopback");
    assertDenied(test(token, "http://[::ffff:127.0.0.1]:" + port + "/data"), "loopback");
    assertDenied(test(token, "http://0.0.0.0:" + port + "/data"), "unspecified");
    // The server's own admin endpoints.
    assertDenied(test(token, server.baseUrl() + "/metrics"), "loopback");
    assertThat(upstream.received("/data")).isEmpty();
  }

  @Test
  void privateAndLinkLocalAddressesAreRefused() {
    assertDenied(test(token, "http://169.254.169.254/latest/meta-data/"), "link-local");
    assertDenied(test(token, "http://10.1.2.3/"), "private");
    assertDenied(test(token, "http://172.20.0.1/"), "private");
    assertDenied(test(token, "http://192.168.0.1/"), "private");
    assertDenied(test(token, "http://[fd00::1]/"), "private");
    assertDenied(test(token, "http://[fe80::1]/"), "link-local");
    assertDenied(test(token, "http://224.0.0.1/"), "multicast");
  }

  @Test
  void aClosedPortAndAnOpenOneReadTheSame() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    JsonNode toClosed = test(token, "http://127.0.0.1:" + closed + "/data");
    JsonNode toOpen = test(token, upstream.url("/data"));
    assertThat(toClosed.get("error")).isEqualTo(toOpen.get("error"));
    assertThat(toClosed.get("status")).isEqualTo(toOpen.get("status"));
  }

  @Test
  void anOAuth2TokenUrlOnLoopbackIsRefused() {
    var credential =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"internal idp "
                + System.nanoTime()
                + "\",\"type\":\"oauth2-client-credentials\",\"allowedHosts\":[\"203.0.113.9\"],\"credentialFields\":{\"tokenUrl\":\""
                + upstream.url("/token")
                + "\",\"clientId\":\"c\",\"clientSecret\":\"s\"}}");
    assertThat(credential.status()).as(credential.toString()).isEqualTo(201);
    // A public address (TEST-NET-3, never routed) for the API: the token fetch comes first and is
    // refused.
    var created =
        api.post(
            BASE,
            token,
            "{\"name\":\"via idp "
                + System.nanoTime()
                + "\",\"method\":\"GET\",\"url\":\"http://203.0.113.9/x\",\"credentialId\":\""
                + credential.json().get("id").asString()
                + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode report =
        api.post(BASE + "/" + created.json().get("id").asString() + "/test", token, "{}").json();
    assertThat(report.get("success").asBoolean()).isFalse();
    assertThat(report.get("error").get("detail").asString())
        .contains(
            "egress.denied: address class loopback is not allowed by externalapis.egress.allow");
    assertThat(upstream.received("/token")).isEmpty();
  }

  @Test
  void theAllowListLetsAnOperatorReachAnInternalApi() {
    try (TestServer allowed =
        TestServer.start(Map.of(SettingKeys.EGRESS_ALLOW, "10.0.0.0/8, 127.0.0.1/32"))) {
      Api a = allowed.api();
      String t = a.token(allowed.newOrg());
      var created =
          a.post(
              BASE,
              t,
              "{\"name\":\"internal\",\"method\":\"GET\",\"url\":\""
                  + upstream.url("/allowed")
                  + "\"}");
      JsonNode report =
          a.post(BASE + "/" + created.json().get("id").asString() + "/test", t, "{}").json();
      assertThat(report.get("success").asBoolean()).as(report.toString()).isTrue();
      // Only what was allowed: ::1 is still loopback.
      int port = Integer.parseInt(upstream.url("").replaceAll(".*:", ""));
      var v6 =
          a.post(
              BASE,
              t,
              "{\"name\":\"v6\",\"method\":\"GET\",\"url\":\"http://[::1]:" + port + "/allowed\"}");
      JsonNode refused =
          a.post(BASE + "/" + v6.json().get("id").asString() + "/test", t, "{}").json();
      assertThat(refused.get("error").get("kind").asString()).isEqualTo("egress.denied");
    }
  }
}

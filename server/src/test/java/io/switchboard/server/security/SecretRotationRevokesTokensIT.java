package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 10, item 5: rotating a client's secret ends the tokens minted with the old one. */
class SecretRotationRevokesTokensIT {
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aTokenIssuedBeforeTheRotationIsRefusedAndANewOneWorks() {
    TestServer.OrgAccess org = server.newOrg();
    String admin = api.token(org);
    var created =
        api.post("/api/v2/oauth/clients", admin, "{\"name\":\"agent app\",\"scope\":[\"users\"]}")
            .json();
    String id = created.get("id").asString();
    String before = api.token(id, created.get("secret").asString());
    assertThat(api.get("/api/v2/users", before).status()).isEqualTo(200);

    var rotated = api.post("/api/v2/oauth/clients/" + id + "/secret", admin, "").json();

    Api.Response refused = api.get("/api/v2/users", before);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).contains("bad.credentials").contains("rotated");
    String after = api.token(id, rotated.get("secret").asString());
    assertThat(api.get("/api/v2/users", after).status()).isEqualTo(200);
    // The admin's own token (another client) is untouched.
    assertThat(api.get("/api/v2/users", admin).status()).isEqualTo(200);
  }
}

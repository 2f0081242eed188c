package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OAuthClientsIT {
  static TestServer server;
  static Api api;
  static TestServer.OrgAccess acme;
  static TestServer.OrgAccess globex;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    acme = server.newOrg();
    globex = server.newOrg();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theListingIsUnpagedUnlessAPageIsAskedFor() {
    // Genesys's client listing takes no paging parameters: its SDKs read one answer, which must
    // hold more than the usual first page of 25.
    var org = server.newOrg();
    String token = api.token(org);
    for (int i = 0; i < 25; i++) {
      var r =
          api.post(
              "/api/v2/oauth/clients",
              token,
              "{\"name\":\"many " + i + "\",\"scope\":[\"scripts\"]}");
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
    var all = api.get("/api/v2/oauth/clients", token).json();
    long total = all.get("total").asLong();
    assertThat(total).as("the org's own client and 25 more").isGreaterThan(25);
    assertThat(all.get("entities").size()).isEqualTo((int) total);
    assertThat(all.get("pageSize").asInt()).isEqualTo(500);
    assertThat(all.has("nextUri")).isFalse();
    var paged = api.get("/api/v2/oauth/clients?pageSize=25", token).json();
    assertThat(paged.get("entities").size()).isEqualTo(25);
    assertThat(paged.get("nextUri").asString()).contains("pageNumber=2");
  }

  @Test
  void secretIsShownOnceAtCreationAndNeverAfter() {
    String token = api.token(acme);
    var created =
        api.post(
            "/api/v2/oauth/clients",
            token,
            "{\"name\":\"crm"
                + " sync\",\"description\":\"partner\",\"scope\":[\"scripts\",\"oauth:readonly\"],\"accessTokenValiditySeconds\":3600}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asString();
    assertThat(created.json().get("secret").asString()).hasSizeGreaterThan(30);
    assertThat(created.json().get("accessTokenValiditySeconds").asInt()).isEqualTo(3600);

    var fetched = api.get("/api/v2/oauth/clients/" + id, token);
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.json().has("secret")).isFalse();
    assertThat(fetched.body()).doesNotContain(created.json().get("secret").asString());
    var listed = api.get("/api/v2/oauth/clients?pageSize=100", token);
    assertThat(listed.body()).doesNotContain(created.json().get("secret").asString()).contains(id);

    var newToken =
        api.tokenRequest(
            Api.basic(id, created.json().get("secret").asString()),
            Map.of("grant_type", "client_credentials"));
    assertThat(newToken.json().get("expires_in").asInt()).isEqualTo(3600);
  }

  @Test
  void rotatingTheSecretRetiresTheOldOne() {
    String token = api.token(acme);
    var created =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"rotating\",\"scope\":[\"scripts\"]}");
    String id = created.json().get("id").asString();
    String oldSecret = created.json().get("secret").asString();
    api.token(id, oldSecret);
    var rotated = api.post("/api/v2/oauth/clients/" + id + "/secret", token, null);
    assertThat(rotated.status()).isEqualTo(200);
    String newSecret = rotated.json().get("secret").asString();
    assertThat(newSecret).isNotEqualTo(oldSecret);
    assertThat(
            api.tokenRequest(Api.basic(id, oldSecret), Map.of("grant_type", "client_credentials"))
                .status())
        .isEqualTo(401);
    assertThat(
            api.tokenRequest(Api.basic(id, newSecret), Map.of("grant_type", "client_credentials"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void aPutChangesAClientAndTakingAScopeAwayEndsItsTokens() {
    String admin = api.token(acme);
    var created =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"changing\",\"scope\":[\"scripts\",\"conversations\"]}");
    String id = created.json().get("id").asString();
    String secret = created.json().get("secret").asString();
    String before = api.token(id, secret);
    String path = "/api/v2/oauth/clients/" + id;
    // A call that is not there: 404 with the conversations scope, 403 without, 401 for a dead
    // token.
    String aCall = "/api/v2/conversations/" + java.util.UUID.randomUUID();

    // Renamed, described, a longer lifetime and one more scope: its tokens go on.
    var renamed =
        api.put(
            path,
            admin,
            "{\"name\":\"renamed\",\"description\":\"d\",\"accessTokenValiditySeconds\":7200,"
                + "\"authorizedGrantType\":\"CLIENT_CREDENTIALS\","
                + "\"scope\":[\"scripts\",\"conversations\",\"users\"]}");
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    JsonNode view = renamed.json();
    assertThat(view.get("name").asString()).isEqualTo("renamed");
    assertThat(view.get("description").asString()).isEqualTo("d");
    assertThat(view.get("accessTokenValiditySeconds").asInt()).isEqualTo(7200);
    assertThat(view.has("secret")).isFalse();
    assertThat(view.get("dateModified").asString())
        .isGreaterThan(view.get("dateCreated").asString());
    assertThat(api.get(path, admin).json().get("name").asString()).isEqualTo("renamed");
    assertThat(api.get(aCall, before).status()).isEqualTo(404);
    assertThat(
            api.tokenRequest(Api.basic(id, secret), Map.of("grant_type", "client_credentials"))
                .json()
                .get("expires_in")
                .asInt())
        .isEqualTo(7200);

    // Without conversations: the tokens granted it end; a new one lacks it.
    var narrowed = api.put(path, admin, "{\"name\":\"renamed\",\"scope\":[\"scripts\",\"users\"]}");
    assertThat(narrowed.status()).as(narrowed.toString()).isEqualTo(200);
    assertThat(narrowed.json().get("accessTokenValiditySeconds").asInt())
        .as("an absent lifetime keeps the client's")
        .isEqualTo(7200);
    assertThat(api.get(aCall, before).status()).isEqualTo(401);
    assertThat(narrowed.json().get("secretRotatedDate").asString())
        .as("ending its tokens is not a rotation of its secret")
        .isEqualTo(view.get("secretRotatedDate").asString());
    String after = api.token(id, secret);
    assertThat(api.get(aCall, after).status()).isEqualTo(403);
    assertThat(api.get("/api/v2/scripts", after).status()).isEqualTo(200);

    // Checked as at creation; nothing changes on a refusal.
    assertThat(api.put(path, admin, "{\"name\":\"renamed\",\"scope\":[]}").status()).isEqualTo(400);
    assertThat(
            api.put(
                    path,
                    admin,
                    "{\"name\":\"x\",\"scope\":[\"scripts\"],\"accessTokenValiditySeconds\":299}")
                .status())
        .isEqualTo(400);
    assertThat(api.put(path, admin, "{\"name\":\"x\",\"scope\":[\"root\"]}").status())
        .isEqualTo(400);
    assertThat(api.put(path, admin, "{\"name\":").status()).isEqualTo(400);
    assertThat(api.put(path, admin, "{\"scope\":[\"scripts\"]}").status()).isEqualTo(400);
    assertThat(api.get(path, admin).json().get("name").asString()).isEqualTo("renamed");
    assertThat(api.get("/api/v2/scripts", after).status()).isEqualTo(200);

    // Another org's client is not found, as a missing one.
    var elsewhere = api.put(path, api.token(globex), "{\"name\":\"mine\",\"scope\":[\"scripts\"]}");
    assertThat(elsewhere.status()).isEqualTo(404);
    assertThat(
            api.put("/api/v2/oauth/clients/" + java.util.UUID.randomUUID(), admin, "{}").status())
        .isEqualTo(404);
  }

  @Test
  void aClientCannotRaiseOrChangeAClientBeyondWhatItHolds() {
    TestServer.OrgAccess org = server.newOrg();
    String admin = api.token(org);
    var limited =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"oauth and scripts\",\"scope\":[\"oauth\",\"scripts\"]}");
    String limitedToken =
        api.token(limited.json().get("id").asString(), limited.json().get("secret").asString());
    var peer =
        api.post(
            "/api/v2/oauth/clients", limitedToken, "{\"name\":\"peer\",\"scope\":[\"scripts\"]}");
    String peerPath = "/api/v2/oauth/clients/" + peer.json().get("id").asString();

    var raise =
        api.put(peerPath, limitedToken, "{\"name\":\"peer\",\"scope\":[\"scripts\",\"users\"]}");
    assertThat(raise.status()).isEqualTo(403);
    assertThat(raise.json().get("messageParams").get("scope").asString()).isEqualTo("users");
    // The all-scopes admin client cannot be changed (narrowed, renamed) by a lesser one.
    var admins =
        api.put(
            "/api/v2/oauth/clients/" + org.clientId(),
            limitedToken,
            "{\"name\":\"mine now\",\"scope\":[\"scripts\"]}");
    assertThat(admins.status()).isEqualTo(403);
    assertThat(api.get("/api/v2/scripts", admin).status()).isEqualTo(200);
    assertThat(
            api.put(peerPath, limitedToken, "{\"name\":\"peer 2\",\"scope\":[\"scripts\"]}")
                .status())
        .isEqualTo(200);

    // A sign-in client without scopes lends its users all of theirs: only a caller holding every
    // scope makes, changes, rotates or deletes one.
    String signIn =
        "{\"name\":\"web app\",\"authorizedGrantType\":\"CODE\","
            + "\"registeredRedirectUri\":[\"https://app.example/cb\"]}";
    assertThat(api.post("/api/v2/oauth/clients", limitedToken, signIn).status()).isEqualTo(403);
    var app = api.post("/api/v2/oauth/clients", admin, signIn);
    assertThat(app.status()).isEqualTo(201);
    String appPath = "/api/v2/oauth/clients/" + app.json().get("id").asString();
    var redirect =
        api.put(
            appPath,
            limitedToken,
            signIn.replace("https://app.example/cb", "https://attacker.example/cb"));
    assertThat(redirect.status()).isEqualTo(403);
    assertThat(api.post(appPath + "/secret", limitedToken, null).status()).isEqualTo(403);
    assertThat(api.delete(appPath, limitedToken).status()).isEqualTo(403);
    assertThat(api.get(appPath, admin).json().get("registeredRedirectUri").get(0).asString())
        .isEqualTo("https://app.example/cb");
  }

  @Test
  void tokenLifetimeIsValidated() {
    String token = api.token(acme);
    for (int bad : new int[] {299, 172801}) {
      var r =
          api.post(
              "/api/v2/oauth/clients",
              token,
              "{\"name\":\"x\",\"scope\":[\"scripts\"],\"accessTokenValiditySeconds\":"
                  + bad
                  + "}");
      assertThat(r.status()).as("lifetime %d", bad).isEqualTo(400);
      assertThat(r.json().get("code").asString()).isEqualTo("invalid.value");
      assertThat(r.json().get("messageParams").get("field").asString())
          .isEqualTo("accessTokenValiditySeconds");
    }
    for (int good : new int[] {300, 172800}) {
      assertThat(
              api.post(
                      "/api/v2/oauth/clients",
                      token,
                      "{\"name\":\"x\",\"scope\":[\"scripts\"],\"accessTokenValiditySeconds\":"
                          + good
                          + "}")
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void unknownScopeIsRejectedByName() {
    var r =
        api.post(
            "/api/v2/oauth/clients",
            api.token(acme),
            "{\"name\":\"x\",\"scope\":[\"scripts\",\"root\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("root");
  }

  @Test
  void aClientCannotGrantScopesItLacks() {
    String admin = api.token(acme);
    var limited =
        api.post("/api/v2/oauth/clients", admin, "{\"name\":\"limited\",\"scope\":[\"oauth\"]}");
    String limitedToken =
        api.token(limited.json().get("id").asString(), limited.json().get("secret").asString());
    var r =
        api.post(
            "/api/v2/oauth/clients",
            limitedToken,
            "{\"name\":\"escalate\",\"scope\":[\"scripts\"]}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("code").asString()).isEqualTo("missing.scope");
  }

  @Test
  void aClientCannotTakeOverOrRemoveAClientThatHoldsMoreThanIt() {
    TestServer.OrgAccess org = server.newOrg();
    String admin = api.token(org);
    var limited =
        api.post("/api/v2/oauth/clients", admin, "{\"name\":\"oauth only\",\"scope\":[\"oauth\"]}");
    String limitedToken =
        api.token(limited.json().get("id").asString(), limited.json().get("secret").asString());

    // Rotating the all-scopes admin client's secret would hand every scope to an oauth-only client.
    var rotate =
        api.post("/api/v2/oauth/clients/" + org.clientId() + "/secret", limitedToken, null);
    assertThat(rotate.status()).isEqualTo(403);
    assertThat(rotate.json().get("code").asString()).isEqualTo("missing.scope");
    assertThat(rotate.body()).doesNotContain("\"secret\"");
    var delete = api.delete("/api/v2/oauth/clients/" + org.clientId(), limitedToken);
    assertThat(delete.status()).isEqualTo(403);
    assertThat(api.token(org)).as("the admin client still works with its old secret").isNotBlank();

    // A client it could have created itself is fair game.
    var peer =
        api.post(
            "/api/v2/oauth/clients",
            limitedToken,
            "{\"name\":\"peer\",\"scope\":[\"oauth:readonly\"]}");
    assertThat(
            api.post(
                    "/api/v2/oauth/clients/" + peer.json().get("id").asString() + "/secret",
                    limitedToken,
                    null)
                .status())
        .isEqualTo(200);
    assertThat(
            api.delete("/api/v2/oauth/clients/" + peer.json().get("id").asString(), limitedToken)
                .status())
        .isEqualTo(204);
  }

  @Test
  void missingScopeIs403NamingTheScope() {
    String admin = api.token(acme);
    var scriptsOnly =
        api.post(
            "/api/v2/oauth/clients", admin, "{\"name\":\"scripts only\",\"scope\":[\"scripts\"]}");
    String token =
        api.token(
            scriptsOnly.json().get("id").asString(), scriptsOnly.json().get("secret").asString());
    var r = api.get("/api/v2/oauth/clients", token);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("code").asString()).isEqualTo("missing.scope");
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("oauth");
  }

  @Test
  void readonlyScopeReadsButDoesNotWrite() {
    String admin = api.token(acme);
    var ro =
        api.post(
            "/api/v2/oauth/clients", admin, "{\"name\":\"ro\",\"scope\":[\"oauth:readonly\"]}");
    String token = api.token(ro.json().get("id").asString(), ro.json().get("secret").asString());
    assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(200);
    var write =
        api.post(
            "/api/v2/oauth/clients", token, "{\"name\":\"nope\",\"scope\":[\"oauth:readonly\"]}");
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.json().get("messageParams").get("scope").asString()).isEqualTo("oauth");
  }

  @Test
  void anotherOrgsClientIsNotFoundExactlyLikeAMissingOne() {
    String acmeToken = api.token(acme);
    String globexToken = api.token(globex);
    var created =
        api.post(
            "/api/v2/oauth/clients", acmeToken, "{\"name\":\"private\",\"scope\":[\"scripts\"]}");
    String id = created.json().get("id").asString();

    var foreign = api.get("/api/v2/oauth/clients/" + id, globexToken);
    var missing =
        api.get("/api/v2/oauth/clients/00000000-0000-0000-0000-000000000000", globexToken);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(foreign.json().get("code").asString())
        .isEqualTo(missing.json().get("code").asString())
        .isEqualTo("not.found");
    assertThat(api.delete("/api/v2/oauth/clients/" + id, globexToken).status()).isEqualTo(404);
    assertThat(api.post("/api/v2/oauth/clients/" + id + "/secret", globexToken, null).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v2/oauth/clients?pageSize=500", globexToken).body())
        .doesNotContain(id);
    assertThat(api.get("/api/v2/oauth/clients/" + id, acmeToken).status()).isEqualTo(200);
  }

  @Test
  void orgHeaderThatDisagreesWithTheTokenIs403() {
    String token = api.token(acme);
    var r = api.get("/api/v2/oauth/clients", token, "X-Genesys-Organization-Id", globex.orgId());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("code").asString()).isEqualTo("org.mismatch");
    assertThat(
            api.get("/api/v2/oauth/clients", token, "X-Genesys-Organization-Id", acme.orgId())
                .status())
        .isEqualTo(200);
  }

  @Test
  void listingPagesWithGenesysFields() {
    TestServer.OrgAccess org = server.newOrg();
    String token = api.token(org);
    for (int i = 0; i < 4; i++)
      api.post("/api/v2/oauth/clients", token, "{\"name\":\"c" + i + "\",\"scope\":[\"scripts\"]}");
    var page = api.get("/api/v2/oauth/clients?pageSize=2&pageNumber=2", token).json();
    assertThat(page.get("total").asInt()).isEqualTo(5);
    assertThat(page.get("pageCount").asInt()).isEqualTo(3);
    assertThat(page.get("entities").size()).isEqualTo(2);
    assertThat(page.get("nextUri").asString())
        .isEqualTo("/api/v2/oauth/clients?pageSize=2&pageNumber=3");
    assertThat(page.get("previousUri").asString())
        .isEqualTo("/api/v2/oauth/clients?pageSize=2&pageNumber=1");
    var bad = api.get("/api/v2/oauth/clients?pageSize=0", token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").asString()).isEqualTo("invalid.value");
  }
}

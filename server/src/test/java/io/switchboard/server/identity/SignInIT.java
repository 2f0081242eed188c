package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The sign-in grants over real HTTP, as a browser and an app do them: the authorization code with
 * PKCE (S256) and the implicit grant, and what must not work (wrong verifier, a reused or expired
 * code, a redirect URI that is not registered, a form posted without its cookie).
 */
class SignInIT {
  static final String CALLBACK = "https://app.example.com/callback";
  static final String PASSWORD = "correct horse 1";
  static final MutableClock clock = new MutableClock();
  static TestServer server;
  static Api api;
  static Browser browser;
  static String admin;
  static String codeClient;
  static String codeSecret;
  static String tokenClient;
  static String userId;
  static String username;

  @BeforeAll
  static void start() {
    // Failures are throttled per address: every test here comes from loopback, so a high limit
    // (the throttling test has a server of its own).
    server = TestServer.start(Map.of("identity.token-failures-per-minute", "1000"), null, clock);
    api = server.api();
    browser = new Browser(api);
    admin = api.token(server.newOrg());
    username = "agent." + UUID.randomUUID() + "@example.com";
    var user =
        api.post(
            "/api/v2/users",
            admin,
            "{\"name\":\"Ada Agent\",\"email\":\""
                + username
                + "\",\"password\":\""
                + PASSWORD
                + "\"}");
    assertThat(user.status()).as(user.body()).isEqualTo(201);
    assertThat(user.body()).doesNotContain(PASSWORD).doesNotContain("password");
    userId = user.json().get("id").asString();
    String agentRole = roleId(admin, "agent");
    var granted = api.put("/api/v2/users/" + userId + "/roles", admin, "[\"" + agentRole + "\"]");
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);

    var code =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"web app\",\"authorizedGrantType\":\"CODE\",\"registeredRedirectUri\":[\""
                + CALLBACK
                + "\"]}");
    assertThat(code.status()).as(code.body()).isEqualTo(201);
    assertThat(code.json().get("authorizedGrantType").asString()).isEqualTo("CODE");
    assertThat(code.json().get("registeredRedirectUri").get(0).asString()).isEqualTo(CALLBACK);
    codeClient = code.json().get("id").asString();
    codeSecret = code.json().get("secret").asString();
    var implicit =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"spa\",\"authorizedGrantType\":\"TOKEN\",\"registeredRedirectUri\":[\""
                + CALLBACK
                + "\"]}");
    assertThat(implicit.status()).as(implicit.body()).isEqualTo(201);
    tokenClient = implicit.json().get("id").asString();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String roleId(String token, String name) {
    var r = api.get("/api/v2/authorization/roles?name=" + name, token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("entities").get(0).get("id").asString();
  }

  static Map<String, String> codeQuery(String verifier, String state) {
    var q = new HashMap<String, String>();
    q.put("response_type", "code");
    q.put("client_id", codeClient);
    q.put("redirect_uri", CALLBACK);
    q.put("state", state);
    q.put("code_challenge", Browser.challenge(verifier));
    q.put("code_challenge_method", "S256");
    return q;
  }

  static String verifier() {
    return UUID.randomUUID() + "-" + UUID.randomUUID();
  }

  static Api.Response redeem(String code, String verifier, String redirect) {
    var form = new HashMap<String, String>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirect);
    form.put("client_id", codeClient);
    if (verifier != null) form.put("code_verifier", verifier);
    return api.tokenRequest(null, form);
  }

  /** A user token of the signed-in agent, through the full code flow. */
  static String userToken() {
    return userToken(username);
  }

  static String userToken(String who) {
    String verifier = verifier();
    var page = browser.open(codeQuery(verifier, "st-calls"));
    var signedIn = browser.submit(page, who, PASSWORD);
    assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
    String code = Browser.queryOf(signedIn.header("Location").orElseThrow()).get("code");
    var token = redeem(code, verifier, CALLBACK);
    assertThat(token.status()).as(token.body()).isEqualTo(200);
    return token.json().get("access_token").asString();
  }

  /** A user of the org who can sign in with {@link #PASSWORD}; answers its id. */
  static String userWithPassword(String name, String email) {
    var created =
        api.post(
            "/api/v2/users",
            admin,
            "{\"name\":\""
                + name
                + "\",\"email\":\""
                + email
                + "\",\"password\":\""
                + PASSWORD
                + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  /** A deleted user's tokens stop at once on the node that deleted it (the test's clock stands). */
  @Test
  void aDeletedUsersTokenStopsAtOnce() {
    String who = "leaver." + UUID.randomUUID() + "@example.com";
    String id = userWithPassword("Leaving Agent", who);
    String token = userToken(who);
    assertThat(api.get("/api/v2/users/me", token).status()).isEqualTo(200);

    assertThat(api.delete("/api/v2/users/" + id, admin).status()).isEqualTo(204);
    var after = api.get("/api/v2/users/me", token);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().get("message").asString()).contains("no longer exists");
  }

  /**
   * Notification channels of a user's token belong to the user, not to the sign-in client all the
   * org's users share: one user's 21st channel evicts its own oldest, never another user's.
   */
  @Test
  void aSignedInUsersChannelsAreItsOwn() {
    String other = "other." + UUID.randomUUID() + "@example.com";
    String otherId = userWithPassword("Other Agent", other);
    var granted =
        api.put(
            "/api/v2/users/" + otherId + "/roles", admin, "[\"" + roleId(admin, "agent") + "\"]");
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    String mine = userToken();
    String theirs = userToken(other);
    var theirChannel = api.post("/api/v2/notifications/channels", theirs, null);
    assertThat(theirChannel.status()).as(theirChannel.body()).isEqualTo(200);
    String theirId = theirChannel.json().get("id").asString();
    String myFirst = null;
    for (int i = 0; i < 21; i++) {
      // The test's clock stands still: a millisecond apart, so "oldest" is well defined.
      clock.advance(Duration.ofMillis(1));
      var c = api.post("/api/v2/notifications/channels", mine, null);
      assertThat(c.status()).as(c.body()).isEqualTo(200);
      if (i == 0) myFirst = c.json().get("id").asString();
    }
    assertThat(api.get("/api/v2/notifications/channels", mine).json().get("entities")).hasSize(20);
    assertThat(api.raw("HEAD", "/api/v2/notifications/channels/" + myFirst, mine, null).status())
        .as("my oldest channel, evicted by my 21st")
        .isEqualTo(404);
    assertThat(api.raw("HEAD", "/api/v2/notifications/channels/" + theirId, theirs, null).status())
        .as("the other user's channel")
        .isEqualTo(200);
    assertThat(api.raw("HEAD", "/api/v2/notifications/channels/" + theirId, mine, null).status())
        .as("not mine to see")
        .isEqualTo(404);
  }

  @Test
  void aUsersTokenPlacesTheUsersOwnOutboundCall() {
    String userToken = userToken();
    var placed =
        api.post("/api/v2/conversations/calls", userToken, "{\"phoneNumber\":\"+15551230000\"}");
    assertThat(placed.status()).as(placed.toString()).isEqualTo(200);
    JsonNode call =
        api.get("/api/v2/conversations/calls/" + placed.json().get("id").asString(), userToken)
            .json();
    JsonNode agent = call.get("participants").get(0);
    assertThat(agent.get("purpose").asString()).isEqualTo("agent");
    assertThat(agent.get("user").get("id").asString()).isEqualTo(userId);
    // Someone else's call is not the user's to place.
    var other =
        api.post(
            "/api/v2/conversations/calls",
            userToken,
            "{\"phoneNumber\":\"+15551230000\",\"callUserId\":\"" + UUID.randomUUID() + "\"}");
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.json().get("message").asString()).contains("callUserId");
  }

  @Test
  void theFullPkceFlowGivesAUserTokenThatWorksEverywhere() {
    String verifier = verifier();
    var page = browser.open(codeQuery(verifier, "st-1"));
    assertThat(page.response().status()).isEqualTo(200);
    assertThat(page.response().header("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.response().header("X-Frame-Options")).contains("DENY");
    assertThat(page.response().header("Cache-Control")).contains("no-store");
    assertThat(page.response().header("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'")
        .contains("frame-ancestors 'none'");
    assertThat(page.response().body()).contains("web app").doesNotContain("<script");
    assertThat(page.cookie()).startsWith(SignInRoutes.CSRF_COOKIE + "=");
    assertThat(page.response().header("Set-Cookie").orElseThrow())
        .contains("HttpOnly")
        .contains("SameSite=Strict");

    var signedIn = browser.submit(page, username.toUpperCase(java.util.Locale.ROOT), PASSWORD);
    assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
    String location = signedIn.header("Location").orElseThrow();
    assertThat(location).startsWith(CALLBACK + "?");
    var params = Browser.queryOf(location);
    assertThat(params.get("state")).isEqualTo("st-1");
    String code = params.get("code");
    assertThat(code).hasSizeGreaterThan(40);

    var token = redeem(code, verifier, CALLBACK);
    assertThat(token.status()).as(token.body()).isEqualTo(200);
    assertThat(token.header("Cache-Control")).contains("no-store");
    String userToken = token.json().get("access_token").asString();

    JsonNode me = api.get("/api/v2/users/me", userToken).json();
    assertThat(me.get("id").asString()).isEqualTo(userId);
    assertThat(me.get("email").asString()).isEqualTo(username);
    JsonNode info = api.get("/api/v2/tokens/me", userToken).json();
    assertThat(info.get("OAuthClient").get("id").asString()).isEqualTo(codeClient);
    assertThat(info.get("OAuthClient").get("authorizedGrantType").asString()).isEqualTo("CODE");
    assertThat(info.get("authorizedScope").toString())
        .contains("conversations", "agent-scripting", "scripts:readonly")
        .doesNotContain("\"oauth\"");
    // The agent role reads scripts and users, writes no OAuth client.
    assertThat(api.get("/api/v2/scripts", userToken).status()).isEqualTo(200);
    assertThat(api.get("/api/v2/users/" + userId, userToken).status()).isEqualTo(200);
    assertThat(
            api.post("/api/v2/oauth/clients", userToken, "{\"name\":\"x\",\"scope\":[\"users\"]}")
                .status())
        .isEqualTo(403);

    // Used once: the same code again is refused.
    var again = redeem(code, verifier, CALLBACK);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().get("error").asString()).isEqualTo("invalid_grant");
  }

  @Test
  void aWrongVerifierIsRefusedAndSpendsTheCode() {
    String verifier = verifier();
    String code = browser.code(codeQuery(verifier, "s"), username, PASSWORD);
    var wrong = redeem(code, verifier(), CALLBACK);
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.json().get("error").asString()).isEqualTo("invalid_grant");
    assertThat(redeem(code, verifier, CALLBACK).status()).isEqualTo(400);

    String code2 = browser.code(codeQuery(verifier, "s"), username, PASSWORD);
    assertThat(redeem(code2, null, CALLBACK).json().get("error").asString())
        .isEqualTo("invalid_grant");
  }

  @Test
  void theRedirectUriMustMatchExactly() {
    String verifier = verifier();
    for (String other :
        new String[] {
          CALLBACK + "/",
          CALLBACK + "?x=1",
          "https://evil.example.com/callback",
          "HTTPS://app.example.com/callback"
        }) {
      var q = codeQuery(verifier, "s");
      q.put("redirect_uri", other);
      var page = browser.open(q);
      assertThat(page.response().status()).as(other).isEqualTo(400);
      assertThat(page.response().header("Location")).as(other).isEmpty();
      assertThat(page.response().body()).contains("redirect_uri");
    }
    // At the exchange too: the code is bound to the redirect URI it was issued for.
    String code = browser.code(codeQuery(verifier, "s"), username, PASSWORD);
    var r = redeem(code, verifier, CALLBACK + "/other");
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_grant");
  }

  @Test
  void anExpiredCodeIsRefused() {
    String verifier = verifier();
    String code = browser.code(codeQuery(verifier, "s"), username, PASSWORD);
    clock.advance(SignInService.CODE_LIFETIME.plusSeconds(1));
    var r = redeem(code, verifier, CALLBACK);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").asString()).isEqualTo("invalid_grant");
  }

  @Test
  void aCodeIsBoundToItsClient() {
    String verifier = verifier();
    String code = browser.code(codeQuery(verifier, "s"), username, PASSWORD);
    var form = new HashMap<String, String>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", CALLBACK);
    form.put("client_id", tokenClient);
    form.put("code_verifier", verifier);
    assertThat(api.tokenRequest(null, form).json().get("error").asString())
        .isEqualTo("invalid_grant");
  }

  @Test
  void aConfidentialClientMayAddItsSecretAndAWrongSecretFails() {
    String verifier = verifier();
    String code = browser.code(codeQuery(verifier, "s"), username, PASSWORD);
    var form =
        Map.of(
            "grant_type", "authorization_code",
            "code", code,
            "redirect_uri", CALLBACK,
            "code_verifier", verifier);
    assertThat(api.tokenRequest(Api.basic(codeClient, "wrong"), form).status()).isEqualTo(401);
    // The wrong secret did not spend the code (the client was refused before it).
    var ok = api.tokenRequest(Api.basic(codeClient, codeSecret), form);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    // A sign-in client has no client_credentials grant.
    var cc =
        api.tokenRequest(
            Api.basic(codeClient, codeSecret), Map.of("grant_type", "client_credentials"));
    assertThat(cc.status()).isEqualTo(400);
    assertThat(cc.json().get("error").asString()).isEqualTo("unauthorized_client");
  }

  @Test
  void theImplicitGrantReturnsTheTokenInTheFragment() {
    var q = new HashMap<String, String>();
    q.put("response_type", "token");
    q.put("client_id", tokenClient);
    q.put("redirect_uri", CALLBACK);
    q.put("state", "a b&c");
    var page = browser.open(q);
    var r = browser.submit(page, username, PASSWORD);
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    String location = r.header("Location").orElseThrow();
    assertThat(location).startsWith(CALLBACK + "#");
    var fragment = Browser.fragmentOf(location);
    assertThat(fragment.get("state")).isEqualTo("a b&c");
    assertThat(fragment.get("token_type")).isEqualTo("bearer");
    String token = fragment.get("access_token");
    assertThat(api.get("/api/v2/users/me", token).json().get("id").asString()).isEqualTo(userId);

    // The client's grant type decides the response type.
    q.put("response_type", "code");
    var wrongType = browser.open(q);
    assertThat(wrongType.response().status()).isEqualTo(302);
    var error = Browser.queryOf(wrongType.response().header("Location").orElseThrow());
    assertThat(error.get("error")).isEqualTo("unauthorized_client");
    assertThat(error.get("state")).isEqualTo("a b&c");
  }

  @Test
  void aWrongPasswordShowsTheFormAgainWithoutSayingWhichWasWrong() {
    var page = browser.open(codeQuery(verifier(), "s"));
    var wrong = browser.submit(page, username, "not the password");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("Location")).isEmpty();
    assertThat(wrong.body())
        .contains("user name or password is wrong")
        .doesNotContain("not the password");
    var unknown = browser.submit(page, "nobody@example.com", PASSWORD);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.body()).contains("user name or password is wrong");
  }

  @Test
  void theFormNeedsItsCookie() {
    var page = browser.open(codeQuery(verifier(), "s"));
    var fields = new HashMap<>(page.hidden());
    fields.put("username", username);
    fields.put("password", PASSWORD);
    var noCookie = browser.post(fields, null);
    assertThat(noCookie.status()).isEqualTo(403);
    assertThat(noCookie.header("Location")).isEmpty();
    var otherCookie = browser.post(fields, SignInRoutes.CSRF_COOKIE + "=forged");
    assertThat(otherCookie.status()).isEqualTo(403);
  }

  @Test
  void valuesAreEscapedInThePage() {
    var q = codeQuery(verifier(), "\"><script>alert(1)</script>");
    var page = browser.open(q);
    assertThat(page.response().status()).isEqualTo(200);
    assertThat(page.response().body()).doesNotContain("<script>").contains("&lt;script&gt;");
    assertThat(page.hidden().get("state")).isEqualTo("\"><script>alert(1)</script>");
  }

  @Test
  void badAuthorizeRequestsAreRefused() {
    var unknown = codeQuery(verifier(), "s");
    unknown.put("client_id", UUID.randomUUID().toString());
    assertThat(browser.open(unknown).response().status()).isEqualTo(400);
    var plain = codeQuery(verifier(), "s");
    plain.put("code_challenge_method", "plain");
    var r = browser.open(plain).response();
    assertThat(r.status()).isEqualTo(302);
    assertThat(Browser.queryOf(r.header("Location").orElseThrow()).get("error"))
        .isEqualTo("invalid_request");
    // A client-credentials client cannot sign users in.
    var cc = codeQuery(verifier(), "s");
    cc.put(
        "client_id",
        api.post("/api/v2/oauth/clients", admin, "{\"name\":\"cc\",\"scope\":[\"users\"]}")
            .json()
            .get("id")
            .asString());
    assertThat(browser.open(cc).response().status()).isEqualTo(400);
    // Sign-in clients need a redirect URI.
    var noUri =
        api.post(
            "/api/v2/oauth/clients", admin, "{\"name\":\"n\",\"authorizedGrantType\":\"CODE\"}");
    assertThat(noUri.status()).isEqualTo(400);
    var fragment =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"n\",\"authorizedGrantType\":\"CODE\",\"registeredRedirectUri\":[\"https://a.example/#x\"]}");
    assertThat(fragment.status()).isEqualTo(400);
  }

  @Test
  void theSignInPageAnswersOnAnyHostName() {
    String path =
        "/oauth/authorize?response_type=token&client_id="
            + tokenClient
            + "&redirect_uri="
            + java.net.URLEncoder.encode(CALLBACK, java.nio.charset.StandardCharsets.UTF_8);
    for (String host : new String[] {"login.example.com", "login.mypurecloud.test:443"}) {
      var r =
          io.switchboard.server.testing.RawHttp.exchange(
              server.port(),
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertThat(r.statusLine()).as(host).contains(" 200");
      assertThat(r.body()).contains("<form method=\"post\" action=\"/oauth/authorize\">");
    }
  }

  @Test
  void aRoleChangeTakesEffectForNewTokensAndADeletedUserSignsInNoMore() {
    String email = "temp." + UUID.randomUUID() + "@example.com";
    String id =
        api.post(
                "/api/v2/users",
                admin,
                "{\"name\":\"Temp\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}")
            .json()
            .get("id")
            .asString();
    var role =
        api.post(
            "/api/v2/authorization/roles",
            admin,
            "{\"name\":\"readers-" + id + "\",\"scopes\":[\"scripts:readonly\"]}");
    String roleId = role.json().get("id").asString();
    api.put("/api/v2/users/" + id + "/roles", admin, "[\"" + roleId + "\"]");
    String verifier = verifier();
    String first =
        redeem(browser.code(codeQuery(verifier, "s"), email, PASSWORD), verifier, CALLBACK)
            .json()
            .get("access_token")
            .asString();
    assertThat(api.get("/api/v2/users", first).status()).isEqualTo(403);

    api.put(
        "/api/v2/authorization/roles/" + roleId,
        admin,
        "{\"name\":\"readers-" + id + "\",\"scopes\":[\"scripts:readonly\",\"users:readonly\"]}");
    // The token issued before keeps its scopes; a new one has the role's new scopes.
    assertThat(api.get("/api/v2/users", first).status()).isEqualTo(403);
    String second =
        redeem(browser.code(codeQuery(verifier, "s"), email, PASSWORD), verifier, CALLBACK)
            .json()
            .get("access_token")
            .asString();
    assertThat(api.get("/api/v2/users", second).status()).isEqualTo(200);

    assertThat(api.delete("/api/v2/users/" + id, admin).status()).isEqualTo(204);
    assertThat(api.get("/api/v2/users/me", second).status()).isEqualTo(401);
    var page = browser.open(codeQuery(verifier, "s"));
    assertThat(browser.submit(page, email, PASSWORD).status()).isEqualTo(401);
  }
}

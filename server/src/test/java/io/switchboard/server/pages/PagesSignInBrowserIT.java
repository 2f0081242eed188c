package io.switchboard.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The pages' sign-in in a real Chromium: the page sends the browser to the server's own sign-in
 * page (authorization code + PKCE), the user signs in there, the page redeems the code and shows
 * the user's name; the code never stays in the address bar and the token is in the tab's
 * sessionStorage only.
 */
class PagesSignInBrowserIT {
  static TestServer server;
  static Api api;
  static String admin;
  static String clientId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    admin = api.token(server.newOrg());
    clientId = PageFixtures.signInClient(api, admin, server.baseUrl());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void signsInThroughTheRealSignInPageAndShowsTheUser() {
    var user = PageFixtures.user(api, admin, "Ada Agent", "agent");
    try (var browser = new Browser()) {
      browser.open(server.baseUrl() + "/agent/?client_id=" + clientId);
      browser.signIn(user.username(), user.password());
      browser.awaitText(By.id("who"), "Ada Agent");
      String url = browser.driver().getCurrentUrl();
      assertThat(url).isEqualTo(server.baseUrl() + "/agent/");
      var js = (JavascriptExecutor) browser.driver();
      String token = (String) js.executeScript("return sessionStorage.getItem('sb:/agent/:token')");
      assertThat(token).isNotBlank();
      assertThat((String) js.executeScript("return JSON.stringify(localStorage)"))
          .doesNotContain(token);
      // The token is the user's: the API knows who it is.
      var me = api.get("/api/v2/users/me", token);
      assertThat(me.status()).as(me.body()).isEqualTo(200);
      assertThat(me.json().get("id").asString()).isEqualTo(user.id());
      browser.screenshot("signed-in");

      // A reload keeps the tab signed in without a new sign-in (the client id is remembered).
      browser.open(server.baseUrl() + "/agent/");
      browser.awaitText(By.id("who"), "Ada Agent");
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(server.baseUrl() + "/agent/");

      // Signing out revokes the token.
      browser.visible(By.id("sign-out")).click();
      browser.awaitText(By.id("who"), "Signed out");
      assertThat(api.get("/api/v2/users/me", token).status()).isEqualTo(401);
    }
  }

  @Test
  void aWrongPasswordStaysOnTheSignInPage() {
    var user = PageFixtures.user(api, admin, "Grace Agent", "agent");
    try (var browser = new Browser()) {
      browser.open(server.baseUrl() + "/console/?client_id=" + clientId);
      browser.signIn(user.username(), "not the password");
      browser.awaitText(By.cssSelector("[role=alert]"), "wrong");
      assertThat(browser.driver().getCurrentUrl()).contains("/oauth/authorize");
    }
  }
}

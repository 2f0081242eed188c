package io.switchboard.server.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.pages.Browser;
import io.switchboard.server.pages.PageFixtures;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Swagger UI at /api/docs in a real Chromium: it loads under its Content-Security-Policy without a
 * single violation (the bundle's one {@code new Function} is webpack's fallback for a browser
 * without {@code globalThis}, so it never runs), and with a signed-in user's token given to
 * "Authorize", "Try it out" on {@code GET /api/v2/users/me} answers 200 with that user.
 */
class ApiDocsBrowserIT {
  /**
   * Runs before any script of each page (a DevTools script is not subject to the page's CSP): keeps
   * every CSP violation and every uncaught error the page meets.
   */
  private static final String RECORDER =
      """
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', e => window.__violations.push(
          e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':'
          + e.columnNumber));
      window.addEventListener('error', e => window.__violations.push('error ' + e.message));
      """;

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
  void swaggerUiLoadsUnderItsCspAndCallsTheApiWithAToken() {
    var user = PageFixtures.user(api, admin, "Dora Docs", "agent");
    try (var browser = new Browser()) {
      var driver = (ChromeDriver) browser.driver();
      var js = (JavascriptExecutor) driver;
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));

      // A user's token, as a person gets one: signing in on a page of this server.
      browser.open(server.baseUrl() + "/agent/?client_id=" + clientId);
      browser.signIn(user.username(), user.password());
      browser.awaitText(By.id("who"), "Dora Docs");
      String token = (String) js.executeScript("return sessionStorage.getItem('sb:/agent/:token')");
      assertThat(token).isNotBlank();

      // Straight to the operation (deep linking: #/<tag>/<operationId>).
      browser.open(server.baseUrl() + "/api/docs#/users/getUsersMe");
      browser.awaitText(By.cssSelector(".swagger-ui .info .title"), "Switchboard API");
      By operation = By.id("operations-users-getUsersMe");
      browser.await(d -> d.findElement(operation).getAttribute("class").contains("is-open"));

      // Authorize: the bearer scheme takes the token.
      browser.visible(By.cssSelector(".auth-wrapper button.authorize")).click();
      WebElement bearer =
          browser.visible(
              By.xpath(
                  "//div[contains(@class,'auth-container')][.//h4[contains(.,'bearer')]]"
                      + "//input"));
      bearer.sendKeys(token);
      browser
          .visible(
              By.xpath(
                  "//div[contains(@class,'auth-container')][.//h4[contains(.,'bearer')]]"
                      + "//button[contains(@class,'authorize')]"))
          .click();
      browser
          .visible(By.cssSelector(".dialog-ux button.btn-done, .dialog-ux .close-modal"))
          .click();
      browser.await(d -> d.findElements(By.cssSelector(".dialog-ux")).isEmpty());

      // Try it out, Execute: the live answer is the API's 200 for this user.
      // Swagger UI renders only the operations near the viewport: scroll until ours is there.
      browser.await(d -> {
        if (!d.findElements(By.cssSelector("#operations-users-getUsersMe .try-out__btn")).isEmpty())
          return true;
        js.executeScript("window.scrollBy(0, 400)");
        return false;
      });
      browser.visible(By.cssSelector("#operations-users-getUsersMe .try-out__btn")).click();
      browser.visible(By.cssSelector("#operations-users-getUsersMe .execute")).click();
      By status =
          By.cssSelector(
              "#operations-users-getUsersMe .live-responses-table tr.response"
                  + " .response-col_status");
      browser.await(d -> !d.findElement(status).getText().isBlank());
      assertThat(browser.driver().findElement(status).getText()).startsWith("200");
      String body =
          browser
              .visible(
                  By.cssSelector(
                      "#operations-users-getUsersMe .live-responses-table tr.response"
                          + " .response-col_description pre"))
              .getText();
      assertThat(body).contains(user.id()).contains("Dora Docs");
      js.executeScript(
          "document.querySelector('#operations-users-getUsersMe .live-responses-table')"
              + ".scrollIntoView({block: 'center'})");
      browser.screenshot("api-docs-try-it-out");

      // The page met no CSP refusal and no script error on the way.
      assertThat(violations(js)).isEmpty();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> violations(JavascriptExecutor js) {
    return (List<String>) js.executeScript("return window.__violations");
  }

  /** The recorder sees a violation when there is one: the same check would catch a real one. */
  @Test
  void theRecorderSeesACspViolation() {
    try (var browser = new Browser()) {
      var driver = (ChromeDriver) browser.driver();
      var js = (JavascriptExecutor) driver;
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));
      browser.open(server.baseUrl() + "/api/docs");
      browser.awaitText(By.cssSelector(".swagger-ui .info .title"), "Switchboard API");
      assertThat(violations(js)).isEmpty();
      // Content the page's CSP refuses, put in from outside: an image from another origin and an
      // inline script. Both are refused (the script does not run), and both are recorded.
      js.executeScript(
          "const img = document.createElement('img');"
              + "img.src = 'https://images.example.com/x.png';"
              + "document.body.appendChild(img);"
              + "const s = document.createElement('script');"
              + "s.textContent = 'window.__ran = true';"
              + "document.body.appendChild(s);");
      browser.await(d -> violations(js).size() >= 2);
      assertThat(js.executeScript("return window.__ran === true")).isEqualTo(false);
      assertThat(violations(js))
          .anyMatch(v -> v.startsWith("img-src https://images.example.com/x.png"))
          .anyMatch(v -> v.startsWith("script-src"));
    }
  }
}

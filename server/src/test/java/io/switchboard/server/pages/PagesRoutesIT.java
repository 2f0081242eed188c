package io.switchboard.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages and their assets over HTTP: redirects, security headers, validators, refusals. */
class PagesRoutesIT {
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
  void pagesRedirectToTheirSlashAndCarryTheSecurityHeaders() {
    for (String page : new String[] {"agent", "console"}) {
      var redirect = api.get("/" + page, null);
      assertThat(redirect.status()).isEqualTo(302);
      assertThat(redirect.header("Location")).hasValue("/" + page + "/");
      var html = api.get("/" + page + "/", null);
      assertThat(html.status()).isEqualTo(200);
      assertThat(html.header("Content-Type").orElseThrow()).startsWith("text/html");
      assertThat(html.header("Content-Security-Policy")).hasValue(PagesRoutes.CSP);
      assertThat(html.header("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(html.header("Referrer-Policy")).hasValue("no-referrer");
      // No inline script or style: every script and sheet is a file of ours.
      assertThat(html.body()).doesNotContain("<style").doesNotContain("style=");
      assertThat(html.body().replace("<script type=\"module\" src=\"", ""))
          .doesNotContain("<script");
      String etag = html.header("ETag").orElseThrow();
      assertThat(api.get("/" + page + "/", null, "If-None-Match", etag).status()).isEqualTo(304);
    }
  }

  @Test
  void assetsAreServedWithTheirTypeAndNothingElseIs() {
    var js = api.get("/pages/assets/auth.js", null);
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.header("Content-Type").orElseThrow()).startsWith("text/javascript");
    assertThat(js.header("Content-Security-Policy")).hasValue(PagesRoutes.CSP);
    assertThat(api.get("/pages/assets/common.css", null).header("Content-Type").orElseThrow())
        .startsWith("text/css");
    for (String bad :
        new String[] {
          "/pages/assets/missing.js",
          "/pages/assets/agent.html",
          "/pages/assets/..%2Fagent.html",
          "/pages/assets/%2E%2E%2F%2E%2E%2Fidentity%2FSignInRoutes.class",
          "/pages/assets/.hidden.js",
          "/pages/assets/auth.class"
        }) {
      var r = api.get(bad, null);
      assertThat(r.status()).as(bad).isIn(400, 404);
      assertThat(r.body()).as(bad).doesNotContain("import ").doesNotContain("<html");
    }
    var missing = api.get("/pages/assets/missing.js", null);
    assertThat(missing.json().get("code").asString()).isEqualTo("not.found");
  }
}

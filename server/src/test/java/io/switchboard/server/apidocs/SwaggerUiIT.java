package io.switchboard.server.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Swagger UI at /api/docs: same-origin assets only, a strict CSP, no inline script. */
class SwaggerUiIT {
  private static TestServer server;
  private static Api api;

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
  void thePageHasAStrictCspAndReferencesOnlySameOriginAssets() {
    Api.Response page = api.get("/api/docs", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type").orElseThrow()).startsWith("text/html");
    String csp = page.header("Content-Security-Policy").orElseThrow();
    assertThat(csp).isEqualTo(ApiDocsRoutes.CSP);
    assertThat(csp)
        .contains("default-src 'self'", "script-src 'self'", "connect-src 'self'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*", "http:", "https:");

    // No inline script: every <script> has a src and an empty body; no on* handlers.
    var scripts =
        Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).contains("src=");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(2);
    assertThat(page.body()).doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContain("style=");

    List<String> refs = new ArrayList<>();
    var attrs = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page.body());
    while (attrs.find()) refs.add(attrs.group(1));
    assertThat(refs).hasSize(6).contains("/api/docs/swagger-initializer.js");
    for (String ref : refs) {
      assertThat(ref).as(ref).startsWith("/").doesNotStartWith("//");
      Api.Response asset = api.get(ref, null);
      assertThat(asset.status()).as(ref).isEqualTo(200);
      assertThat(asset.header("Content-Security-Policy")).as(ref).hasValue(ApiDocsRoutes.CSP);
      assertThat(asset.header("X-Content-Type-Options")).hasValue("nosniff");
      String type = asset.header("Content-Type").orElseThrow();
      if (ref.endsWith(".js")) assertThat(type).as(ref).startsWith("text/javascript");
      if (ref.endsWith(".css")) assertThat(type).as(ref).startsWith("text/css");
      if (ref.endsWith(".png")) assertThat(type).as(ref).startsWith("image/png");
    }
  }

  @Test
  void theInitializerLoadsOurDocumentFromTheSameOrigin() {
    Api.Response js = api.get("/api/docs/swagger-initializer.js", null);
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.body()).contains("url: \"/api/v2/docs/openapi.json\"").doesNotContain("http");
    // The UI's Authorize button needs a bearer scheme in the document it loads.
    Api.Response doc = api.get(ApiDocsRoutes.DOCUMENT_PATH, null);
    assertThat(doc.json().at("/components/securitySchemes/bearer/type").asString())
        .isEqualTo("http");
  }

  @Test
  void onlyTheListedWebJarFilesAreServed() {
    assertThat(api.get("/api/docs/assets/index.html", null).status()).isEqualTo(404);
    assertThat(api.get("/api/docs/assets/oauth2-redirect.js", null).status()).isEqualTo(404);
    assertThat(api.get("/api/docs/assets/..%2F..%2Fpom.properties", null).status()).isEqualTo(404);
    Api.Response etagged = api.get("/api/docs/assets/swagger-ui.css", null);
    String etag = etagged.header("ETag").orElseThrow();
    assertThat(api.get("/api/docs/assets/swagger-ui.css", null, "If-None-Match", etag).status())
        .isEqualTo(304);
  }
}

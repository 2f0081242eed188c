package io.switchboard.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console over plain HTTP: the page and every file it loads (its stylesheets and the whole
 * graph of its ES modules) are served with the pages' Content-Security-Policy and their types, and
 * none of the console's code builds HTML from strings or evaluates text.
 */
class ConsolePagesIT {
  static final Pattern PAGE_ASSET = Pattern.compile("(?:src|href)=\"(/pages/assets/[^\"]+)\"");
  static final Pattern IMPORT = Pattern.compile("from '\\./([A-Za-z0-9_-]+\\.js)'");

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
  void theConsoleAndEveryFileItLoadsCarryTheCsp() {
    var page = api.get("/console/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Security-Policy")).hasValue(PagesRoutes.CSP);
    assertThat(page.body()).contains("role=\"tablist\"").doesNotContain("style=");

    var files = new LinkedHashSet<String>();
    var m = PAGE_ASSET.matcher(page.body());
    while (m.find()) files.add(m.group(1));
    assertThat(files)
        .contains(
            "/pages/assets/common.css", "/pages/assets/console.css", "/pages/assets/console.js");
    // Follow the module graph from console.js: every module it imports, transitively.
    var todo = new ArrayDeque<String>(files);
    var seen = new LinkedHashSet<String>();
    while (!todo.isEmpty()) {
      String path = todo.poll();
      if (!seen.add(path)) continue;
      var r = api.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Security-Policy")).as(path).hasValue(PagesRoutes.CSP);
      assertThat(r.header("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(r.header("Referrer-Policy")).as(path).hasValue("no-referrer");
      if (path.endsWith(".css")) {
        assertThat(r.header("Content-Type").orElseThrow()).as(path).startsWith("text/css");
        continue;
      }
      assertThat(r.header("Content-Type").orElseThrow()).as(path).startsWith("text/javascript");
      var imports = IMPORT.matcher(r.body());
      while (imports.find()) todo.add("/pages/assets/" + imports.group(1));
      if (path.contains("/console")) {
        // Text goes in as textContent, SVG through setAttribute: never HTML from strings, never
        // code from text (the CSP would refuse eval anyway).
        assertThat(r.body())
            .as(path)
            .doesNotContain("innerHTML")
            .doesNotContain("outerHTML")
            .doesNotContain("insertAdjacentHTML")
            .doesNotContain("document.write")
            .doesNotContain("eval(")
            .doesNotContain("new Function")
            .doesNotContain("localStorage");
      }
    }
    assertThat(seen)
        .contains(
            "/pages/assets/auth.js",
            "/pages/assets/ui.js",
            "/pages/assets/console-kit.js",
            "/pages/assets/console-usage.js",
            "/pages/assets/console-flows.js",
            "/pages/assets/console-integrations.js",
            "/pages/assets/console-calls.js",
            "/pages/assets/console-access.js",
            "/pages/assets/console-faults.js");
  }
}

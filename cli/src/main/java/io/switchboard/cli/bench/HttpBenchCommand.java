package io.switchboard.cli.bench;

import io.javalin.Javalin;
import io.switchboard.server.Switchboard;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import io.switchboard.server.credentials.SecretBox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The foundation benchmark: an authenticated GET of a small resource through the whole request
 * path, against a bare Javalin handler on the same Jetty/virtual-thread setup, measured in one run.
 */
@Command(
    name = "http",
    mixinStandardHelpOptions = true,
    description = "Authenticated GET vs a bare Javalin handler, measured with wrk in one run.")
public final class HttpBenchCommand implements Callable<Integer> {
  @Mixin WrkOptions wrk;

  @Override
  public Integer call() throws Exception {
    var dir = Files.createTempDirectory("switchboard-bench");
    // One token at thousands of requests a second: the default 300/min token limit would measure
    // 429s. The
    // rate-limit check's own cost is measured separately (docs in BENCHMARKS.md).
    Settings settings =
        Settings.of(
            Map.of(
                SettingKeys.HTTP_PORT,
                "0",
                SettingKeys.DATA_DIR,
                dir.toString(),
                SettingKeys.ACCESS_LOG,
                "false",
                // A throwaway data directory: a key in memory, no key file to back up (and no
                // warning about it).
                SettingKeys.CRYPTO_KEY,
                SecretBox.newKeyBase64(),
                "limits.client.credentials.token.rate.per.minute",
                "0"));
    Javalin bare =
        BareHandler.start(
            Map.of("/bare", "{\"entities\":[],\"total\":0}".getBytes(StandardCharsets.UTF_8)));
    try (Switchboard server = Switchboard.start(settings)) {
      var org = server.identity().createOrg("bench");
      String token = token(server.baseUrl(), org.admin().client().id(), org.admin().secret());
      String authUrl = server.baseUrl() + "/api/v2/oauth/clients/" + org.admin().client().id();
      String bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
      List<String> auth = List.of("Authorization: Bearer " + token);

      // A second authenticated target whose answer comes from memory (the org's limits, cached), to
      // separate
      // the request path's own cost from the database read of the first.
      String memoryUrl = server.baseUrl() + "/api/v2/organizations/limits/namespaces/platform.api";

      wrk.warmUp(bareUrl, List.of());
      wrk.warmUp(authUrl, auth);
      wrk.warmUp(memoryUrl, auth);
      var bareResult = wrk.measure("bare Javalin handler", bareUrl, List.of());
      var authResult = wrk.measure("authenticated GET /api/v2/oauth/clients/{id}", authUrl, auth);
      var memoryResult =
          wrk.measure("authenticated GET .../limits/namespaces/platform.api", memoryUrl, auth);

      System.out.printf(
          "%-52s %10s %8s %8s %8s %8s%n",
          "target", "req/s", "p50 ms", "p99 ms", "non-2xx", "ratio");
      for (var r : List.of(bareResult, authResult, memoryResult)) {
        System.out.printf(
            "%-52s %10.0f %8.2f %8.2f %8d %8.2f%n",
            r.label(),
            r.requestsPerSecond(),
            r.p50Ms(),
            r.p99Ms(),
            r.non2xx(),
            r.requestsPerSecond() / bareResult.requestsPerSecond());
      }
      System.out.println(
          "ratio = throughput / bare handler's, same run (target for the authenticated GET: >="
              + " 0.50)");
      return authResult.non2xx() == 0 && memoryResult.non2xx() == 0 ? 0 : 1;
    } finally {
      bare.stop();
    }
  }

  static String token(String baseUrl, String id, String secret) throws Exception {
    var basic = java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/oauth/token"))
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }
}

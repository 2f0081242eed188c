package io.switchboard.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cli.CliRun;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code load burst --local}, small and bounded: the JSON report's fields and counts. */
class BurstCommandIT {
  static final JsonMapper JSON = JsonMapper.builder().build();

  static JsonNode burst(String... args) {
    CliRun.Result r = CliRun.run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void theLibraryServesEveryAgentWithAHandfulOfRequests() {
    JsonNode report =
        burst(
            "load",
            "burst",
            "--local",
            "--agents",
            "20",
            "--client",
            "switchboard",
            "--json",
            "--quiet");
    assertThat(report.propertyNames())
        .containsExactly(
            "client",
            "agents",
            "succeeded",
            "successRate",
            "p50Ms",
            "p95Ms",
            "p99Ms",
            "maxMs",
            "requests",
            "throttled",
            "retries",
            "errors");
    assertThat(report.get("client").asString()).isEqualTo("switchboard");
    assertThat(report.get("agents").asInt()).isEqualTo(20);
    assertThat(report.get("succeeded").asInt()).isEqualTo(20);
    assertThat(report.get("successRate").asDouble()).isEqualTo(1.0);
    assertThat(report.get("errors").isEmpty()).isTrue();
    assertThat(report.get("throttled").asLong()).isZero();
    // One token, one shared script read, and the sessions in bulk: far fewer than the naive 1 + 2 x
    // 20.
    assertThat(report.get("requests").asLong()).isBetween(3L, 12L);
    double p50 = report.get("p50Ms").asDouble();
    assertThat(p50).isPositive().isLessThanOrEqualTo(report.get("p95Ms").asDouble());
    assertThat(report.get("p99Ms").asDouble())
        .isLessThanOrEqualTo(report.get("maxMs").asDouble())
        .isLessThanOrEqualTo(10_000);
  }

  @Test
  void theNaiveClientSendsEveryRequestItself() {
    JsonNode report =
        burst(
            "load", "burst", "--local", "--agents", "20", "--client", "naive", "--json", "--quiet");
    assertThat(report.get("client").asString()).isEqualTo("naive");
    assertThat(report.get("succeeded").asInt()).isEqualTo(20);
    assertThat(report.get("requests").asLong())
        .as("a token, then a script read and a session per agent")
        .isEqualTo(41);
    assertThat(report.get("retries").asLong()).isZero();
  }

  @Test
  void underATightLimitTheNaiveClientIsThrottledAndTheLibraryIsNot() {
    String[] common = {
      "load",
      "burst",
      "--local",
      "--agents",
      "20",
      "--token-limit",
      "12",
      "--deadline",
      "2s",
      "--max-time",
      "4s",
      "--json",
      "--quiet"
    };
    JsonNode naive = burst(concat(common, "--client", "naive"));
    assertThat(naive.get("throttled").asLong()).isPositive();
    assertThat(naive.get("retries").asLong()).isPositive();
    assertThat(naive.get("succeeded").asInt()).isLessThan(20);
    int failed = 0;
    for (JsonNode n : naive.get("errors")) failed += n.asInt();
    assertThat(naive.get("succeeded").asInt() + failed)
        .as("every agent is counted once")
        .isEqualTo(20);

    JsonNode library = burst(concat(common, "--client", "switchboard"));
    assertThat(library.get("succeeded").asInt()).isEqualTo(20);
    assertThat(library.get("throttled").asLong()).isZero();
  }

  @Test
  void aRunAgainstAnOrgLeavesNothingBehind() {
    try (TestServer server = TestServer.start()) {
      var org = server.newOrg();
      Api api = server.api();
      String token = api.token(org);
      JsonNode report =
          burst(
              "load",
              "burst",
              "--base-url",
              server.baseUrl(),
              "--client-id",
              org.clientId(),
              "--client-secret",
              org.clientSecret(),
              "--agents",
              "12",
              "--clients",
              "2",
              "--json",
              "--quiet");
      assertThat(report.get("succeeded").asInt()).isEqualTo(12);

      assertThat(api.get("/api/v2/users", token).json().get("total").asLong())
          .as("setup agents")
          .isZero();
      assertThat(api.get("/api/v2/scripts", token).json().get("total").asLong())
          .as("setup script draft")
          .isZero();
      assertThat(api.get("/api/v2/oauth/clients", token).json().get("total").asLong())
          .as("only the admin client")
          .isEqualTo(1);
    }
  }

  @Test
  void aLocalRunDoesNotAskToBackUpTheKeyOfItsThrowawayDataDirectory() {
    PrintStream originalErr = System.err;
    var err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      burst("load", "burst", "--local", "--agents", "2", "--json", "--quiet");
    } finally {
      System.setErr(originalErr);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .doesNotContain("Back it up", "credentials key");
  }

  @Test
  void helpNamesEveryOption() {
    assertThat(CliRun.run("load", "--help").out()).contains("burst");
    assertThat(CliRun.run("load", "burst", "--help").out())
        .contains(
            "--agents",
            "--ramp",
            "--deadline",
            "--clients",
            "--client",
            "--base-url",
            "--client-id",
            "--client-secret",
            "--local",
            "--json",
            "--token-limit",
            "--max-time");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(CliRun.run("load", "burst", "--agents", "0", "--local").exitCode()).isEqualTo(2);
    assertThat(CliRun.run("load", "burst", "--agents", "5").err())
        .contains("--local or --base-url");
    assertThat(CliRun.run("load", "burst", "--local", "--client", "other").exitCode()).isEqualTo(2);
    assertThat(CliRun.run("load", "burst", "--local", "--deadline", "soon").err())
        .contains("not a duration");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

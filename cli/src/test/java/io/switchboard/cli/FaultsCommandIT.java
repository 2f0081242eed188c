package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code switchboard faults apply|list|clear} against the real server, started in-process. */
class FaultsCommandIT {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Run(int exitCode, String out, String err) {}

  static Run run(TestServer.OrgAccess org, String... args) {
    var r = CliRun.overApi(server.baseUrl(), org.clientId(), org.clientSecret(), List.of(args));
    return new Run(r.exitCode(), r.out(), r.err());
  }

  @Test
  void applyAReadyScenarioThenClear() {
    var org = server.newOrg();
    Api api = server.api();
    String token = api.token(org);
    var call =
        api.post(
            "/api/v2/conversations/calls", token, "{\"from\":\"tel:+1555\",\"to\":\"tel:+1556\"}");
    String cid = call.json().get("id").asString();

    Run applied = run(org, "faults", "apply", "wrapup-after-close-404", "--ttl", "600");
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(applied.out())
        .contains("scenario wrapup-after-close-404 applied", "readAfterWriteLag");
    assertThat(api.post("/api/v2/conversations/" + cid + "/disconnect", token, null).status())
        .isEqualTo(202);
    assertThat(api.get("/api/v2/conversations/" + cid, token).status()).isEqualTo(404);

    Run listed = run(org, "faults", "list");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains("conversation reads lag");

    Run cleared = run(org, "faults", "clear");
    assertThat(cleared.exitCode()).as(cleared.err()).isZero();
    assertThat(api.get("/api/v2/switchboard/faults", token).json().get("total").asInt()).isZero();
  }

  @Test
  void applyAScenarioFileAndReportErrors() throws Exception {
    var org = server.newOrg();
    Path file = Files.createTempFile("scenario", ".yaml");
    Files.writeString(
        file,
        """
        name: users-down
        rules:
          - name: users 503
            match: {path: /api/v2/users}
            effect: {type: status, status: 503, retryAfterSeconds: 2}
        """);
    Run applied = run(org, "faults", "apply", "--file", file.toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    Api api = server.api();
    assertThat(api.get("/api/v2/users", api.token(org)).status()).isEqualTo(503);

    Run unknown = run(org, "faults", "apply", "no-such-scenario");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no-such-scenario");
    Run both = run(org, "faults", "apply", "flaky-crm", "--file", file.toString());
    assertThat(both.exitCode()).isEqualTo(2);
  }
}

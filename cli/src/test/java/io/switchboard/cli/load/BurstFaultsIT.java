package io.switchboard.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cli.CliRun;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code load burst --faults SCENARIO}: one run, the same report without and under the faults. */
class BurstFaultsIT {
  static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void oneRunReportsWithoutAndUnderFaults() {
    CliRun.Result r =
        CliRun.run(
            "load",
            "burst",
            "--local",
            "--agents",
            "20",
            "--client",
            "naive",
            "--deadline",
            "2s",
            "--faults",
            "login-burst-429",
            "--json",
            "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> lines = r.out().lines().map(JSON::readTree).toList();
    assertThat(lines).hasSize(2);
    JsonNode without = lines.get(0);
    JsonNode under = lines.get(1);
    assertThat(without.get("faults").isNull()).isTrue();
    assertThat(without.get("report").get("succeeded").asInt()).isEqualTo(20);
    assertThat(without.get("report").get("throttled").asLong()).isZero();
    assertThat(under.get("faults").asString()).isEqualTo("login-burst-429");
    // 30% of the script reads get 429 with Retry-After 5, longer than the 2 s deadline.
    assertThat(under.get("report").get("throttled").asLong()).isPositive();
    assertThat(under.get("report").get("succeeded").asInt()).isLessThan(20);
  }

  @Test
  void theTableModeLabelsBothRuns() {
    CliRun.Result r =
        CliRun.run(
            "load", "burst", "--local", "--agents", "5", "--faults", "session-lock-409", "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("without faults", "under faults session-lock-409", "succeeded");
    var unknown =
        CliRun.run("load", "burst", "--local", "--agents", "2", "--faults", "nope", "--quiet");
    assertThat(unknown.exitCode()).isNotZero();
  }
}

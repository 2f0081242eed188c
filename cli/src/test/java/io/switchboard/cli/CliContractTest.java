package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI names that users' scripts depend on. */
class CliContractTest {
  @TempDir Path data;

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    CliRun.Result r = CliRun.run(args);
    return new Run(r.exitCode(), r.out(), r.err());
  }

  @Test
  void versionNamesTheProduct() {
    Run r = run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("switchboard ");
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args :
        new String[][] {
          {"--help"},
          {"serve", "--help"},
          {"org", "--help"},
          {"org", "create", "--help"},
          {"bench", "--help"},
          {"external-apis", "set-timeout", "--help"},
          {"data-actions", "import", "--help"},
          {"credentials", "rotate-key", "--help"},
          {"faults", "apply", "--help"},
          {"load", "cluster", "checks", "--help"},
          {"load", "cluster", "writes", "--help"},
          {"load", "cluster", "limit", "--help"}
        }) {
      Run r = run(args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage:");
    }
    assertThat(run("serve", "--help").out())
        .contains("--port", "--data", "--db", "--config", "--demo");
    assertThat(run("external-apis", "set-timeout", "--help").out())
        .contains(
            "--to",
            "--where-timeout",
            "--name",
            "--dry-run",
            "--base-url",
            "--client-id",
            "--client-secret");
    assertThat(run("credentials", "rotate-key", "--help").out())
        .contains("--new-key-file", "--generate", "--data", "--db");
  }

  @Test
  void orgCreateJsonPrintsCredentialsThatTheStoreAccepts() {
    Run r = run("org", "create", "initech", "--json", "--data", data.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(r.out());
    assertThat(json.propertyNames()).containsExactly("orgId", "name", "clientId", "clientSecret");
    assertThat(json.get("name").asString()).isEqualTo("initech");
    assertThat(json.get("clientSecret").asString()).hasSizeGreaterThan(30);

    Run again = run("org", "create", "initech", "--json", "--data", data.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");

    Run listed = run("org", "list", "--json", "--data", data.toString());
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    JsonNode orgs = JsonMapper.builder().build().readTree(listed.out());
    assertThat(orgs).hasSize(1);
    assertThat(orgs.get(0).get("orgId").asString()).isEqualTo(json.get("orgId").asString());
    assertThat(orgs.get(0).get("name").asString()).isEqualTo("initech");
    assertThat(run("org", "list", "--data", data.toString()).out()).contains("initech");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run r = run("serve", "--prot", "1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--prot");
  }
}

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
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code switchboard flows deploy} against the real server, started in-process. */
class FlowsDeployIT {
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

  record Run(int exitCode, String out, String err) {}

  static Run deploy(TestServer.OrgAccess org, String... args) {
    var r =
        CliRun.overApi(
            server.baseUrl(), org.clientId(), org.clientSecret(), List.of("flows", "deploy"), args);
    return new Run(r.exitCode(), r.out(), r.err());
  }

  static String greeter(String greeting) {
    return """
    workflow:
      name: Greeter
      startUpRef: "/workflow/tasks/task[start]"
      variables:
        - stringVariable:
            name: Flow.greeting
            isOutput: true
      tasks:
        - task:
            name: Start
            refId: start
            actions:
              - updateData:
                  name: Greet
                  statements:
                    - string:
                        variable: Flow.greeting
                        value:
                          lit: "%s"
    """
        .formatted(greeting);
  }

  /** The org's flows of {@code type} named {@code name}. */
  static JsonNode flows(String token, String name) {
    return api.get("/api/v2/flows?type=WORKFLOW&name=" + name, token).json().get("entities");
  }

  static long versions(String token, String flowId) {
    return api.get("/api/v2/flows/" + flowId + "/versions", token).json().get("total").asLong();
  }

  @Test
  void deploysAYamlFileCreatingPublishingAndSkippingWhatIsUnchanged(@TempDir Path dir)
      throws Exception {
    var org = server.newOrg();
    String token = api.token(org);
    Path file = dir.resolve("greeter.yaml");
    Files.writeString(file, greeter("Hello"));

    Run dry = deploy(org, file.toString(), "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("Would create flow \"Greeter\" (WORKFLOW)");
    assertThat(flows(token, "Greeter")).isEmpty();

    Run first = deploy(org, file.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("Created flow \"Greeter\" (WORKFLOW)")
        .contains("Saved greeter.yaml as version 1.0.")
        .contains("Published version 1.0");
    JsonNode flow = flows(token, "Greeter").get(0);
    String id = flow.get("id").asString();
    assertThat(flow.get("publishedVersion").get("id").asString())
        .isEqualTo(flow.get("savedVersion").get("id").asString());
    // Published for real: a launch runs this definition.
    var launched =
        api.post("/api/v2/flows/executions", token, "{\"flowId\":\"" + id + "\",\"inputData\":{}}");
    assertThat(launched.status()).as(launched.toString()).isEqualTo(200);

    Run again = deploy(org, file.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("is unchanged");
    assertThat(versions(token, id)).isEqualTo(1);

    Files.writeString(file, greeter("Good morning"));
    Run changed = deploy(org, file.toString());
    assertThat(changed.exitCode()).as(changed.err()).isZero();
    assertThat(changed.out()).doesNotContain("Created").contains("Published version 2.0");
    assertThat(versions(token, id)).isEqualTo(2);
    assertThat(flows(token, "Greeter")).hasSize(1);

    // Saved only: the new version waits, the published one stays.
    Files.writeString(file, greeter("Evening"));
    Run saved = deploy(org, file.toString(), "--save-only");
    assertThat(saved.exitCode()).as(saved.err()).isZero();
    assertThat(saved.out()).contains("as version 3.0").doesNotContain("Published");
    JsonNode after = flows(token, "Greeter").get(0);
    assertThat(after.get("publishedVersion").get("name").asString()).isEqualTo("2.0");
    assertThat(after.get("savedVersion").get("name").asString()).isEqualTo("3.0");
    assertThat(deploy(org, file.toString(), "--save-only").out()).contains("is unchanged");
    assertThat(deploy(org, file.toString()).out()).contains("Published version 4.0");
  }

  @Test
  void aBrokenDefinitionIsRefusedWithEveryProblemAndThePublishedVersionStays(@TempDir Path dir)
      throws Exception {
    var org = server.newOrg();
    String token = api.token(org);
    Path file = dir.resolve("greeter.yml");
    Files.writeString(file, greeter("Hello"));
    assertThat(deploy(org, file.toString()).exitCode()).isZero();

    Files.writeString(file, greeter("Hello").replace("lit: \"Hello\"", "exp: Flow.nope"));
    Run broken = deploy(org, file.toString());
    assertThat(broken.exitCode()).isEqualTo(1);
    assertThat(broken.err())
        .contains("the server refused the deployment")
        .containsPattern("line \\d+:\\d+: .*Flow\\.nope");
    JsonNode flow = flows(token, "Greeter").get(0);
    assertThat(flow.get("publishedVersion").get("name").asString()).isEqualTo("1.0");
  }

  @Test
  void aJsonFileDeploysUnderAnotherNameAndBadFilesAreUsageErrors(@TempDir Path dir)
      throws Exception {
    var org = server.newOrg();
    String token = api.token(org);
    Path json = dir.resolve("greeter.json");
    Files.writeString(
        json,
        tools.jackson.dataformat.yaml.YAMLMapper.builder()
            .build()
            .readTree(greeter("Hi"))
            .toString());
    Run first = deploy(org, json.toString(), "--name", "Greeter staging");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("Created flow \"Greeter staging\"");
    assertThat(deploy(org, json.toString(), "--name", "greeter STAGING").out())
        .as("names are matched ignoring case, as they are unique")
        .contains("is unchanged");
    assertThat(flows(token, "Greeter")).hasSize(1);

    Path bot = dir.resolve("bot.yaml");
    Files.writeString(bot, "bot:\n  name: Helper\n");
    Run wrongType = deploy(org, bot.toString());
    assertThat(wrongType.exitCode()).isEqualTo(2);
    assertThat(wrongType.err()).contains("'bot' is not a flow type");
    Path text = dir.resolve("flow.txt");
    Files.writeString(text, greeter("Hi"));
    assertThat(deploy(org, text.toString()).exitCode()).isEqualTo(2);
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "workflow: [unclosed");
    assertThat(deploy(org, broken.toString()).exitCode()).isEqualTo(2);
    assertThat(deploy(org, dir.resolve("missing.yaml").toString()).exitCode()).isEqualTo(2);
  }
}

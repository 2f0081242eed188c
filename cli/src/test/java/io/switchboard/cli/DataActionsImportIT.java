package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard data-actions import} against the real server, started in-process. */
class DataActionsImportIT {
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

  static Run run(TestServer.OrgAccess org, String... args) {
    var r =
        CliRun.overApi(
            server.baseUrl(),
            org.clientId(),
            org.clientSecret(),
            List.of("data-actions", "import"),
            args);
    return new Run(r.exitCode(), r.out(), r.err());
  }

  static String export() throws Exception {
    try (InputStream in =
        DataActionsImportIT.class.getResourceAsStream(
            "/integrations/genesys-export-lookup-customer.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void importsAGenesysExportFileUnchanged(@TempDir Path dir) throws Exception {
    var org = server.newOrg();
    String token = api.token(org);
    var integration =
        api.post(
            "/api/v2/integrations",
            token,
            "{\"name\":\"CRM\",\"integrationType\":{\"id\":\"custom-rest-actions\"}}");
    assertThat(integration.status()).isEqualTo(201);
    String integrationId = integration.json().get("id").asString();
    Path file = dir.resolve("Lookup-Customer-By-Phone.custom.json");
    Files.writeString(file, export());

    Run ok = run(org, file.toString(), "--integration", integrationId);
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out())
        .contains(
            "Imported \"Lookup Customer By Phone - Exported 2026-11-02 @ 14:03\" as custom_-_")
        .contains("into integration " + integrationId);
    var listed = api.get("/api/v2/integrations/actions?integrationId=" + integrationId, token);
    assertThat(listed.json().get("total").asInt()).isEqualTo(1);
    String id = listed.json().get("entities").get(0).get("id").asString();
    var stored =
        api.get("/api/v2/integrations/actions/" + id + "?expand=contract&includeConfig=true", token)
            .json();
    assertThat(stored.get("config").get("request").get("requestUrlTemplate").asString())
        .isEqualTo(
            "https://api.example-crm.com/v1/customers/search?phone=$esc.url(${input.phoneNumber})&limit=1");

    Run renamed = run(org, file.toString(), "--integration", integrationId, "--name", "Lookup 2");
    assertThat(renamed.exitCode()).as(renamed.err()).isZero();
    assertThat(renamed.out()).contains("Imported \"Lookup 2\"");

    Run unknown = run(org, file.toString(), "--integration", "no-such-integration");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("integrationId");

    Path notJson = dir.resolve("bad.json");
    Files.writeString(notJson, "{not json");
    assertThat(run(org, notJson.toString(), "--integration", integrationId).exitCode())
        .isEqualTo(2);
    assertThat(
            run(org, dir.resolve("missing.json").toString(), "--integration", integrationId)
                .exitCode())
        .isEqualTo(2);
  }
}

package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code switchboard clients ...} against the real server, started in-process. */
class ClientsCommandIT {
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

  static Run clients(String clientId, String secret, String... args) {
    var r =
        CliRun.overApi(
            server.baseUrl(),
            clientId,
            secret,
            List.of("clients", args[0]),
            java.util.Arrays.copyOfRange(args, 1, args.length));
    return new Run(r.exitCode(), r.out(), r.err());
  }

  @Test
  void anAdminCreatesListsChangesRotatesAndDeletesClients() {
    var org = server.newOrg();
    String admin = org.clientId();
    String secret = org.clientSecret();

    Run created =
        clients(
            admin, secret, "create", "Partner app", "--scope", "scripts,conversations", "--json");
    assertThat(created.exitCode()).as(created.err()).isZero();
    JsonNode made = JsonMapper.builder().build().readTree(created.out());
    String id = made.get("clientId").asString();
    String partnerSecret = made.get("clientSecret").asString();
    assertThat(made.get("scope").toString()).contains("scripts", "conversations");
    String token = api.token(id, partnerSecret);

    Run listed = clients(admin, secret, "list");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(id).contains("Partner app").contains("scripts,conversations");

    // A rename keeps the scopes and the token; dropping a scope ends the token.
    Run renamed = clients(admin, secret, "update", id, "--name", "Partner", "--lifetime", "600");
    assertThat(renamed.exitCode()).as(renamed.err()).isZero();
    assertThat(renamed.out()).contains("Partner, 600s, scripts,conversations");
    assertThat(api.get("/api/v2/scripts", token).status()).isEqualTo(200);
    Run narrowed = clients(admin, secret, "update", id, "--scope", "scripts");
    assertThat(narrowed.exitCode()).as(narrowed.err()).isZero();
    assertThat(narrowed.out()).contains("Partner, 600s, scripts").doesNotContain("conversations");
    assertThat(api.get("/api/v2/scripts", token).status()).isEqualTo(401);
    assertThat(
            api.tokenRequest(
                    Api.basic(id, partnerSecret), Map.of("grant_type", "client_credentials"))
                .json()
                .get("expires_in")
                .asInt())
        .isEqualTo(600);

    Run rotated = clients(admin, secret, "rotate-secret", id);
    assertThat(rotated.exitCode()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("clientSecret:").contains("shown only now");
    assertThat(
            api.tokenRequest(
                    Api.basic(id, partnerSecret), Map.of("grant_type", "client_credentials"))
                .status())
        .isEqualTo(401);

    Run deleted = clients(admin, secret, "delete", id);
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(clients(admin, secret, "list").out()).doesNotContain(id);
  }

  @Test
  void refusalsAreOneLineAndExit1AndUsageErrorsExit2() {
    var org = server.newOrg();
    Run partner =
        clients(org.clientId(), org.clientSecret(), "create", "Scripts only", "--scope", "scripts");
    assertThat(partner.exitCode()).as(partner.err()).isZero();
    String id =
        partner.out().lines().filter(l -> l.startsWith("clientId:")).findFirst().orElseThrow();
    id = id.substring("clientId:".length()).trim();
    String partnerSecret =
        partner.out().lines().filter(l -> l.startsWith("clientSecret:")).findFirst().orElseThrow();
    partnerSecret = partnerSecret.substring("clientSecret:".length()).trim();

    Run forbidden = clients(id, partnerSecret, "list");
    assertThat(forbidden.exitCode()).isEqualTo(1);
    assertThat(forbidden.err()).startsWith("error: ").contains("oauth");
    Run unknownScope =
        clients(org.clientId(), org.clientSecret(), "create", "x", "--scope", "root");
    assertThat(unknownScope.exitCode()).isEqualTo(1);
    assertThat(unknownScope.err()).contains("root");
    Run missing =
        clients(
            org.clientId(), org.clientSecret(), "delete", java.util.UUID.randomUUID().toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(clients(org.clientId(), org.clientSecret(), "update", id).exitCode())
        .as("nothing to change")
        .isEqualTo(2);
    assertThat(clients(org.clientId(), org.clientSecret(), "create", "no scope").exitCode())
        .isEqualTo(2);
  }
}

package io.switchboard.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code serve --demo}: each demo org gets working content, and a restart finds it instead of
 * adding more.
 */
class DemoSetupIT {
  @Test
  void demoContentIsCreatedOnceAndFoundAgainAfterARestart() throws Exception {
    DemoSetup.DemoCredentials first;
    String dataDir;
    try (TestServer server = TestServer.start()) {
      dataDir = server.dataDir().toString();
      first =
          new DemoSetup(
                  server.switchboard().identity(), new DemoContent(server.switchboard().features()))
              .ensure(server.baseUrl(), server.dataDir());
      assertThat(first.content()).hasSize(2);
      check(server.api(), first.orgs().get(0), first.content().get(0));
    }
    try (TestServer restarted = TestServer.start(Map.of(SettingKeys.DATA_DIR, dataDir))) {
      var second =
          new DemoSetup(
                  restarted.switchboard().identity(),
                  new DemoContent(restarted.switchboard().features()))
              .ensure(restarted.baseUrl(), java.nio.file.Path.of(dataDir));
      assertThat(second.content()).isEqualTo(first.content());
      checkPages(restarted, first, second);
      assertThat(second.orgs()).isEqualTo(first.orgs());
      Api api = restarted.api();
      String token =
          api.token(second.orgs().get(1).clientId(), second.orgs().get(1).clientSecret());
      // The two agents and the pages' admin user.
      assertThat(api.get("/api/v2/users", token).json().get("total").asLong()).isEqualTo(3);
      assertThat(api.get("/api/v2/routing/wrapupcodes", token).json().get("total").asLong())
          .isEqualTo(3);
      assertThat(api.get("/api/v2/scripts", token).json().get("total").asLong()).isEqualTo(1);
      assertThat(api.get("/api/v2/scripts/published", token).json().get("total").asLong())
          .isEqualTo(1);

      String guide = DemoSetup.contentGuide(second);
      var acme = second.content().get(0);
      assertThat(guide)
          .contains(restarted.baseUrl() + "/api/v2/scripts/published/" + acme.scriptId())
          .contains("/api/v2/agent-scripting/sessions/" + acme.sessionId() + "/render")
          .contains("/api/v2/conversations/" + acme.conversationId())
          .contains(acme.agents().get(0).id())
          .contains("Demo content of globex");
    }
  }

  /**
   * The pages' sign-in client and users: the same client id and passwords after the restart, its
   * redirect URIs moved to the new base URL, the roles granted, the passwords set.
   */
  private static void checkPages(
      TestServer restarted, DemoSetup.DemoCredentials first, DemoSetup.DemoCredentials second) {
    assertThat(second.pages()).hasSize(2);
    assertThat(second.pages().get(0).users())
        .extracting(DemoPages.PageUser::role)
        .containsExactly("agent", "agent", "admin");
    for (int i = 0; i < 2; i++) {
      DemoPages.OrgPages before = first.pages().get(i);
      DemoPages.OrgPages after = second.pages().get(i);
      assertThat(after.clientId()).isEqualTo(before.clientId());
      assertThat(after.users()).isEqualTo(before.users());
      assertThat(after.agentUrl())
          .isEqualTo(restarted.baseUrl() + "/agent/?client_id=" + after.clientId());
      String token =
          restarted
              .api()
              .token(second.orgs().get(i).clientId(), second.orgs().get(i).clientSecret());
      var client = restarted.api().get("/api/v2/oauth/clients/" + after.clientId(), token);
      assertThat(client.json().get("authorizedGrantType").asString()).isEqualTo("CODE");
      assertThat(client.json().get("registeredRedirectUri").toString())
          .isEqualTo(
              "[\"" + restarted.baseUrl() + "/agent/\",\"" + restarted.baseUrl() + "/console/\"]");
      var accounts = restarted.switchboard().features().users();
      var passwords = new io.switchboard.server.identity.Passwords(4);
      for (DemoPages.PageUser u : after.users()) {
        var account =
            accounts.findActiveByUsername(second.orgs().get(i).orgId(), u.username()).orElseThrow();
        assertThat(passwords.matches(u.password(), account.passwordHash())).isTrue();
        var roles = restarted.api().get("/api/v2/users/" + u.id() + "/roles", token);
        assertThat(roles.body()).as(roles.body()).contains("\"name\":\"" + u.role() + "\"");
      }
    }
    assertThat(DemoSetup.pagesGuide(second))
        .contains(second.pages().get(0).agentUrl())
        .contains(second.pages().get(1).consoleUrl())
        .contains(second.pages().get(0).users().get(2).password());
  }

  private static void check(Api api, DemoSetup.DemoOrg org, DemoContent.OrgContent content) {
    String token = api.token(org.clientId(), org.clientSecret());
    JsonNode script = api.get("/api/v2/scripts/published/" + content.scriptId(), token).json();
    assertThat(script.get("variables")).hasSize(4);
    JsonNode conversation =
        api.get("/api/v2/conversations/" + content.conversationId(), token).json();
    assertThat(conversation.get("participants").get(1).get("state").asString())
        .isEqualTo("connected");
    assertThat(conversation.get("participants").get(1).get("id").asString())
        .isEqualTo(content.agentParticipantId());
    JsonNode rendered =
        api.get("/api/v2/agent-scripting/sessions/" + content.sessionId() + "/render", token)
            .json();
    assertThat(rendered.get("state").asString()).isEqualTo("active");
    assertThat(rendered.get("pages").get(0).get("components").get(0).get("text").asString())
        .isEqualTo("Hello Jordan, thank you for calling. I see account ACME-1001.");
    assertThat(
            api.get("/api/v2/agent-scripting/sessions/" + content.sessionId(), token)
                .json()
                .get("agentId")
                .asString())
        .isEqualTo(content.agents().get(0).id());
  }
}

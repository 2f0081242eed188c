package io.switchboard.client;

import io.switchboard.client.ConversationsApi.Conversation;
import io.switchboard.client.ConversationsApi.NewCall;
import io.switchboard.client.ScriptsApi.Component;
import io.switchboard.client.ScriptsApi.ScriptDraft;
import io.switchboard.client.ScriptsApi.Variable;
import io.switchboard.client.UsersApi.NewUser;
import io.switchboard.server.testing.TestServer;
import java.util.List;
import java.util.UUID;

/** What the client tests need in an org, made through the client's own typed APIs. */
record Scenario(TestServer.OrgAccess org, SwitchboardClient admin) implements AutoCloseable {
  static Scenario in(TestServer server) {
    TestServer.OrgAccess org = server.newOrg();
    return new Scenario(
        org,
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(org.clientId(), org.clientSecret())
            .build());
  }

  SwitchboardClient.Builder clientBuilder(TestServer server) {
    return SwitchboardClient.builder()
        .baseUrl(server.baseUrl())
        .clientCredentials(org.clientId(), org.clientSecret());
  }

  /**
   * A script with string variables {@code name}, {@code note}, a number {@code counter} and a
   * list-free page; published.
   */
  String publishedScript() {
    var vars =
        List.of(
            new Variable("name", "string", true, false, null, null),
            new Variable("note", "string", true, false, null, null),
            new Variable("counter", "number", true, true, null, null),
            new Variable("k0", "string", true, false, null, null),
            new Variable("k1", "string", true, false, null, null),
            new Variable("k2", "string", true, false, null, null),
            new Variable("k3", "string", true, false, null, null));
    var page =
        new ScriptsApi.ScriptPage(
            "start",
            "Start",
            List.of(
                new Component(
                    "hello", "text", "Hello {{name}}", null, null, null, null, null, null)));
    String id =
        admin
            .scripts()
            .create(
                new ScriptDraft(
                    "script " + UUID.randomUUID(), "start", vars, List.of(page), null, null, null))
            .id();
    admin.publishedScripts().publish(id);
    return id;
  }

  String agent() {
    return admin
        .users()
        .create(
            new NewUser(
                "Agent " + UUID.randomUUID(), UUID.randomUUID() + "@example.com", null, null))
        .id();
  }

  Conversation call(String agentId) {
    return admin
        .conversations()
        .createCall(new NewCall("tel:+15550100", "tel:+15550199", agentId, null));
  }

  @Override
  public void close() {
    admin.close();
  }
}

package io.switchboard.cli.load;

import io.switchboard.client.ConversationsApi.NewCall;
import io.switchboard.client.ScriptsApi;
import io.switchboard.client.ScriptsApi.ScriptDraft;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.UsersApi.NewUser;
import java.util.ArrayList;
import java.util.List;

/**
 * What the cluster checks write to: a published script with a number variable {@code seq} and a
 * string {@code tag}, one agent, and calls the agent is on (sessions hang off a call).
 */
record ClusterSetup(String scriptId, String agentId, List<String> conversationIds) {
  static ClusterSetup create(SwitchboardClient admin, String runId, int calls) {
    var seq = new ScriptsApi.Variable("seq", "number", true, false, null, "a writer's counter");
    var tag = new ScriptsApi.Variable("tag", "string", true, false, null, "an idempotency key");
    var text =
        new ScriptsApi.Component(
            "t", "text", "seq {{seq}} tag {{tag}}", null, null, null, null, null, null);
    var page = new ScriptsApi.ScriptPage("start", "Start", List.of(text));
    String scriptId =
        admin
            .scripts()
            .create(
                new ScriptDraft(
                    "cluster " + runId,
                    "start",
                    List.of(seq, tag),
                    List.of(page),
                    null,
                    null,
                    null))
            .id();
    admin.publishedScripts().publish(scriptId);
    String agentId =
        admin
            .users()
            .create(
                new NewUser(
                    "Cluster agent " + runId, "cluster-" + runId + "@load.invalid", null, null))
            .id();
    var conversations = new ArrayList<String>();
    for (int i = 0; i < calls; i++) {
      conversations.add(
          admin
              .conversations()
              .createCall(
                  new NewCall("+1555" + String.format("%07d", i), "+18005550100", agentId, null))
              .id());
    }
    return new ClusterSetup(scriptId, agentId, List.copyOf(conversations));
  }
}

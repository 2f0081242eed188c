package example.partner;

import io.switchboard.client.ApiException;
import io.switchboard.client.ConversationsApi.Conversation;
import io.switchboard.client.ConversationsApi.NewCall;
import io.switchboard.client.ConversationsApi.WrapupInput;
import io.switchboard.client.DeadlineExceededException;
import io.switchboard.client.OrgClients;
import io.switchboard.client.RequestOptions;
import io.switchboard.client.Response;
import io.switchboard.client.ScriptsApi.Component;
import io.switchboard.client.ScriptsApi.Script;
import io.switchboard.client.ScriptsApi.ScriptDraft;
import io.switchboard.client.ScriptsApi.ScriptPage;
import io.switchboard.client.ScriptsApi.Variable;
import io.switchboard.client.SessionsApi.NewSession;
import io.switchboard.client.SessionsApi.Session;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.UsersApi.NewUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A small partner app on {@code io.switchboard.client}, serving two orgs: each org gets a published
 * script (read through the client's cache by every agent), a call with a script session that 20
 * threads update at once, a disconnect and a wrap-up, and the typed errors an integrator handles.
 *
 * <p>Run: {@code java example.partner.PartnerApp <baseUrl> <orgId> <clientId> <clientSecret>
 * [<orgId> <clientId> <clientSecret> ...]} (the OAuth clients need the default scopes). It prints
 * one summary line per org and exits non-zero if anything did not add up.
 */
public final class PartnerApp {
  private PartnerApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4 || (args.length - 1) % 3 != 0) {
      System.err.println(
          "usage: PartnerApp <baseUrl> <orgId> <clientId> <clientSecret> [<orgId> <clientId>"
              + " <clientSecret> ...]");
      System.exit(2);
    }
    // Stands in for the partner's secret store: looked up once per org, on its first call.
    Map<String, OrgClients.Credentials> vault = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 3)
      vault.put(args[i], new OrgClients.Credentials(args[i + 1], args[i + 2]));

    try (var orgs =
        OrgClients.builder()
            .baseUrl(args[0])
            .credentials(vault::get)
            .configure((orgId, builder) -> builder.deadline(Duration.ofSeconds(10)))
            .build()) {
      // The orgs are served at the same time, each on its own virtual thread.
      var work = new ArrayList<CompletableFuture<String>>();
      for (String orgId : vault.keySet())
        work.add(orgs.forOrg(orgId).async(client -> serve(orgId, client)));
      for (var done : work) System.out.println(done.join());
    }
  }

  /** One org's day, in miniature. Throws if something does not add up. */
  static String serve(String orgId, SwitchboardClient client) {
    // Set-up an admin would do once: an agent, a wrap-up code and a published script.
    String agentId =
        client
            .users()
            .create(new NewUser("Agent", "agent-" + UUID.randomUUID() + "@example.com", null, null))
            .id();
    String wrapupCode = client.wrapupCodes().create("Resolved " + UUID.randomUUID()).id();
    String scriptId = publishScript(client);

    // Every agent's desktop reads the published script: one request, the rest from the cache.
    long before = client.stats().requests();
    for (int i = 0; i < 50; i++) client.publishedScripts().get(scriptId);
    long scriptRequests = client.stats().requests() - before;
    check(scriptRequests == 1, "50 script reads cost " + scriptRequests + " requests, not 1");

    // A call comes in; the agent's script session starts, tagged with our own correlation id.
    Conversation call =
        client.conversations().createCall(new NewCall("tel:+15550100", "tel:+15550199", agentId, null));
    Response<Session> created =
        client
            .withOptions(RequestOptions.none().correlationId("partner-" + orgId.substring(0, 8)))
            .withResponse(
                c -> c.sessions().create(new NewSession(scriptId, call.id(), agentId, Map.of("visits", 0))));
    String sessionId = created.value().id();

    // 20 threads count visits on the same session at once: read, apply, write, re-apply on a race.
    var threads = new ArrayList<CompletableFuture<Session>>();
    for (int i = 0; i < 20; i++)
      threads.add(
          client.async(
              c ->
                  c.sessions()
                      .update(
                          sessionId,
                          data -> {
                            data.put("visits", ((Number) data.get("visits")).intValue() + 1);
                            return data;
                          })));
    threads.forEach(CompletableFuture::join);
    // And a value that does not depend on the old one: a merge, never a race.
    client.sessions().patch(sessionId, Map.of("note", "callback tomorrow"));
    Session after = client.sessions().get(sessionId);
    int visits = ((Number) after.data().get("visits")).intValue();
    check(visits == 20, "20 concurrent updates counted " + visits);

    // The call ends; the agent wraps up (keyed: a lost answer is retried and recorded once).
    client.conversations().disconnect(call.id());
    client
        .conversations()
        .wrapupInteraction(call.id(), null, agentId, new WrapupInput(wrapupCode, "done", null, null));
    var agent = client.conversations().get(call.id()).participant("agent").orElseThrow();
    check(
        client.conversations().getWrapup(call.id(), agent.id()).isPresent(), "no wrap-up recorded");

    // Typed errors: what a partner app catches.
    String missing = "absent";
    try {
      client.sessions().get(UUID.randomUUID().toString());
    } catch (ApiException.NotFoundException e) {
      missing = "404 " + e.code();
    }
    String completed = "open";
    try {
      client.sessions().patch(sessionId, Map.of("note", "too late"));
    } catch (ApiException.ConflictException e) {
      completed = "409 " + e.code(); // the wrap-up completed the session
    } catch (DeadlineExceededException e) {
      completed = "deadline";
    }
    check(completed.equals("409 session.completed"), "patch after wrap-up: " + completed);

    return "org %s: script reads 50 (requests %d), visits %d, correlation %s, wrap-up recorded, missing session: %s, after wrap-up: %s"
        .formatted(
            orgId,
            scriptRequests,
            visits,
            created.correlationId().orElse("-"),
            missing,
            completed);
  }

  private static String publishScript(SwitchboardClient client) {
    var vars =
        List.of(
            new Variable("visits", "number", true, true, null, null),
            new Variable("note", "string", true, false, null, null));
    var page =
        new ScriptPage(
            "start",
            "Start",
            List.of(new Component("hello", "text", "Visits: {{visits}}", null, null, null, null, null, null)));
    Script draft =
        client
            .scripts()
            .create(
                new ScriptDraft(
                    "Partner script " + UUID.randomUUID(), "start", vars, List.of(page), null, null, null));
    client.publishedScripts().publish(draft.id());
    return draft.id();
  }

  private static void check(boolean ok, String problem) {
    if (!ok) throw new IllegalStateException(problem);
  }
}

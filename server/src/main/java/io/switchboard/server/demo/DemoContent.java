package io.switchboard.server.demo;

import io.switchboard.server.Switchboard;
import io.switchboard.server.conversations.CallState;
import io.switchboard.server.conversations.Conversation;
import io.switchboard.server.conversations.ConversationService;
import io.switchboard.server.conversations.Participant;
import io.switchboard.server.conversations.WrapupCode;
import io.switchboard.server.scripts.Script;
import io.switchboard.server.scripts.ScriptDocument;
import io.switchboard.server.scripts.ScriptRequest;
import io.switchboard.server.sessions.Session;
import io.switchboard.server.sessions.SessionService;
import io.switchboard.server.users.User;
import io.switchboard.server.users.UserService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The demo org's working content: two agents, wrap-up codes, a published script with variables, and
 * one call with an active script session. Each piece is looked up first (agents by email, codes and
 * the script by name, the session by script), so a second start finds what the first made instead
 * of adding more.
 */
public final class DemoContent {
  public static final String SCRIPT_NAME = "Demo: welcome call";
  public static final List<String> CODE_NAMES =
      List.of("Resolved", "Follow-up needed", "No answer");

  /** What the demo made (or found) in one org: the ids a new user needs to try the API. */
  public record OrgContent(
      String org,
      String scriptId,
      List<Named> agents,
      List<Named> wrapupCodes,
      String conversationId,
      String agentParticipantId,
      String agentCommunicationId,
      String sessionId) {}

  public record Named(String name, String id) {}

  private final Switchboard.Features features;

  public DemoContent(Switchboard.Features features) {
    this.features = features;
  }

  /** The demo's sign-in client and page users, over the same features. */
  DemoPages pages(io.switchboard.server.identity.IdentityService identity) {
    return new DemoPages(identity, features.users());
  }

  public OrgContent ensure(String orgName, String orgId) {
    var agents = new ArrayList<Named>();
    for (String[] person : new String[][] {{"Ada Lovelace", "ada"}, {"Grace Hopper", "grace"}}) {
      String email = person[1] + "@" + orgName + ".example";
      UserService users = features.users();
      User u =
          users
              .findByEmail(orgId, email)
              .orElseGet(() ->
                  users.create(
                      orgId, new UserService.NewUser(person[0], email, "Customer care", "Agent")));
      agents.add(new Named(u.name(), u.id()));
    }
    var codes = new ArrayList<Named>();
    for (String name : CODE_NAMES) {
      WrapupCode c =
          features
              .wrapupCodes()
              .findByName(orgId, name)
              .orElseGet(() -> features.wrapupCodes().create(orgId, name, "demo-setup"));
      codes.add(new Named(c.name(), c.id()));
    }
    Script script =
        features
            .scripts()
            .findByName(orgId, SCRIPT_NAME)
            .orElseGet(() -> features.scripts().create(orgId, script()));
    if (features.scripts().findLatestPublishedVersionId(orgId, script.id()).isEmpty())
      features.scripts().publish(orgId, script.id(), null);

    SessionService sessions = features.sessions();
    Session session = sessions.findActiveForScript(orgId, script.id()).orElse(null);
    Conversation call;
    if (session == null) {
      ConversationService conversations = features.conversations();
      call =
          conversations.createCall(
              orgId,
              new ConversationService.NewCall(
                  "tel:+15550100",
                  "tel:+15550199",
                  agents.get(0).id(),
                  Map.of("accountId", "ACME-1001")));
      Participant agent =
          call.participants().stream().filter(Participant::isAgent).findFirst().orElseThrow();
      call = conversations.changeParticipant(orgId, call.id(), agent.id(), "connected", null);
      var data =
          JsonNodeFactory.instance
              .objectNode()
              .put("customerName", "Jordan")
              .put("accountId", "ACME-1001");
      session =
          sessions.create(orgId, new SessionService.NewSession(script.id(), call.id(), null, data));
    } else {
      call = features.conversations().get(orgId, session.conversationId());
    }
    Participant agent =
        call.participants().stream().filter(Participant::isAgent).findFirst().orElseThrow();
    // Queues Support and General with both agents as members: IDLE, except the agent on the sample
    // call while it lasts (INTERACTING), whom the ACD must not offer a second call.
    new DemoRouting(features.routing())
        .ensureQueues(
            orgId,
            agents.stream().map(Named::id).toList(),
            call.state() == CallState.CONNECTED || call.state() == CallState.ALERTING
                ? Set.of(agent.userId())
                : Set.of());
    return new OrgContent(
        orgName, script.id(), agents, codes, call.id(), agent.id(), agent.callId(), session.id());
  }

  /** Four variables of every type, two pages, and every kind of component. */
  static ScriptRequest script() {
    var f = JsonNodeFactory.instance;
    List<ScriptDocument.Variable> variables =
        List.of(
            new ScriptDocument.Variable(
                "customerName",
                "string",
                true,
                false,
                f.stringNode("caller"),
                "Who is calling, set by the flow or a partner app."),
            new ScriptDocument.Variable(
                "accountId", "string", true, false, null, "The caller's account."),
            new ScriptDocument.Variable(
                "satisfied",
                "boolean",
                false,
                true,
                f.booleanNode(false),
                "Did the caller leave happy?"),
            new ScriptDocument.Variable(
                "callbackInMinutes", "number", false, true, null, "When to call back, if at all."));
    JsonNode none = null;
    var greeting =
        new ScriptRequest.PageRequest(
            "greeting",
            "Greeting",
            List.of(
                new ScriptDocument.Component(
                    "hello",
                    "text",
                    "Hello {{customerName}}, thank you for calling. I see account {{accountId}}.",
                    null,
                    null,
                    null,
                    null,
                    null,
                    none),
                new ScriptDocument.Component(
                    "happy",
                    "input",
                    null,
                    "Is {{customerName}} satisfied?",
                    "checkbox",
                    "satisfied",
                    null,
                    null,
                    none),
                new ScriptDocument.Component(
                    "callback",
                    "input",
                    null,
                    "Call back in (minutes)",
                    "number",
                    "callbackInMinutes",
                    null,
                    null,
                    none),
                new ScriptDocument.Component(
                    "markHappy",
                    "button",
                    null,
                    "Mark satisfied",
                    null,
                    "satisfied",
                    null,
                    "setVariable",
                    f.booleanNode(true))));
    var closing =
        new ScriptRequest.PageRequest(
            "closing",
            "Closing",
            List.of(
                new ScriptDocument.Component(
                    "bye",
                    "text",
                    "Thank you, {{customerName}}. Goodbye!",
                    null,
                    null,
                    null,
                    null,
                    null,
                    none),
                new ScriptDocument.Component(
                    "done", "button", null, "Finish", null, null, null, "complete", none)));
    return new ScriptRequest(
        SCRIPT_NAME, "greeting", variables, List.of(greeting, closing), null, null, null);
  }
}

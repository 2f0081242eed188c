package io.switchboard.server.conversations;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.users.User;
import io.switchboard.server.users.UserService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Call conversations: create, read, change a participant's state, disconnect. Every change runs in
 * one transaction that locks the conversation's row, and commits before the caller is answered:
 * whoever is told "disconnected" can wrap up at once.
 */
public final class ConversationService {
  public static final int MAX_ATTRIBUTES = 50;

  public record NewCall(String from, String to, String agentId, Map<String, String> attributes) {}

  /**
   * An outbound call the agent places to {@code phoneNumber}, shown to it as {@code callerId}, on
   * behalf of {@code queueId} when given (a queue of the org, checked by the caller).
   */
  public record OutboundCall(
      String phoneNumber,
      String callerId,
      String agentId,
      String queueId,
      Map<String, String> attributes) {}

  /** The ANI of an outbound call placed without a caller id. */
  public static final String ANONYMOUS = "anonymous";

  private final ConversationStore store;
  private final UserService users;
  private final WrapupService wrapups;
  private final Clock clock;
  private final ConversationEvents events;
  private final List<CustomerLeftHook> customerLeft;

  public ConversationService(
      ConversationStore store, UserService users, WrapupService wrapups, Clock clock) {
    this(
        store, users, wrapups, clock, io.switchboard.server.notifications.Notifier.NONE, List.of());
  }

  /**
   * {@code notifier} announces every committed change (see {@link ConversationEvents}); {@code
   * customerLeft} run, in the change's transaction, when a call's customer leaves it.
   */
  public ConversationService(
      ConversationStore store,
      UserService users,
      WrapupService wrapups,
      Clock clock,
      io.switchboard.server.notifications.Notifier notifier,
      List<CustomerLeftHook> customerLeft) {
    this.store = store;
    this.users = users;
    this.wrapups = wrapups;
    this.clock = clock;
    this.events = new ConversationEvents(notifier, store);
    this.customerLeft = List.copyOf(customerLeft);
  }

  /**
   * A call from the customer ({@code from}, connected) to {@code to}; with an agent, the agent's
   * participant is alerting until it is connected.
   */
  public Conversation createCall(String orgId, NewCall call) {
    String from = Checks.requiredText("from", call.from(), 200);
    String to = Checks.requiredText("to", call.to(), 200);
    Map<String, String> attributes = attributes(call.attributes());
    User agent = null;
    if (call.agentId() != null) {
      agent =
          users
              .find(orgId, call.agentId())
              .orElseThrow(() ->
                  new Problem(
                      Problem.Kind.INVALID,
                      "invalid.value",
                      "agentId: " + call.agentId() + " is not a user of this organization",
                      Map.of("field", "agentId")));
    }
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    var participants = new ArrayList<Participant>();
    participants.add(
        new Participant(
            UUID.randomUUID().toString(),
            id,
            0,
            Participant.CUSTOMER,
            null,
            from,
            from,
            CallState.CONNECTED,
            UUID.randomUUID().toString(),
            attributes,
            now,
            now,
            null,
            null));
    if (agent != null) {
      participants.add(
          new Participant(
              UUID.randomUUID().toString(),
              id,
              1,
              Participant.AGENT,
              agent.id(),
              agent.name(),
              to,
              CallState.ALERTING,
              UUID.randomUUID().toString(),
              Map.of(),
              now,
              null,
              null,
              null));
    }
    var conversation =
        new Conversation(
            id,
            orgId,
            Conversation.derive(participants),
            from,
            to,
            now,
            null,
            List.copyOf(participants));
    store.inTransaction(h -> {
      store.insert(h, conversation);
      events.changed(h, conversation);
      return null;
    });
    return conversation;
  }

  /**
   * An outbound call: the agent (who placed it) is connected, the customer at {@code phoneNumber}
   * is alerting until it is connected (answers) or disconnected. The agent comes first, which is
   * what makes the conversation outbound ({@link Conversation#outbound()}).
   */
  public Conversation placeCall(String orgId, OutboundCall call) {
    String to = Checks.requiredText("phoneNumber", call.phoneNumber(), 200);
    String from =
        call.callerId() == null ? ANONYMOUS : Checks.requiredText("callerId", call.callerId(), 200);
    Map<String, String> attributes = attributes(call.attributes());
    String agentId = Checks.requiredText("callUserId", call.agentId(), 36);
    User agent =
        users
            .find(orgId, agentId)
            .orElseThrow(() ->
                new Problem(
                    Problem.Kind.INVALID,
                    "invalid.value",
                    "callUserId: " + agentId + " is not a user of this organization",
                    Map.of("field", "callUserId")));
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    var participants =
        List.of(
            new Participant(
                UUID.randomUUID().toString(),
                id,
                0,
                Participant.AGENT,
                agent.id(),
                agent.name(),
                from,
                CallState.CONNECTED,
                UUID.randomUUID().toString(),
                Map.of(),
                now,
                now,
                null,
                null,
                call.queueId()),
            new Participant(
                UUID.randomUUID().toString(),
                id,
                1,
                Participant.CUSTOMER,
                null,
                to,
                to,
                CallState.ALERTING,
                UUID.randomUUID().toString(),
                attributes,
                now,
                null,
                null,
                null));
    var conversation =
        new Conversation(
            id, orgId, Conversation.derive(participants), from, to, now, null, participants);
    store.inTransaction(h -> {
      store.insert(h, conversation);
      events.changed(h, conversation);
      return null;
    });
    return conversation;
  }

  public Conversation get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Conversation", id));
  }

  public Optional<Conversation> find(String orgId, String id) {
    return id == null ? Optional.empty() : store.find(orgId, id);
  }

  /**
   * Everyone still on the call is disconnected. Disconnecting a disconnected conversation changes
   * nothing.
   */
  public Conversation disconnect(String orgId, String id) {
    return store.inTransaction(h -> {
      Conversation c =
          store.lock(h, orgId, id).orElseThrow(() -> Problem.notFound("Conversation", id));
      Instant now = clock.instant();
      var after = new ArrayList<>(c.participants());
      after.replaceAll(p ->
          p.state().isLive() ? p.withState(CallState.DISCONNECTED, p.connectedTime(), now) : p);
      Conversation done = committed(h, c, Transitions.commit(h, store, c, after, now), now);
      if (!done.equals(c)) events.changed(h, done);
      return done;
    });
  }

  /**
   * {@code PATCH .../participants/{pid}}: {@code state} connected (answer an alerting call) or
   * disconnected; a {@code wrapup} is recorded by the wrap-up rules, after the state change, in the
   * same transaction.
   */
  public Conversation changeParticipant(
      String orgId,
      String conversationId,
      String participantId,
      String state,
      WrapupService.WrapupInput wrapup) {
    CallState target = null;
    if (state != null) {
      target =
          switch (state) {
            case "connected" -> CallState.CONNECTED;
            case "disconnected" -> CallState.DISCONNECTED;
            default ->
                throw new Problem(
                    Problem.Kind.INVALID,
                    "invalid.value",
                    "state: must be connected or disconnected, got '" + state + "'",
                    Map.of("field", "state"));
          };
    }
    if (target == null && wrapup == null)
      throw Problem.invalid("state", "give a state or a wrapup to change");
    CallState wanted = target;
    return store.inTransaction(h -> {
      Conversation c =
          store
              .lock(h, orgId, conversationId)
              .orElseThrow(() -> Problem.notFound("Conversation", conversationId));
      Participant p =
          c.participant(participantId)
              .orElseThrow(() -> Problem.notFound("Participant", participantId));
      Instant now = clock.instant();
      Conversation current = c;
      if (wanted != null) {
        Participant changed = transition(p, wanted, now);
        var after = new ArrayList<>(c.participants());
        after.replaceAll(x -> x.id().equals(p.id()) ? changed : x);
        current = committed(h, c, Transitions.commit(h, store, c, after, now), now);
      }
      if (wrapup != null) {
        Conversation before = current;
        current =
            wrapups.apply(h, before, before.participant(participantId).orElseThrow(), wrapup, now);
      }
      if (!current.equals(c)) events.changed(h, current);
      return current;
    });
  }

  /** {@code after}, once the hooks have been told if the customer left with this change. */
  private Conversation committed(
      org.jdbi.v3.core.Handle h, Conversation before, Conversation after, Instant now) {
    if (customerOnCall(before) && !customerOnCall(after))
      for (CustomerLeftHook hook : customerLeft)
        hook.customerLeft(h, after.orgId(), after.id(), now);
    return after;
  }

  private static boolean customerOnCall(Conversation c) {
    return c.participants().stream()
        .anyMatch(p -> p.purpose().equals(Participant.CUSTOMER) && p.state().isLive());
  }

  private static Participant transition(Participant p, CallState target, Instant now) {
    if (p.state() == target) return p;
    if (target == CallState.CONNECTED) {
      if (p.state() != CallState.ALERTING) throw stateConflict(p, target);
      return p.withState(CallState.CONNECTED, now, null);
    }
    // target is DISCONNECTED: a participant already off the call stays as it is.
    if (!p.state().isLive()) return p;
    return p.withState(CallState.DISCONNECTED, p.connectedTime(), now);
  }

  private static Problem stateConflict(Participant p, CallState target) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "participant.state.invalid",
        "Participant " + p.id() + " is " + p.state().wire() + " and cannot become " + target.wire(),
        Map.of(
            "participantId", p.id(), "state", p.state().wire(), "requestedState", target.wire()));
  }

  private static Map<String, String> attributes(Map<String, String> given) {
    if (given == null) return Map.of();
    if (given.size() > MAX_ATTRIBUTES)
      throw Problem.invalid("attributes", "at most " + MAX_ATTRIBUTES + " attributes");
    var out = new LinkedHashMap<String, String>();
    for (var e : given.entrySet()) {
      if (e.getKey().isBlank() || e.getKey().length() > 200)
        throw Problem.invalid("attributes", "names must be 1 to 200 characters");
      if (e.getValue() == null || e.getValue().length() > 2000)
        throw Problem.invalid(
            "attributes." + e.getKey(), "must be a string of at most 2000 characters");
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}

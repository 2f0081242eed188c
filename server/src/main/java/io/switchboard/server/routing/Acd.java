package io.switchboard.server.routing;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.switchboard.server.conversations.CallState;
import io.switchboard.server.conversations.Conversation;
import io.switchboard.server.conversations.ConversationService;
import io.switchboard.server.conversations.ConversationStore;
import io.switchboard.server.conversations.Participant;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.sessions.Session;
import io.switchboard.server.sessions.SessionService;
import io.switchboard.server.users.User;
import io.switchboard.server.users.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Automatic call distribution. A call is queued (FIFO per queue) and the queue's longest-idle IDLE
 * member is connected to it as the agent participant, their status becoming INTERACTING, and the
 * call's pending screen pop starts a script session for them.
 *
 * <p>Each assignment is one transaction, correct across nodes sharing the database. Lock order, the
 * same everywhere: the queue's row ({@code FOR UPDATE}: one assigner per queue at a time), then the
 * call's conversation row, then the agent's status row, which is claimed by a conditional update
 * ({@code IDLE -> INTERACTING}) so an agent idle in two queues goes to exactly one of them. A call
 * leaves the queue by a delete that must find its row: never assigned twice. Assignments run
 * whenever a call is queued, an agent becomes IDLE (status PUT, wrap-up) and, as a safety net (a
 * transaction lost to a deadlock, a member added), on a periodic sweep.
 */
public final class Acd implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Acd.class);
  private static final int CANDIDATES = 20;

  /** How often every queue with waiting calls is looked at, whatever else happened. */
  public static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

  private static final int MAX_ASSIGNMENTS_PER_PASS = 1000;

  public static final String CONNECTED = "connected";
  public static final String QUEUED = "queued";
  public static final String ABANDONED = "abandoned";

  private final Jdbi jdbi;
  private final AgentStatusStore statuses;
  private final CallStore calls;
  private final ConversationStore conversations;
  private final UserService users;
  private final SessionService sessions;
  private final boolean agentAnswers;
  private final AcdSignals signals;
  private final JsonMapper json;
  private final Clock clock;
  private final RetryPolicy<Object> retry =
      RetryPolicy.builder()
          .handle(JdbiException.class)
          .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
          .withJitter(0.5)
          .withMaxRetries(5)
          .build();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("acd-signals").factory());
  private final ScheduledExecutorService sweeper;
  private volatile boolean open = true;

  private final io.switchboard.server.notifications.Notifier notifier;
  private final io.switchboard.server.conversations.ConversationEvents events;

  public Acd(
      Jdbi jdbi,
      AgentStatusStore statuses,
      CallStore calls,
      ConversationStore conversations,
      UserService users,
      SessionService sessions,
      AcdSignals signals,
      JsonMapper json,
      Clock clock,
      Duration sweepEvery) {
    this(
        jdbi,
        statuses,
        calls,
        conversations,
        users,
        sessions,
        signals,
        json,
        clock,
        sweepEvery,
        io.switchboard.server.notifications.Notifier.NONE);
  }

  /**
   * {@code notifier} announces, after commit, a call an agent was connected to (the conversation's
   * topics) and each routing status the ACD or the agent sets ({@code
   * v2.users.{id}.routingStatus}).
   */
  public Acd(
      Jdbi jdbi,
      AgentStatusStore statuses,
      CallStore calls,
      ConversationStore conversations,
      UserService users,
      SessionService sessions,
      AcdSignals signals,
      JsonMapper json,
      Clock clock,
      Duration sweepEvery,
      io.switchboard.server.notifications.Notifier notifier) {
    this(
        jdbi,
        statuses,
        calls,
        conversations,
        users,
        sessions,
        signals,
        json,
        clock,
        sweepEvery,
        notifier,
        false);
  }

  /**
   * With {@code agentAnswers}, an assigned call alerts the agent (who answers it with {@code PATCH
   * .../participants/{id}} {@code connected}) instead of connecting them at once. The agent is
   * INTERACTING and the screen pop starts at assignment either way.
   */
  public Acd(
      Jdbi jdbi,
      AgentStatusStore statuses,
      CallStore calls,
      ConversationStore conversations,
      UserService users,
      SessionService sessions,
      AcdSignals signals,
      JsonMapper json,
      Clock clock,
      Duration sweepEvery,
      io.switchboard.server.notifications.Notifier notifier,
      boolean agentAnswers) {
    this.agentAnswers = agentAnswers;
    this.notifier = notifier;
    this.events =
        new io.switchboard.server.conversations.ConversationEvents(notifier, conversations);
    this.jdbi = jdbi;
    this.statuses = statuses;
    this.calls = calls;
    this.conversations = conversations;
    this.users = users;
    this.sessions = sessions;
    this.signals = signals;
    this.json = json;
    this.clock = clock;
    worker.submit(this::drainSignals);
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("acd-sweep").factory());
    long every = Math.max(50, sweepEvery.toMillis());
    sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Puts the call in the queue, behind the calls already waiting, and assigns what can be assigned.
   */
  public void enqueue(
      String orgId, String conversationId, String executionId, Queue queue, ObjectNode screenPop) {
    Instant now = clock.instant();
    jdbi.useTransaction(h -> {
      calls.enqueue(
          h,
          new CallStore.QueuedCall(
              conversationId,
              orgId,
              queue.id(),
              executionId,
              screenPop == null ? null : json.writeValueAsString(screenPop),
              now));
      if (executionId != null)
        calls.result(
            h,
            conversationId,
            executionId,
            QUEUED,
            queue.id(),
            queue.name(),
            null,
            null,
            null,
            now);
      // The queue's watchers learn of the waiting call once it is committed.
      conversations.lock(h, orgId, conversationId).ifPresent(c -> queueChanged(queue.id(), c));
    });
    dispatch(orgId, queue.id());
  }

  /** Announces {@code c} on its queue's topic (sent after the caller's transaction commits). */
  private void queueChanged(String queueId, Conversation c) {
    notifier.publish(
        c.orgId(),
        io.switchboard.server.notifications.Topics.queueConversations(queueId),
        io.switchboard.server.conversations.ConversationViews.ConversationView.of(c));
  }

  /** Sets an agent's status; an agent becoming IDLE is offered the waiting calls at once. */
  public AgentStatus setStatus(String orgId, String userId, String status) {
    AgentStatus s =
        jdbi.inTransaction(h -> {
          AgentStatus set = statuses.set(h, orgId, userId, status, clock.instant());
          notifier.publish(
              orgId, io.switchboard.server.notifications.Topics.routingStatus(userId), set);
          return set;
        });
    if (AgentStatus.IDLE.equals(s.status())) dispatchFor(orgId, userId);
    return s;
  }

  /**
   * Assigns the queue's waiting calls to its idle members while both exist. A failure that outlasts
   * the retries is logged, not thrown: whatever triggered it (a status change, a queued call) has
   * committed, and the sweep assigns what is left.
   */
  public void dispatch(String orgId, String queueId) {
    try {
      for (int i = 0; i < MAX_ASSIGNMENTS_PER_PASS && open; i++) {
        boolean assigned = Failsafe.with(retry).get(() -> assignOne(orgId, queueId));
        if (!assigned) return;
      }
    } catch (RuntimeException e) {
      log.warn("assigning calls of queue {} failed (the sweep retries): {}", queueId, e.toString());
    }
  }

  /** Offers an agent that became IDLE the calls of their queues, longest waiting first. */
  public void dispatchFor(String orgId, String userId) {
    for (String queueId : calls.queuesWithCallsFor(orgId, userId)) dispatch(orgId, queueId);
  }

  /** One assignment (or the removal of calls whose customer left); false when nothing was done. */
  private boolean assignOne(String orgId, String queueId) {
    return jdbi.inTransaction(h -> {
      boolean queueExists =
          h.createQuery("select id from routing_queues where id = :q and org_id = :org for update")
              .bind("q", queueId)
              .bind("org", orgId)
              .mapTo(String.class)
              .findOne()
              .isPresent();
      if (!queueExists) return false;
      Optional<CallStore.QueuedCall> next = calls.oldest(h, queueId);
      if (next.isEmpty()) return false;
      CallStore.QueuedCall call = next.get();
      Instant now = clock.instant();
      Optional<Conversation> locked = conversations.lock(h, orgId, call.conversationId());
      if (locked.isEmpty() || !customerOnCall(locked.get())) {
        // The customer hung up while waiting: the call leaves the queue unanswered.
        calls.dequeue(h, call.conversationId());
        if (call.executionId() != null)
          calls.result(
              h,
              call.conversationId(),
              call.executionId(),
              ABANDONED,
              null,
              null,
              null,
              null,
              QueuedCallLeaves.DETAIL,
              now);
        return true;
      }
      for (String candidate : statuses.idleMembers(h, orgId, queueId, CANDIDATES)) {
        Optional<User> user = users.find(orgId, candidate);
        if (user.isEmpty() || !statuses.claim(h, candidate, now)) continue;
        // Read the clock again: the claim may have waited for the agent's row (their wrap-up
        // committing), and the connection must not be stamped before the previous call's end.
        connect(h, locked.get(), call, user.get(), clock.instant());
        return true;
      }
      return false;
    });
  }

  private static boolean customerOnCall(Conversation c) {
    return c.participants().stream()
        .anyMatch(p -> p.purpose().equals(Participant.CUSTOMER) && p.state().isLive());
  }

  /** In the assignment's transaction: the agent joins the call, the screen pop starts. */
  private void connect(
      Handle h, Conversation c, CallStore.QueuedCall call, User agent, Instant now) {
    if (!calls.dequeue(h, c.id()))
      throw new IllegalStateException("queued call " + c.id() + " left its queue under its lock");
    JsonNode pop = call.screenPop() == null ? null : json.readTree(call.screenPop());
    // The flow's participant data (setParticipantData) goes with the agent's participant, so the
    // agent's desktop reads it from the conversation.
    // Bounded as a call's own attributes are (50 names of at most 200 characters, values of at most
    // 2,000); what is beyond is left out, not a reason to refuse the call.
    var attributes = new java.util.LinkedHashMap<String, String>();
    if (pop != null && pop.path("participantData").isObject())
      for (var e : pop.get("participantData").properties()) {
        if (attributes.size() >= ConversationService.MAX_ATTRIBUTES) break;
        String value = e.getValue().asString();
        if (!e.getKey().isBlank() && e.getKey().length() <= 200)
          attributes.put(e.getKey(), value.length() > 2000 ? value.substring(0, 2000) : value);
      }
    conversations.addParticipant(
        h,
        c.orgId(),
        new Participant(
            UUID.randomUUID().toString(),
            c.id(),
            c.participants().size(),
            Participant.AGENT,
            agent.id(),
            agent.name(),
            c.to(),
            agentAnswers ? CallState.ALERTING : CallState.CONNECTED,
            UUID.randomUUID().toString(),
            attributes,
            now,
            agentAnswers ? null : now,
            null,
            null,
            call.queueId()));
    // The agent's call and status, announced once this assignment commits.
    conversations
        .lock(h, c.orgId(), c.id())
        .ifPresent(connected -> {
          events.changed(h, connected);
          queueChanged(call.queueId(), connected);
        });
    notifier.publish(
        c.orgId(),
        io.switchboard.server.notifications.Topics.routingStatus(agent.id()),
        new AgentStatus(agent.id(), AgentStatus.INTERACTING, now));
    String sessionId = null;
    String detail = null;
    if (pop != null && pop.hasNonNull("scriptId")) {
      String scriptId = pop.get("scriptId").asString();
      JsonNode inputs = pop.get("inputs");
      try {
        Popped popped = screenPop(c, agent, scriptId, inputs);
        sessionId = popped.sessionId();
        detail = popped.detail();
      } catch (Problem p) {
        detail = "screen pop of script " + scriptId + " not started: " + p.getMessage();
        log.warn("conversation {}: {}", c.id(), detail);
      }
    }
    if (call.executionId() != null)
      calls.result(
          h, c.id(), call.executionId(), CONNECTED, null, null, agent.id(), sessionId, detail, now);
  }

  /**
   * Starts the agent's session with the flow's inputs. Inputs that are not variables of the
   * script's published version (or not of their type) would refuse the whole session: then it
   * starts without them, and the call's record says so.
   */
  private record Popped(String sessionId, String detail) {}

  private Popped screenPop(Conversation c, User agent, String scriptId, JsonNode inputs) {
    try {
      Session s =
          sessions.create(
              c.orgId(), new SessionService.NewSession(scriptId, c.id(), agent.id(), inputs));
      return new Popped(s.id(), null);
    } catch (Problem p) {
      if (!"invalid.value".equals(p.code()) || inputs == null || inputs.isEmpty()) throw p;
      Session s =
          sessions.create(
              c.orgId(), new SessionService.NewSession(scriptId, c.id(), agent.id(), null));
      log.warn("conversation {}: screen-pop inputs refused: {}", c.id(), p.getMessage());
      return new Popped(s.id(), "screen pop started without its inputs: " + p.getMessage());
    }
  }

  private void drainSignals() {
    while (open) {
      try {
        AcdSignals.Idle idle = signals.next(500);
        if (idle != null) dispatchFor(idle.orgId(), idle.userId());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("routing an idle agent failed (the sweep retries): {}", e.getMessage());
      }
    }
  }

  private void sweep() {
    try {
      for (String[] q : calls.queuesWithCalls()) {
        if (!open) return;
        dispatch(q[0], q[1]);
      }
    } catch (RuntimeException e) {
      log.warn("routing sweep failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    open = false;
    sweeper.shutdownNow();
    worker.shutdownNow();
  }
}

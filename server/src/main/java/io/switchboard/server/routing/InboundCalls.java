package io.switchboard.server.routing;

import io.switchboard.server.conversations.Conversation;
import io.switchboard.server.conversations.ConversationService;
import io.switchboard.server.conversations.InboundCallRouter;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.FlowExecution;
import io.switchboard.server.flows.FlowExecutions;
import io.switchboard.server.flows.FlowService;
import io.switchboard.server.flows.runtime.FlowRuntime;
import io.switchboard.server.flows.runtime.Trace;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls arriving on an IVR's number: the conversation (customer connected) and the RUNNING
 * execution of the IVR's published flow commit together; the flow starts after the commit, and the
 * caller is answered at once. When the flow ends, its {@code transferToAcd} queues the call (with
 * its pending screen pop); any other end (disconnect, an unknown queue, a crash) disconnects the
 * customer. Each execution's routing result is kept for {@code /conversations/{id}/flowexecutions}.
 */
public final class InboundCalls implements InboundCallRouter {
  private static final Logger log = LoggerFactory.getLogger(InboundCalls.class);

  public static final String DISCONNECTED = "disconnected";
  public static final String UNKNOWN_QUEUE = "unknownQueue";
  public static final String FAILED = "failed";

  private final Jdbi jdbi;
  private final IvrStore ivrs;
  private final CallStore calls;
  private final QueueStore queues;
  private final ConversationService conversations;
  private final FlowService flows;
  private final FlowExecutions executions;
  private final Acd acd;
  private final Clock clock;

  public InboundCalls(
      Jdbi jdbi,
      IvrStore ivrs,
      CallStore calls,
      QueueStore queues,
      ConversationService conversations,
      FlowService flows,
      FlowExecutions executions,
      Acd acd,
      Clock clock) {
    this.jdbi = jdbi;
    this.ivrs = ivrs;
    this.calls = calls;
    this.queues = queues;
    this.conversations = conversations;
    this.flows = flows;
    this.executions = executions;
    this.acd = acd;
    this.clock = clock;
  }

  /**
   * A number no IVR of the org claims is not routed (a plain call, as before IVRs existed). An IVR
   * whose flow has no published version refuses the call: 409 {@code ivr.flow.not.published},
   * nothing is created.
   */
  @Override
  public Optional<Conversation> route(String orgId, ConversationService.NewCall call) {
    if (call.to() == null || call.to().isBlank()) return Optional.empty();
    Optional<Ivr> found = ivrs.findByDnis(orgId, call.to().trim());
    if (found.isEmpty()) return Optional.empty();
    Ivr ivr = found.get();
    if (!published(orgId, ivr.flowId())) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "ivr.flow.not.published",
          "The IVR '"
              + ivr.name()
              + "' answering "
              + call.to().trim()
              + " runs flow "
              + ivr.flowId()
              + ", which has no published version; publish it to take calls",
          Map.of("ivrId", ivr.id(), "flowId", ivr.flowId(), "dnis", call.to().trim()));
    }
    return Optional.of(
        jdbi.inTransaction(h -> {
          Conversation c = conversations.createCall(orgId, call);
          ObjectNode inputs = JsonNodeFactory.instance.objectNode();
          inputs.put("Call.Ani", c.from());
          inputs.put("Call.CalledAddress", c.to());
          inputs.put("Call.ConversationId", c.id());
          FlowExecutions.Pending run =
              executions.prepare(
                  orgId, ivr.flowId(), null, inputs, null, (e, r) -> flowEnded(c, ivr, e, r));
          calls.link(h, orgId, c.id(), run.execution().id(), ivr.id(), clock.instant());
          // After the commit (the request's, when an Idempotency-Key wraps it in a larger one).
          h.afterCommit(run::start);
          return c;
        }));
  }

  private boolean published(String orgId, String flowId) {
    try {
      return flows.published(orgId, flowId, null).isPresent();
    } catch (Problem notFound) {
      return false;
    }
  }

  private void flowEnded(Conversation c, Ivr ivr, FlowExecution e, FlowRuntime.Result r) {
    String org = c.orgId();
    if (r == null) {
      end(c, e, FAILED, null, "the flow execution failed");
      return;
    }
    Trace t = r.trace();
    String queueName = t == null ? null : t.transferQueue();
    if (queueName == null) {
      end(c, e, DISCONNECTED, null, "the flow ended without transferToAcd (" + r.reason() + ")");
      return;
    }
    Optional<Queue> queue = queues.findByName(org, queueName);
    if (queue.isEmpty()) {
      end(
          c,
          e,
          UNKNOWN_QUEUE,
          queueName,
          "transferToAcd named queue '"
              + queueName
              + "', which is not a queue of this organization");
      return;
    }
    // What the agent gets with the call: the screen pop and the flow's participant data.
    ObjectNode pop = null;
    if (t.screenPop() != null) {
      pop = JsonNodeFactory.instance.objectNode();
      pop.put("scriptId", t.screenPop().scriptId());
      ObjectNode in = pop.putObject("inputs");
      if (t.screenPop().inputs() != null) t.screenPop().inputs().forEach(in::set);
    }
    if (t.participantData() != null && !t.participantData().isEmpty()) {
      if (pop == null) pop = JsonNodeFactory.instance.objectNode();
      ObjectNode data = pop.putObject("participantData");
      t.participantData().forEach(data::put);
    }
    acd.enqueue(org, c.id(), e.id(), queue.get(), pop);
  }

  /** Records how the call ended and disconnects the customer. */
  private void end(
      Conversation c, FlowExecution e, String result, String queueName, String detail) {
    jdbi.useTransaction(h ->
        calls.result(
            h, c.id(), e.id(), result, null, queueName, null, null, detail, clock.instant()));
    try {
      conversations.disconnect(c.orgId(), c.id());
    } catch (Problem p) {
      log.warn("conversation {}: disconnect after its flow failed: {}", c.id(), p.getMessage());
    }
  }
}

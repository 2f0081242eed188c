package io.switchboard.server.demo;

import io.switchboard.server.Switchboard;
import io.switchboard.server.routing.AgentStatus;
import io.switchboard.server.routing.Ivr;
import io.switchboard.server.routing.IvrService;
import io.switchboard.server.routing.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The demo's routing: per org, queues {@code Support} and {@code General} with the demo agents as
 * members and IDLE, and (once the demo flow is published) an IVR on a DNIS that runs it. Everything
 * is looked up first, so a restart finds it again.
 */
public final class DemoRouting {
  public static final List<String> QUEUE_NAMES = List.of("Support", "General");
  public static final String IVR_NAME = "Demo IVR";

  private final Switchboard.Routing routing;

  public DemoRouting(Switchboard.Routing routing) {
    this.routing = routing;
  }

  /**
   * The demo queues (created when missing) with {@code agentIds} as members, the agents IDLE but
   * {@code busy} ones INTERACTING (on a call the demo placed itself, outside the ACD).
   */
  public List<DemoContent.Named> ensureQueues(
      String orgId, List<String> agentIds, Set<String> busy) {
    var out = new ArrayList<DemoContent.Named>();
    for (String name : QUEUE_NAMES) {
      Queue q =
          routing
              .queues()
              .findByName(orgId, name)
              .orElseGet(() -> routing.queues().create(orgId, name, "Demo queue"));
      routing.queues().changeMembers(orgId, q.id(), agentIds, false);
      out.add(new DemoContent.Named(q.name(), q.id()));
    }
    for (String agent : agentIds)
      routing
          .acd()
          .setStatus(
              orgId, agent, busy.contains(agent) ? AgentStatus.INTERACTING : AgentStatus.IDLE);
    return out;
  }

  /**
   * The demo IVR answering {@code dnis} with the INBOUNDCALL flow {@code flowId}: created, or the
   * one already on that number pointed at the flow. Call it once the flow is published.
   */
  public Ivr installIvr(String orgId, String flowId, String dnis) {
    var input =
        new IvrService.Input(
            IVR_NAME, "Demo calls", List.of(dnis), new IvrService.FlowRef(flowId), null);
    var existing = routing.ivrs().findByDnis(orgId, dnis);
    if (existing.isEmpty()) return routing.ivrs().create(orgId, input);
    Ivr ivr = existing.get();
    if (ivr.flowId().equals(flowId)) return ivr;
    return routing
        .ivrs()
        .update(
            orgId,
            ivr.id(),
            new IvrService.Input(
                ivr.name(), ivr.description(), ivr.dnis(), new IvrService.FlowRef(flowId), null));
  }
}

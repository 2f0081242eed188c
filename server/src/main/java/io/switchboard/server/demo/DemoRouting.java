package io.switchboard.server.demo;

import io.switchboard.server.Switchboard;
import io.switchboard.server.routing.AgentStatus;
import io.switchboard.server.routing.Ivr;
import io.switchboard.server.routing.IvrService;
import io.switchboard.server.routing.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's routing: per org, queues {@code Support} and {@code General} with the demo agents as
 * members and IDLE, and (once the demo flows are published) the IVRs {@code Demo IVR} on {@value
 * #DNIS} and {@code Demo IVR (naive)} on {@value #NAIVE_DNIS} that run them. Everything is looked
 * up first, so a restart finds it again.
 */
public final class DemoRouting {
  public static final List<String> QUEUE_NAMES = List.of("Support", "General");
  public static final String IVR_NAME = "Demo IVR";
  public static final String NAIVE_IVR_NAME = "Demo IVR (naive)";

  /** The number calls into the resilient demo flow are placed on. */
  public static final String DNIS = "+18005550100";

  /** The number calls into the naive demo flow are placed on. */
  public static final String NAIVE_DNIS = "+18005550199";

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
   * The demo queues, created when missing, members left as they are: what the demo flows name, for
   * an org set up without the demo agents (the local burst's).
   */
  public void ensureQueueNames(String orgId) {
    for (String name : QUEUE_NAMES)
      if (routing.queues().findByName(orgId, name).isEmpty())
        routing.queues().create(orgId, name, "Demo queue");
  }

  /**
   * The IVR {@code name} answering {@code dnis} with the INBOUNDCALL flow {@code flowId}: the one
   * already on that number (else the one of that name) pointed at the flow and the number, or a new
   * one. Call it once the flow is published; a restart finds it again.
   */
  public Ivr installIvr(String orgId, String name, String flowId, String dnis) {
    Optional<Ivr> existing = routing.ivrs().findByDnis(orgId, dnis);
    if (existing.isEmpty())
      existing =
          routing.ivrs().list(orgId, name, null, true, 0, 100).stream()
              .filter(i -> i.name().equals(name))
              .findFirst();
    if (existing.isEmpty())
      return routing
          .ivrs()
          .create(
              orgId,
              new IvrService.Input(
                  name,
                  "Demo calls into the flow",
                  List.of(dnis),
                  new IvrService.FlowRef(flowId),
                  null));
    Ivr ivr = existing.get();
    if (ivr.flowId().equals(flowId) && ivr.dnis().contains(dnis)) return ivr;
    var numbers = new ArrayList<>(ivr.dnis());
    if (!numbers.contains(dnis)) numbers.add(dnis);
    return routing
        .ivrs()
        .update(
            orgId,
            ivr.id(),
            new IvrService.Input(
                ivr.name(), ivr.description(), numbers, new IvrService.FlowRef(flowId), null));
  }
}

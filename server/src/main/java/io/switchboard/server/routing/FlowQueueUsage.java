package io.switchboard.server.routing;

import io.switchboard.server.flows.Flow;
import io.switchboard.server.flows.FlowService;
import io.switchboard.server.flows.FlowStore;
import io.switchboard.server.flows.definition.FlowDefinition;
import io.switchboard.server.flows.definition.FlowDefinition.Action;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which published flow uses a queue: the current published version of any of the org's flows whose
 * {@code transferToAcd} (error handling included) names the queue as a literal. A name computed by
 * an expression is not known before run time and does not count.
 */
public final class FlowQueueUsage {
  private static final int PAGE = 200;

  private final FlowService flows;

  public FlowQueueUsage(FlowService flows) {
    this.flows = flows;
  }

  /** The first flow (by name) whose published version names {@code queueName}. */
  public Optional<Flow> publishedFlowUsing(String orgId, String queueName) {
    String wanted = queueName.toLowerCase(Locale.ROOT);
    var filter = new FlowStore.Filter(null, Set.of());
    for (int offset = 0; ; offset += PAGE) {
      List<Flow> page = flows.list(orgId, filter, offset, PAGE);
      for (Flow f : page) {
        if (f.publishedVersionId() == null) continue;
        var published = flows.published(orgId, f.id(), null);
        if (published.isPresent() && uses(published.get().definition(), wanted))
          return Optional.of(f);
      }
      if (page.size() < PAGE) return Optional.empty();
    }
  }

  static boolean uses(FlowDefinition d, String lowerName) {
    if (d.errorHandling() != null && uses(List.of(d.errorHandling()), lowerName)) return true;
    for (FlowDefinition.Task t : d.tasks().values()) if (uses(t.actions(), lowerName)) return true;
    return false;
  }

  private static boolean uses(List<Action> actions, String lowerName) {
    for (Action a : actions) {
      boolean hit =
          switch (a) {
            case FlowDefinition.TransferToAcd t ->
                t.queue() instanceof FlowDefinition.Literal l
                    && l.value() instanceof String s
                    && s.toLowerCase(Locale.ROOT).equals(lowerName);
            case FlowDefinition.CallData c ->
                uses(c.success(), lowerName)
                    || uses(c.failure(), lowerName)
                    || uses(c.timeout(), lowerName);
            case FlowDefinition.Decision dec ->
                uses(dec.yes(), lowerName) || uses(dec.no(), lowerName);
            case FlowDefinition.Switch sw ->
                uses(sw.otherwise(), lowerName)
                    || sw.cases().stream().anyMatch(c -> uses(c.actions(), lowerName));
            case FlowDefinition.Loop l -> uses(l.body(), lowerName);
            default -> false;
          };
      if (hit) return true;
    }
    return false;
  }
}

package io.switchboard.server.externalapis;

import io.switchboard.server.errors.Problem;
import java.util.List;
import java.util.Map;

/**
 * Which published flows use an external API, an integration data action or an integration's actions
 * as a data action, so deleting one in use is refused (409 {@code flow.reference.in.use}) instead
 * of breaking the flows. Implemented by the flow store; wired in the composition root.
 */
@FunctionalInterface
public interface ExternalApiUsage {
  /** Names of the org's flows whose current published version uses {@code apiId}; empty if none. */
  List<String> flowsUsing(String orgId, String apiId);

  /** The 409 for deleting {@code what} (e.g. "External API x") that {@code flows} use. */
  static Problem inUse(String what, String id, List<String> flows) {
    String names = String.join(", ", flows.subList(0, Math.min(5, flows.size())));
    return new Problem(
        Problem.Kind.CONFLICT,
        "flow.reference.in.use",
        what
            + " is used by the published version of "
            + (flows.size() == 1 ? "flow " : flows.size() + " flows: ")
            + names
            + (flows.size() > 5 ? ", ..." : "")
            + "; publish those flows without it or delete them first",
        Map.of("id", id, "flows", names, "flowCount", flows.size()));
  }
}

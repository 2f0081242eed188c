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

  /**
   * Deletes {@code id} of the org with {@code delete} (false: it was not there: {@code missing})
   * unless a published flow uses it: refused (409 naming the flows) when the flows already do, or
   * when a publish that locked the row first commits its reference meanwhile (the foreign key of
   * {@code flow_references} refuses the delete).
   */
  default void deleteUnlessUsed(
      String orgId,
      String id,
      String what,
      java.util.function.BooleanSupplier delete,
      java.util.function.Supplier<Problem> missing) {
    List<String> flows = flowsUsing(orgId, id);
    if (!flows.isEmpty()) throw inUse(what, id, flows);
    boolean deleted;
    try {
      deleted = delete.getAsBoolean();
    } catch (RuntimeException e) {
      if (io.switchboard.server.storage.SqlErrors.isForeignKeyViolation(e))
        throw inUse(what, id, flowsUsing(orgId, id));
      throw e;
    }
    if (!deleted) throw missing.get();
  }

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

package io.switchboard.server.flows;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExecutionReport;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiEngine;
import io.switchboard.server.externalapis.ExternalApiService;
import io.switchboard.server.flows.definition.FlowCompiler;
import io.switchboard.server.flows.runtime.FlowRuntime;
import io.switchboard.server.integrations.DataAction;
import io.switchboard.server.integrations.DataActionService;
import io.switchboard.server.scripts.PublishedScript;
import io.switchboard.server.scripts.ScriptService;
import io.switchboard.server.scripts.ScriptStore;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a flow definition may name, looked up in the caller's org only (another org's id is
 * "unknown", as a missing one): data actions are external APIs or integration data actions ({@code
 * /api/v2/integrations/actions}) by id or exact name (an id first, then a name; an external API
 * before an integration action); scripts are published scripts by id or exact name
 * (case-insensitive); queues by exact name (case-insensitive). It also finds and runs what it
 * resolved ({@link FlowRuntime.DataActions}): both kinds go through the external-API engine.
 */
public final class FlowReferences implements FlowService.ReferenceLookup, FlowRuntime.DataActions {
  private final ExternalApiService externalApis;
  private final ExternalApiEngine engine;
  private final DataActionService dataActions;
  private final ScriptService scripts;
  private final QueueLookup queues;

  /** An org's queue by name (the routing feature's queues). */
  @FunctionalInterface
  public interface QueueLookup {
    Optional<FlowCompiler.Ref> find(String orgId, String name);
  }

  public FlowReferences(
      ExternalApiService externalApis,
      ExternalApiEngine engine,
      DataActionService dataActions,
      ScriptService scripts,
      QueueLookup queues) {
    this.externalApis = externalApis;
    this.engine = engine;
    this.dataActions = dataActions;
    this.scripts = scripts;
    this.queues = queues;
  }

  /** The external API or integration data action a definition resolved to {@code id}. */
  @Override
  public Resolved find(String orgId, String id) {
    if (DataActionService.isActionId(id)) {
      DataAction a =
          dataActions.findById(orgId, id).orElseThrow(() -> Problem.notFound("Action", id));
      return new Resolved(a.id(), a.version(), null);
    }
    // Every execution of a burst asks at once: they share the read in flight.
    ExternalApi api = externalApis.getShared(orgId, id);
    return new Resolved(api.id(), api.version(), api);
  }

  /** Runs what {@link #find} resolved, on the external-API engine. */
  @Override
  public ExecutionReport run(String orgId, Resolved action, JsonNode inputs, Duration budget) {
    if (action.externalApi() != null) return engine.execute(action.externalApi(), inputs, budget);
    return dataActions.runForFlow(orgId, action.id(), inputs, budget);
  }

  @Override
  public FlowCompiler.References forOrg(String orgId) {
    return new FlowCompiler.References() {
      @Override
      public Optional<FlowCompiler.Ref> dataAction(String idOrName) {
        Optional<ExternalApi> api;
        try {
          api = Optional.of(externalApis.get(orgId, idOrName));
        } catch (Problem notFound) {
          api = Optional.empty();
        }
        if (api.isPresent()) return api.map(a -> new FlowCompiler.Ref(a.id(), a.name()));
        if (DataActionService.isActionId(idOrName)) {
          Optional<DataAction> byId = dataActions.findById(orgId, idOrName);
          if (byId.isPresent()) return byId.map(a -> new FlowCompiler.Ref(a.id(), a.name()));
        }
        api = externalApis.findByName(orgId, idOrName);
        if (api.isPresent()) return api.map(a -> new FlowCompiler.Ref(a.id(), a.name()));
        return dataActions
            .findByIdOrName(orgId, idOrName)
            .map(a -> new FlowCompiler.Ref(a.id(), a.name()));
      }

      @Override
      public Optional<FlowCompiler.Ref> publishedScript(String idOrName) {
        if (scripts.findLatestPublishedVersionId(orgId, idOrName).isPresent())
          return Optional.of(new FlowCompiler.Ref(idOrName, idOrName));
        for (PublishedScript p :
            scripts.listPublished(
                orgId,
                new ScriptStore.ListQuery(idOrName, ScriptStore.SortField.NAME, true, 0, 100))) {
          if (p.name().equalsIgnoreCase(idOrName))
            return Optional.of(new FlowCompiler.Ref(p.scriptId(), p.name()));
        }
        return Optional.empty();
      }

      @Override
      public Optional<FlowCompiler.Ref> queue(String name) {
        return queues.find(orgId, name);
      }
    };
  }
}

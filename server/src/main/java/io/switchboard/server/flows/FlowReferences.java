package io.switchboard.server.flows;

import io.switchboard.server.errors.Problem;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiService;
import io.switchboard.server.flows.definition.FlowCompiler;
import io.switchboard.server.scripts.PublishedScript;
import io.switchboard.server.scripts.ScriptService;
import io.switchboard.server.scripts.ScriptStore;
import java.util.Optional;

/**
 * What a flow definition may name, looked up in the caller's org only (another org's id is
 * "unknown", as a missing one): data actions are external APIs by id or exact name; scripts are
 * published scripts by id or exact name (case-insensitive); queues by exact name
 * (case-insensitive).
 */
public final class FlowReferences implements FlowService.ReferenceLookup {
  private final ExternalApiService externalApis;
  private final ScriptService scripts;
  private final QueueLookup queues;

  /** An org's queue by name (the routing feature's queues). */
  @FunctionalInterface
  public interface QueueLookup {
    Optional<FlowCompiler.Ref> find(String orgId, String name);
  }

  /** Without queues: any queue name is accepted. */
  public FlowReferences(ExternalApiService externalApis, ScriptService scripts) {
    this(externalApis, scripts, (org, name) -> Optional.of(new FlowCompiler.Ref(name, name)));
  }

  public FlowReferences(
      ExternalApiService externalApis, ScriptService scripts, QueueLookup queues) {
    this.externalApis = externalApis;
    this.scripts = scripts;
    this.queues = queues;
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
          api = externalApis.findByName(orgId, idOrName);
        }
        return api.map(a -> new FlowCompiler.Ref(a.id(), a.name()));
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

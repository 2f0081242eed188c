package io.switchboard.server.flows;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.flows.definition.Expressions;
import io.switchboard.server.flows.definition.FlowCompiler;
import io.switchboard.server.flows.definition.FlowDefinition;
import io.switchboard.server.flows.definition.SourceNode;
import io.switchboard.server.flows.definition.SourceReader;
import io.switchboard.server.notifications.ClusterSignals;
import io.switchboard.server.notifications.SignalledCache;
import io.switchboard.server.storage.SqlErrors;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Flows: CRUD, saving definitions as immutable versions, and publishing (which checks the whole
 * definition against the org's data actions and published scripts and answers every problem at
 * once).
 */
public final class FlowService {
  /** The flow types Switchboard runs and stores. */
  public static final Set<String> TYPES = Set.of("INBOUNDCALL", "WORKFLOW");

  /**
   * Every flow type Genesys names (the {@code type} filter of {@code GET /api/v2/flows}, the SDK's
   * {@code Flow.TypeEnum}), {@link #TYPES} among them: a listing filtered by one we have none of is
   * empty, not refused.
   */
  public static final Set<String> GENESYS_TYPES =
      Set.of(
          "BOT",
          "COMMONMODULE",
          "DIGITALBOT",
          "INBOUNDCALL",
          "INBOUNDCHAT",
          "INBOUNDEMAIL",
          "INBOUNDSHORTMESSAGE",
          "INQUEUECALL",
          "INQUEUEEMAIL",
          "INQUEUESHORTMESSAGE",
          "OUTBOUNDCALL",
          "SECURECALL",
          "SPEECH",
          "SURVEYINVITE",
          "VOICE",
          "VOICEMAIL",
          "VOICESURVEY",
          "WORKFLOW",
          "WORKITEM");

  private static final int CACHE_LIMIT = 1000;

  /** At most this many dependents are named in a refused delete. */
  static final int NAMED_DEPENDENTS = 10;

  private final FlowStore store;
  private final ReferenceLookup lookup;
  private final Dependents dependents;
  private final Expressions expressions;
  private final Clock clock;
  private final long maxDefinitionBytes;

  /**
   * Published versions with their compiled definitions, by org and version id: a published version
   * never changes (and never becomes unpublished), so a launch reads only the flow's row.
   */
  private final com.github.benmanes.caffeine.cache.Cache<String, PublishedVersion>
      publishedVersions =
          com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(CACHE_LIMIT).build();

  private record PublishedVersion(FlowVersion version, FlowDefinition definition) {}

  /**
   * Finds what a definition names in the caller's org; the flows feature's view of external APIs
   * and scripts.
   */
  public interface ReferenceLookup {
    FlowCompiler.References forOrg(String orgId);
  }

  /**
   * The names of what runs a flow and would be left without it: the org's IVRs whose flow it is
   * (the routing feature's IVRs), read in the deleting transaction {@code h}.
   */
  @FunctionalInterface
  public interface Dependents {
    List<String> ivrsUsing(org.jdbi.v3.core.Handle h, String orgId, String flowId);
  }

  public FlowService(
      FlowStore store,
      ReferenceLookup lookup,
      Dependents dependents,
      Expressions expressions,
      Clock clock,
      long maxDefinitionBytes,
      ClusterSignals signals,
      java.time.Duration refresh) {
    this.launchable =
        new SignalledCache<>(
            CHANGED_TOPIC,
            signals,
            refresh,
            LAUNCHABLE_LIMIT,
            SignalledCache.byOrgAndId(store::find),
            null);
    this.store = store;
    this.lookup = lookup;
    this.dependents = dependents;
    this.expressions = expressions;
    this.clock = clock;
    this.maxDefinitionBytes = maxDefinitionBytes;
  }

  public long maxDefinitionBytes() {
    return maxDefinitionBytes;
  }

  public Flow create(String orgId, FlowInput in) {
    String type = type(in.type());
    Instant now = clock.instant();
    var f =
        new Flow(
            UUID.randomUUID().toString(),
            orgId,
            Checks.requiredText("name", in.name(), 200),
            description(in.description()),
            type,
            null,
            null,
            1,
            now,
            now);
    try {
      store.insert(f);
    } catch (RuntimeException e) {
      if (SqlErrors.isUniqueViolation(e)) throw duplicate(f);
      throw e;
    }
    return f;
  }

  public Flow get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Flow", id));
  }

  public List<Flow> list(String orgId, FlowStore.Filter filter, int offset, int limit) {
    return store.list(orgId, filter, offset, limit);
  }

  public long count(String orgId, FlowStore.Filter filter) {
    return store.count(orgId, filter);
  }

  /** Name and description; the type of a flow cannot change. */
  public Flow update(String orgId, String id, FlowInput in) {
    for (int attempt = 0; ; attempt++) {
      Flow current = get(orgId, id);
      if (in.type() != null && !in.type().equals(current.type()))
        throw Problem.invalid("type", "a flow's type cannot change (it is " + current.type() + ")");
      var next =
          new Flow(
              id,
              orgId,
              Checks.requiredText("name", in.name(), 200),
              description(in.description()),
              current.type(),
              current.savedVersionId(),
              current.publishedVersionId(),
              current.version() + 1,
              current.createdAt(),
              clock.instant());
      try {
        if (store.update(next, current.version())) {
          launchable.changed(SignalledCache.key(orgId, id));
          return next;
        }
      } catch (RuntimeException e) {
        if (SqlErrors.isUniqueViolation(e)) throw duplicate(next);
        throw e;
      }
      if (attempt >= 5) throw Problem.versionMismatch(get(orgId, id).version(), current.version());
    }
  }

  /**
   * Deletes the flow, unless an IVR runs it: as Architect refuses to delete a flow that is in use,
   * a 409 names the IVRs to point elsewhere first (left alone, their calls would find no flow).
   */
  public void delete(String orgId, String id) {
    FlowStore.Deletion deletion = store.delete(orgId, id, dependents);
    if (deletion.name() == null) throw Problem.notFound("Flow", id);
    List<String> ivrs = deletion.usedBy();
    if (!ivrs.isEmpty()) {
      // Named up to a bound, counted in full: an org may run one flow on many IVRs.
      List<String> named = ivrs.subList(0, Math.min(ivrs.size(), NAMED_DEPENDENTS));
      throw new Problem(
          Problem.Kind.CONFLICT,
          "flow.in.use",
          "Flow '"
              + deletion.name()
              + "' is the flow of "
              + (ivrs.size() == 1 ? "the IVR '" : ivrs.size() + " IVRs ('")
              + String.join("', '", named)
              + (ivrs.size() > named.size() ? "', ..." : "'")
              + (ivrs.size() == 1 ? "" : ")")
              + "; give "
              + (ivrs.size() == 1 ? "it" : "them")
              + " another flow before deleting this one",
          Map.of("flowId", id, "ivrs", named, "ivrCount", ivrs.size()));
    }
    launchable.changed(SignalledCache.key(orgId, id));
  }

  /**
   * Saves {@code source} as the flow's new draft version. It must be well-formed YAML or JSON
   * within the size and nesting bounds; whether it is a correct flow is decided at publish, as
   * Architect does for drafts.
   */
  public FlowVersion saveConfiguration(
      String orgId, String flowId, byte[] source, SourceReader.Format format) {
    if (source.length > maxDefinitionBytes) {
      throw new Problem(
          Problem.Kind.TOO_LARGE,
          "request.entity.too.large",
          "The flow definition exceeds the limit of " + maxDefinitionBytes + " bytes",
          Map.of("limitBytes", maxDefinitionBytes));
    }
    // The body is judged before the flow is looked up: a null or a list is a bad request whatever
    // the id.
    if (!(SourceReader.read(source, format) instanceof SourceNode.Mapping)) {
      throw new Problem(
          Problem.Kind.BAD_REQUEST,
          "flow.definition.malformed",
          "A flow definition is a mapping with one top-level key (inboundCall or workflow)",
          Map.of("line", 1, "column", 1));
    }
    get(orgId, flowId);
    String text = new String(source, StandardCharsets.UTF_8);
    return store
        .saveVersion(
            orgId,
            flowId,
            UUID.randomUUID().toString(),
            format.name().toLowerCase(Locale.ROOT),
            text,
            clock.instant())
        .orElseThrow(() -> Problem.notFound("Flow", flowId));
  }

  /** The flow's latest saved version; 404 when nothing was saved yet. */
  public FlowVersion latestConfiguration(String orgId, String flowId) {
    Flow f = get(orgId, flowId);
    if (f.savedVersionId() == null)
      throw new Problem(
          Problem.Kind.NOT_FOUND,
          "flow.configuration.not.found",
          "Flow " + flowId + " has no saved configuration yet",
          Map.of("id", flowId));
    return version(orgId, f, f.savedVersionId());
  }

  public FlowVersion version(String orgId, String flowId, String versionId) {
    return version(orgId, get(orgId, flowId), versionId);
  }

  private FlowVersion version(String orgId, Flow f, String versionId) {
    return store
        .version(orgId, versionId)
        .filter(v -> v.flowId().equals(f.id()))
        .orElseThrow(() -> Problem.notFound("Flow version", versionId));
  }

  public List<FlowVersion> versions(String orgId, String flowId, int offset, int limit) {
    get(orgId, flowId);
    return store.versions(flowId, offset, limit);
  }

  public long countVersions(String orgId, String flowId) {
    return store.countVersions(flowId);
  }

  /**
   * Checks the flow's saved version and publishes it. Every problem is answered at once: a 400
   * {@code flow.invalid} whose {@code errors} each name the path, line and column.
   */
  public Flow publish(String orgId, String flowId) {
    return publish(orgId, flowId, null);
  }

  /**
   * Publishes version {@code versionId} of the flow (Genesys's {@code ?version=}), or its saved
   * configuration when null. Naming a version publishes exactly that one or nothing: an older
   * version goes back into service (a rollback); a version of another flow, or none, is 404.
   */
  public Flow publish(String orgId, String flowId, String versionId) {
    if (flowId == null || flowId.isBlank())
      throw Problem.invalid("flow", "the flow id is required (?flow=...)");
    Flow f = get(orgId, flowId);
    boolean saved = versionId == null;
    if (saved && f.savedVersionId() == null)
      throw new Problem(
          Problem.Kind.INVALID,
          "flow.configuration.missing",
          "Flow "
              + flowId
              + " has no saved configuration to publish; PUT .../latestconfiguration first",
          Map.of("id", flowId));
    FlowVersion v = version(orgId, f, saved ? f.savedVersionId() : versionId);
    FlowCompiler.Result result = compile(orgId, f.type(), v);
    if (!result.ok()) {
      var errors = new ArrayList<Problem>();
      for (FlowCompiler.FlowError e : result.errors()) {
        errors.add(
            new Problem(
                Problem.Kind.INVALID,
                "flow.definition.invalid",
                "line "
                    + e.line()
                    + ", column "
                    + e.column()
                    + " ("
                    + e.path()
                    + "): "
                    + e.message(),
                Map.of("path", e.path(), "line", e.line(), "column", e.column())));
      }
      throw new Problem(
          Problem.Kind.INVALID,
          "flow.invalid",
          "The flow cannot be published: "
              + errors.size()
              + (errors.size() == 1 ? " problem" : " problems")
              + " (see errors)",
          Map.of("flowId", flowId, "versionId", v.id(), "errorCount", errors.size()),
          errors);
    }
    boolean published;
    try {
      published =
          store.publish(
              orgId, flowId, v.id(), saved, clock.instant(), references(result.definition()));
    } catch (RuntimeException e) {
      // A data action or script was deleted between the check above and this write: the foreign
      // keys of flow_references refused it, and publishing again names what is missing.
      if (SqlErrors.isForeignKeyViolation(e)) throw FlowStore.referenceGone();
      throw e;
    }
    launchable.changed(SignalledCache.key(orgId, flowId));
    if (!published) {
      throw Problem.conflict(
          "flow.changed",
          "Flow " + flowId + " changed while it was being published; publish again");
    }
    return get(orgId, flowId);
  }

  /** The data actions and scripts a definition names, anywhere in its tasks. */
  static FlowStore.References references(FlowDefinition d) {
    var apis = new java.util.TreeSet<String>();
    var scripts = new java.util.TreeSet<String>();
    var actions = new java.util.TreeSet<String>();
    var pending = new java.util.ArrayDeque<FlowDefinition.Action>();
    d.tasks().values().forEach(t -> pending.addAll(t.actions()));
    if (d.errorHandling() != null) pending.add(d.errorHandling());
    while (!pending.isEmpty()) {
      FlowDefinition.Action a = pending.pop();
      if (a instanceof FlowDefinition.CallData c) {
        // Integration data actions (V22) and external APIs (V14) have keys of their own.
        if (c.dataActionId() != null) {
          if (io.switchboard.server.integrations.DataActionService.isActionId(c.dataActionId()))
            actions.add(c.dataActionId());
          else apis.add(c.dataActionId());
        }
        pending.addAll(c.success());
        pending.addAll(c.failure());
        pending.addAll(c.timeout());
      } else if (a instanceof FlowDefinition.SetScreenPop p) {
        if (p.scriptId() != null) scripts.add(p.scriptId());
      } else if (a instanceof FlowDefinition.Decision x) {
        pending.addAll(x.yes());
        pending.addAll(x.no());
      } else if (a instanceof FlowDefinition.Switch x) {
        x.cases().forEach(c -> pending.addAll(c.actions()));
        pending.addAll(x.otherwise());
      } else if (a instanceof FlowDefinition.Loop x) {
        pending.addAll(x.body());
      }
    }
    return new FlowStore.References(apis, scripts, actions);
  }

  /** The signal topic of a changed, published or deleted flow (key: org id/flow id). */
  static final String CHANGED_TOPIC = "flows.changed";

  static final int LAUNCHABLE_LIMIT = 100_000;

  /**
   * Flows as launches see them (name, type, published version), by org id/flow id: every launch of
   * a burst needs its flow, and 2,000 launches must not each read it (issue 11: the reads were a
   * fifth of the CPU of a burst on H2).
   */
  private final SignalledCache<Optional<Flow>> launchable;

  /** The runnable definition of a published version of the org. */
  public Optional<Published> published(String orgId, String flowId, String versionId) {
    Flow f =
        launchable
            .get(SignalledCache.key(orgId, flowId))
            .orElseThrow(() -> Problem.notFound("Flow", flowId));
    String id = versionId != null ? versionId : f.publishedVersionId();
    if (id == null) return Optional.empty();
    // Loaded once per version (concurrent launches share one load); not cached when missing.
    PublishedVersion p = publishedVersions.get(orgId + "/" + id, k -> load(orgId, f.type(), id));
    if (p == null || !p.version().flowId().equals(flowId)) return Optional.empty();
    return Optional.of(new Published(f, p.version(), p.definition()));
  }

  private PublishedVersion load(String orgId, String type, String versionId) {
    FlowVersion v = store.version(orgId, versionId).filter(FlowVersion::published).orElse(null);
    if (v == null) return null;
    // A published version was valid when published; a data action deleted since then only makes
    // that callData take its failure output at run time, so the definition is still runnable.
    FlowCompiler.Result r = compile(orgId, type, v);
    if (r.definition() == null || r.definition().startTask() == null) return null;
    return new PublishedVersion(v, r.definition());
  }

  public record Published(Flow flow, FlowVersion version, FlowDefinition definition) {}

  private FlowCompiler.Result compile(String orgId, String type, FlowVersion v) {
    SourceNode root =
        SourceReader.read(
            v.source().getBytes(StandardCharsets.UTF_8),
            v.format().equals("json") ? SourceReader.Format.JSON : SourceReader.Format.YAML);
    return FlowCompiler.compile(root, type, lookup.forOrg(orgId), expressions);
  }

  private static String type(String type) {
    if (type == null || !TYPES.contains(type)) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "type must be INBOUNDCALL or WORKFLOW" + (type == null ? "" : ", got '" + type + "'"),
          Map.of("field", "type", "allowed", "INBOUNDCALL,WORKFLOW"));
    }
    return type;
  }

  private static String description(String d) {
    if (d != null && d.length() > 1000)
      throw Problem.invalid("description", "must be at most 1000 characters");
    return d;
  }

  private static Problem duplicate(Flow f) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "flow.name.exists",
        "A " + f.type() + " flow named '" + f.name() + "' already exists",
        Map.of("name", f.name()));
  }
}

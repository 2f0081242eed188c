package io.switchboard.server.scripts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.notifications.ClusterSignals;
import io.switchboard.server.notifications.SignalledCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Scripts: create, read, replace with a version, delete, and publish an immutable version.
 * Published versions never change, so they are cached by version id. Which version of a script is
 * the one served (its latest, unless deleted) is cached too, by script id, and dropped on every
 * node when a publish or a delete commits ({@link ClusterSignals}): the hot read of a published
 * script costs no query.
 */
public final class ScriptService {
  /**
   * Enough for every published script a busy org serves; beyond it the least used versions make
   * room.
   */
  static final int CACHE_LIMIT = 2_000;

  /** The signal topic of a change of which version of a script is served. */
  static final String SERVED_TOPIC = "scripts.published";

  /** Scripts whose served version is remembered; beyond it the least used make room. */
  static final int SERVED_LIMIT = 100_000;

  /**
   * How old a remembered served version may get before it is read again (in the background, the old
   * answer meanwhile), and when an unused one is forgotten: the bound for a change whose signal was
   * lost between nodes (signals are at most once).
   */
  static final Duration SERVED_REFRESH = Duration.ofSeconds(5);

  private final ScriptStore store;
  private final Clock clock;

  /**
   * The version each script serves, by script id, with its org (another org's id is a 404); a
   * script with none is remembered as such, so a flood of reads of an unpublished id costs no
   * queries either.
   */
  private record Served(String orgId, String versionId) {
    static final Served NONE = new Served(null, null);
  }

  private final SignalledCache<Served> served;

  /** Published versions by version id. Concurrent first reads of one version load it once. */
  private final Cache<String, PublishedScript> published =
      Caffeine.newBuilder().maximumSize(CACHE_LIMIT).build();

  /**
   * Names of the org's flows whose published version shows a script ({@code setScreenPop}); a
   * script they use cannot be deleted.
   */
  @FunctionalInterface
  public interface Usage {
    List<String> flowsUsing(String orgId, String scriptId);
  }

  private final Usage usage;

  public ScriptService(ScriptStore store, Clock clock) {
    this(store, clock, (org, id) -> List.of(), ClusterSignals.local(), SERVED_REFRESH);
  }

  /**
   * {@code servedRefresh}: how old a remembered served version may get before it is read again (in
   * the background, the old answer meanwhile; an unused one is forgotten after twelve times that):
   * the bound for a change whose signal was lost between nodes (signals are at most once).
   */
  public ScriptService(
      ScriptStore store, Clock clock, Usage usage, ClusterSignals signals, Duration servedRefresh) {
    this.usage = usage;
    this.store = store;
    this.clock = clock;
    this.served =
        new SignalledCache<>(
            SERVED_TOPIC,
            signals,
            servedRefresh,
            SERVED_LIMIT,
            scriptId ->
                store
                    .latestPublished(scriptId)
                    .map(l -> new Served(l.orgId(), l.versionId()))
                    .orElse(Served.NONE),
            null);
  }

  public Script create(String orgId, ScriptRequest request) {
    String name = ScriptValidator.name(request.name());
    ScriptDocument doc = ScriptValidator.document(request);
    Instant now = clock.instant();
    var script =
        new Script(
            UUID.randomUUID().toString(),
            orgId,
            name,
            1,
            UUID.randomUUID().toString(),
            now,
            now,
            null,
            doc);
    store.insert(script);
    return script;
  }

  public Script get(String orgId, String id) {
    return store.find(orgId, id).orElseThrow(() -> Problem.notFound("Script", id));
  }

  /**
   * What names the draft's current content (see {@link ScriptStore.Head}); 404 like {@link #get}.
   */
  public ScriptStore.Head head(String orgId, String id) {
    return store.findHead(orgId, id).orElseThrow(() -> Problem.notFound("Script", id));
  }

  /** The editable script, if it is the org's: for references from other features. */
  public Optional<Script> findDraft(String orgId, String id) {
    return id == null ? Optional.empty() : store.find(orgId, id);
  }

  public Optional<Script> findByName(String orgId, String name) {
    return store.findByName(orgId, name);
  }

  /** Replaces the script's content; the version is required and must be the current one. */
  public Script replace(
      String orgId, String id, ScriptRequest request, OptionalLong expectedVersion) {
    String name = ScriptValidator.name(request.name());
    ScriptDocument doc = ScriptValidator.document(request);
    if (expectedVersion.isEmpty()) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "version: is required to replace a script (or send If-Match)",
          Map.of("field", "version"));
    }
    long expected = expectedVersion.getAsLong();
    if (!store.replace(
        orgId, id, expected, name, UUID.randomUUID().toString(), clock.instant(), doc)) {
      Script current = get(orgId, id);
      throw Problem.versionMismatch(current.version(), expected);
    }
    return get(orgId, id);
  }

  /**
   * Deletes the script unless the published version of a flow uses it (409 {@code
   * flow.reference.in.use}, decided by the foreign key of {@code flow_references} when a publish
   * races with it).
   */
  public void delete(String orgId, String id) {
    List<String> flows = usage.flowsUsing(orgId, id);
    if (!flows.isEmpty()) throw inUse(id, flows);
    try {
      if (!store.delete(orgId, id)) throw Problem.notFound("Script", id);
      served.changed(id);
    } catch (RuntimeException e) {
      if (io.switchboard.server.storage.SqlErrors.isForeignKeyViolation(e))
        throw inUse(id, usage.flowsUsing(orgId, id));
      throw e;
    }
  }

  public List<Script> list(String orgId, ScriptStore.ListQuery q) {
    return store.list(orgId, q);
  }

  public long count(String orgId, ScriptStore.ListQuery q) {
    return store.count(orgId, q);
  }

  /**
   * Publishes the script's current content as a new immutable version, which becomes the one
   * served. With {@code versionId}, only if that is still the script's content (else 409
   * version.mismatch).
   */
  public PublishedScript publish(String orgId, String scriptId, String versionId) {
    if (scriptId == null || scriptId.isBlank()) throw Problem.invalid("scriptId", "is required");
    PublishedScript p =
        store.inTransaction(h -> {
          Script s =
              store
                  .lock(h, orgId, scriptId)
                  .orElseThrow(() -> Problem.notFound("Script", scriptId));
          if (versionId != null && !versionId.equals(s.versionId())) {
            throw new Problem(
                Problem.Kind.CONFLICT,
                "version.mismatch",
                "versionId "
                    + versionId
                    + " is not the script's current content; the current versionId is "
                    + s.versionId(),
                Map.of(
                    "currentVersion",
                    s.version(),
                    "currentVersionId",
                    s.versionId(),
                    "givenVersionId",
                    versionId));
          }
          if (s.document().pages().isEmpty())
            throw Problem.invalid("pages", "a script needs at least one page to be published");
          var version =
              new PublishedScript(
                  UUID.randomUUID().toString(),
                  s.id(),
                  orgId,
                  store.nextSeq(h, s.id()),
                  s.name(),
                  s.createdAt(),
                  s.modifiedAt(),
                  clock.instant(),
                  false,
                  s.document());
          store.insertPublished(h, version);
          return version;
        });
    remember(p);
    served.changed(p.scriptId());
    return p;
  }

  /**
   * The published version a read of {@code /published/{scriptId}} serves: the latest, or the one
   * named by {@code versionId} if it is one of the script's. 404 when the script is not the org's,
   * is not published or was deleted. From memory once known (see {@link #served}): enough to answer
   * a conditional GET with 304.
   */
  public String servedVersionId(String orgId, String scriptId, String versionId) {
    Served s = scriptId == null ? Served.NONE : served.get(scriptId);
    if (s.versionId() == null || !s.orgId().equals(orgId))
      throw Problem.notFound("Published script", scriptId);
    String latest = s.versionId();
    if (versionId == null || versionId.equals(latest)) return latest;
    return publishedVersion(orgId, versionId)
        .filter(p -> p.scriptId().equals(scriptId))
        .map(PublishedScript::versionId)
        .orElseThrow(() -> Problem.notFound("Published script version", versionId));
  }

  public Optional<String> findLatestPublishedVersionId(String orgId, String scriptId) {
    return scriptId == null ? Optional.empty() : store.latestPublishedVersionId(orgId, scriptId);
  }

  /** A version {@link #servedVersionId} returned. */
  public PublishedScript published(String orgId, String versionId) {
    return publishedVersion(orgId, versionId)
        .orElseThrow(() -> Problem.notFound("Published script version", versionId));
  }

  /** Any published version of the org by id, deleted or not: what a pinned session renders. */
  public Optional<PublishedScript> publishedVersion(String orgId, String versionId) {
    // An id that is not a version loads null, which is not kept.
    PublishedScript p = published.get(versionId, id -> store.publishedVersion(id).orElse(null));
    return p != null && p.orgId().equals(orgId) ? Optional.of(p) : Optional.empty();
  }

  public List<PublishedScript> listPublished(String orgId, ScriptStore.ListQuery q) {
    return store.listPublished(orgId, q);
  }

  public long countPublished(String orgId, ScriptStore.ListQuery q) {
    return store.countPublished(orgId, q);
  }

  private void remember(PublishedScript p) {
    // A stored version's content never changes. Its 'deleted' flag can, so whether a version is
    // served is
    // always decided by the store (servedVersionId), never by this cache.
    published.put(p.versionId(), p);
  }

  private static Problem inUse(String id, List<String> flows) {
    String names = String.join(", ", flows.subList(0, Math.min(5, flows.size())));
    return new Problem(
        Problem.Kind.CONFLICT,
        "flow.reference.in.use",
        "Script "
            + id
            + " is used by the published version of "
            + (flows.size() == 1 ? "flow " : flows.size() + " flows: ")
            + names
            + (flows.size() > 5 ? ", ..." : "")
            + "; publish those flows without it or delete them first",
        Map.of("id", id, "flows", names, "flowCount", flows.size()));
  }
}

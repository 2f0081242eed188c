package io.switchboard.server.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.server.conversations.Conversation;
import io.switchboard.server.conversations.ConversationService;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.scripts.PublishedScript;
import io.switchboard.server.scripts.ScriptDocument;
import io.switchboard.server.scripts.ScriptService;
import io.switchboard.server.scripts.ScriptValidator;
import io.switchboard.server.users.UserService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Agent script sessions. The semantics, exactly:
 *
 * <ul>
 *   <li>a merge-patch without a version is applied atomically to the latest state (under the row
 *       lock) and never fails because another writer came first: N concurrent patches raise the
 *       version by N;
 *   <li>a write naming a version ({@code If-Match} or {@code version}) applies only to that
 *       version, else 409 {@code version.mismatch} with {@code currentVersion}, and nothing is
 *       written;
 *   <li>any write to a completed session is 409 {@code session.completed}: a state conflict, not a
 *       race;
 *   <li>values must be variables of the pinned script version, of its type (400 naming the
 *       variable), and the data as a whole is bounded ({@code sessions.max-data-bytes}, 413
 *       beyond).
 * </ul>
 */
public final class SessionService {
  /** Lanes of group commit across sessions where a commit waits for the disk (PostgreSQL). */
  public static final int GROUP_COMMIT_LANES = SessionWriter.DEFAULT_LANES;

  public static final int MAX_BULK = 100;

  /** Sessions to remember the pinned script version of; the map starts over when it fills. */
  static final int PIN_CACHE_LIMIT = 50_000;

  /** What {@code POST /sessions} takes. */
  public record NewSession(String scriptId, String conversationId, String agentId, JsonNode data) {}

  /**
   * The script version a session is pinned to, which never changes: it types the data without a
   * query.
   */
  private record Pin(String orgId, String scriptVersionId) {}

  private final SessionStore store;
  private final ScriptService scripts;
  private final ConversationService conversations;
  private final UserService users;
  private final JsonMapper mapper;
  private final Clock clock;
  private final long maxDataBytes;

  /**
   * Session id to its pin; bounded, the least used go first (a session's pin is found again in its
   * row).
   */
  private final Cache<String, Pin> pins =
      Caffeine.newBuilder().maximumSize(PIN_CACHE_LIMIT).build();

  private final SessionWriter writer;
  private final io.switchboard.server.notifications.Notifier notifier;

  public SessionService(
      SessionStore store,
      ScriptService scripts,
      ConversationService conversations,
      UserService users,
      JsonMapper mapper,
      Clock clock,
      long maxDataBytes) {
    this(
        store,
        scripts,
        conversations,
        users,
        mapper,
        clock,
        maxDataBytes,
        io.switchboard.server.notifications.Notifier.NONE,
        SessionWriter.DEFAULT_LANES);
  }

  /**
   * {@code notifier} announces every committed write on {@code v2.agent-scripting.sessions.{id}};
   * {@code writeLanes} is how many batches of writes (across sessions) may commit at once.
   */
  public SessionService(
      SessionStore store,
      ScriptService scripts,
      ConversationService conversations,
      UserService users,
      JsonMapper mapper,
      Clock clock,
      long maxDataBytes,
      io.switchboard.server.notifications.Notifier notifier,
      int writeLanes) {
    this.notifier = notifier;
    this.store = store;
    this.scripts = scripts;
    this.conversations = conversations;
    this.users = users;
    this.mapper = mapper;
    this.clock = clock;
    this.maxDataBytes = maxDataBytes;
    this.writer = new SessionWriter(store, notifier, writeLanes);
  }

  public long maxDataBytes() {
    return maxDataBytes;
  }

  /** Starts a session on the script's latest published version. */
  public Session create(String orgId, NewSession request) {
    if (request.scriptId() == null || request.scriptId().isBlank())
      throw Problem.invalid("scriptId", "is required");
    if (request.conversationId() == null || request.conversationId().isBlank())
      throw Problem.invalid("conversationId", "is required");
    String versionId =
        scripts
            .findLatestPublishedVersionId(orgId, request.scriptId())
            .orElseThrow(() ->
                scripts.findDraft(orgId, request.scriptId()).isPresent()
                    ? new Problem(
                        Problem.Kind.CONFLICT,
                        "script.not.published",
                        "Script "
                            + request.scriptId()
                            + " has no published version; publish it first",
                        Map.of("scriptId", request.scriptId()))
                    : reference(
                        "scriptId", request.scriptId(), "is not a script of this organization"));
    Conversation conversation =
        conversations
            .find(orgId, request.conversationId())
            .orElseThrow(() ->
                reference(
                    "conversationId",
                    request.conversationId(),
                    "is not a conversation of this organization"));
    String agentId = request.agentId();
    if (agentId != null) {
      if (users.find(orgId, agentId).isEmpty())
        throw reference("agentId", agentId, "is not a user of this organization");
    } else {
      agentId = conversation.lastAgentUserId().orElse(null);
    }
    ScriptDocument doc = document(orgId, versionId);
    ObjectNode data;
    if (request.data() == null || request.data().isNull()) {
      data = JsonNodeFactory.instance.objectNode();
    } else if (request.data().isObject()) {
      data = (ObjectNode) request.data().deepCopy();
      checkTypes(doc, data);
      checkSize(data);
    } else {
      throw Problem.invalid("data", "must be an object of variable values");
    }
    Instant now = clock.instant();
    var session =
        new Session(
            UUID.randomUUID().toString(),
            orgId,
            request.scriptId(),
            versionId,
            conversation.id(),
            agentId,
            Session.ACTIVE,
            1,
            data,
            now,
            now,
            null);
    store.insert(session);
    pin(session);
    notifier.publish(
        new io.switchboard.server.notifications.Notification(
            orgId,
            io.switchboard.server.notifications.Topics.session(session.id()),
            SessionRoutes.SessionView.of(session),
            notifier.correlationId(),
            "session:" + session.id(),
            session.version()));
    return session;
  }

  /** The session's version and script version, or 404: see {@link SessionStore#findHead}. */
  public SessionStore.Head head(String orgId, String id) {
    SessionStore.Head head =
        store.findHead(orgId, id).orElseThrow(() -> Problem.notFound("Session", id));
    pin(id, orgId, head.scriptVersionId());
    return head;
  }

  public Session get(String orgId, String id) {
    Session s = store.find(orgId, id).orElseThrow(() -> Problem.notFound("Session", id));
    pin(s);
    return s;
  }

  /**
   * {@code PATCH}: {@code body} is a merge patch of the session, of which only {@code data} may
   * change ({@code version} is the optional precondition). Without an expected version it applies
   * to whatever is current.
   */
  public Session mergePatch(
      String orgId, String id, JsonNode dataPatch, OptionalLong expectedVersion) {
    if (dataPatch != null && !dataPatch.isObject() && !dataPatch.isNull())
      throw Problem.invalid("data", "must be an object (or null to clear all values)");
    Pin pin = pinOf(orgId, id);
    if (dataPatch != null && dataPatch.isObject())
      checkTypes(document(orgId, pin.scriptVersionId()), dataPatch);
    return write(
        orgId,
        id,
        expectedVersion,
        s -> {
          ObjectNode merged =
              dataPatch == null
                  ? s.data()
                  : dataPatch.isNull()
                      ? JsonNodeFactory.instance.objectNode()
                      : (ObjectNode) MergePatch.apply(s.data(), dataPatch);
          checkSize(merged);
          return s.withData(merged, clock.instant());
        });
  }

  /** {@code PUT}: replaces all of {@code data}; the version is required. */
  public Session replace(String orgId, String id, JsonNode data, OptionalLong expectedVersion) {
    if (expectedVersion.isEmpty()) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "version: is required to replace a session's data (or send If-Match)",
          Map.of("field", "version"));
    }
    if (data == null || !data.isObject())
      throw Problem.invalid("data", "is required: an object of variable values");
    Pin pin = pinOf(orgId, id);
    ObjectNode replacement = (ObjectNode) data.deepCopy();
    checkTypes(document(orgId, pin.scriptVersionId()), replacement);
    checkSize(replacement);
    return write(orgId, id, expectedVersion, s -> s.withData(replacement, clock.instant()));
  }

  public Session complete(String orgId, String id, OptionalLong expectedVersion) {
    return write(orgId, id, expectedVersion, s -> s.completed(clock.instant()));
  }

  private Session write(
      String orgId,
      String id,
      OptionalLong expectedVersion,
      java.util.function.UnaryOperator<Session> change) {
    return writer.write(orgId, id, expectedVersion, change);
  }

  /** The script version a session renders, with the values it has (defaults where it has none). */
  public record Rendering(Session session, PublishedScript script, ObjectNode values) {}

  public Rendering render(String orgId, String id) {
    Session s = get(orgId, id);
    PublishedScript script =
        scripts
            .publishedVersion(orgId, s.scriptVersionId())
            .orElseThrow(() ->
                new IllegalStateException(
                    "published version "
                        + s.scriptVersionId()
                        + " of session "
                        + id
                        + " is missing"));
    ObjectNode values = JsonNodeFactory.instance.objectNode();
    for (ScriptDocument.Variable v : script.document().variables()) {
      if (v.defaultValue() != null) values.set(v.name(), v.defaultValue());
    }
    for (var member : s.data().properties()) values.set(member.getKey(), member.getValue());
    return new Rendering(s, script, values);
  }

  /**
   * A conversation's sessions, oldest first: 404 when the conversation is not the org's (a missing
   * one and another org's look the same).
   */
  public java.util.List<Session> listForConversation(
      String orgId, String conversationId, int offset, int limit) {
    requireConversation(orgId, conversationId);
    return store.listForConversation(orgId, conversationId, offset, limit);
  }

  public long countForConversation(String orgId, String conversationId) {
    return store.countForConversation(orgId, conversationId);
  }

  private void requireConversation(String orgId, String conversationId) {
    if (conversationId == null || conversationId.isBlank())
      throw Problem.invalid("conversationId", "is required (?conversationId=...)");
    if (conversations.find(orgId, conversationId).isEmpty())
      throw Problem.notFound("Conversation", conversationId);
  }

  /** An active session of the script, for the demo setup. */
  public java.util.Optional<Session> findActiveForScript(String orgId, String scriptId) {
    return store.findActiveForScript(orgId, scriptId);
  }

  private Pin pinOf(String orgId, String id) {
    // Concurrent first writes of one session read its row once; a missing session is not kept.
    Pin pin =
        pins.get(
            id,
            key ->
                store
                    .find(orgId, key)
                    .map(s -> new Pin(s.orgId(), s.scriptVersionId()))
                    .orElseThrow(() -> Problem.notFound("Session", key)));
    if (!pin.orgId().equals(orgId)) throw Problem.notFound("Session", id);
    return pin;
  }

  private Pin pin(Session s) {
    return pin(s.id(), s.orgId(), s.scriptVersionId());
  }

  private Pin pin(String id, String orgId, String scriptVersionId) {
    var pin = new Pin(orgId, scriptVersionId);
    pins.put(id, pin);
    return pin;
  }

  private ScriptDocument document(String orgId, String versionId) {
    return scripts
        .publishedVersion(orgId, versionId)
        .map(PublishedScript::document)
        .orElseThrow(() ->
            new IllegalStateException("published script version " + versionId + " is missing"));
  }

  /** Every non-null value must be a variable of the script, of the variable's type. */
  private static void checkTypes(ScriptDocument doc, JsonNode values) {
    for (var member : values.properties()) {
      JsonNode value = member.getValue();
      if (value.isNull()) continue;
      String name = member.getKey();
      var variable = doc.variable(name).orElse(null);
      if (variable == null) {
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "data." + name + ": '" + name + "' is not a variable of the script",
            Map.of("field", "data." + name, "variable", name));
      }
      if (!ScriptValidator.matchesType(variable.type(), value)) {
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "data."
                + name
                + ": variable '"
                + name
                + "' is a "
                + variable.type()
                + ", got "
                + describe(value),
            Map.of("field", "data." + name, "variable", name, "expected", variable.type()));
      }
    }
  }

  private void checkSize(ObjectNode data) {
    long size = mapper.writeValueAsString(data).getBytes(StandardCharsets.UTF_8).length;
    if (size > maxDataBytes) {
      throw new Problem(
          Problem.Kind.TOO_LARGE,
          "session.data.too.large",
          "The session data would be " + size + " bytes; the limit is " + maxDataBytes,
          Map.of("limitBytes", maxDataBytes, "sizeBytes", size));
    }
  }

  private static Problem reference(String field, String id, String message) {
    return new Problem(
        Problem.Kind.INVALID,
        "invalid.value",
        field + ": " + id + " " + message,
        Map.of("field", field, "id", id));
  }

  private static String describe(JsonNode v) {
    if (v.isString()) return "a string";
    if (v.isNumber()) return "a number";
    if (v.isBoolean()) return "a boolean";
    if (v.isArray()) return "an array";
    if (v.isObject()) return "an object";
    return v.getNodeType().toString().toLowerCase();
  }

  static final Set<String> PATCHABLE = Set.of("data", "version");
}

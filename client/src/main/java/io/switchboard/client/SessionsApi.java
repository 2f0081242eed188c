package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import tools.jackson.core.type.TypeReference;

/**
 * {@code /api/v2/agent-scripting/sessions}: an agent's running script on a conversation (scope
 * {@code agent-scripting}).
 *
 * <p>Two ways to change a session's data, for two needs:
 *
 * <ul>
 *   <li>{@link #patch(String, Map)}: a JSON merge patch applied by the server on the latest state.
 *       It never fails because another writer came first; use it to set or remove keys ({@code
 *       null} removes).
 *   <li>{@link #update(String, UnaryOperator)}: read, apply your function, write with {@code
 *       If-Match}; on 409 {@code version.mismatch} read again and apply again, a bounded number of
 *       times. Use it when the new value depends on the old one (a counter, a list to append to).
 * </ul>
 */
public final class SessionsApi {
  private static final String BASE = "/api/v2/agent-scripting/sessions";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final SwitchboardClient client;

  SessionsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A script session.
   *
   * @param id the session id
   * @param scriptId the script it runs
   * @param scriptVersionId the published version it is pinned to
   * @param conversationId the conversation it belongs to
   * @param agentId the agent, if given
   * @param state {@code active} or {@code completed}
   * @param version rises by one with every write
   * @param data the variable values (read-only; never null)
   * @param createdDate when it started
   * @param modifiedDate the last write
   * @param completedDate when it was completed, or null
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Session(
      String id,
      String scriptId,
      String scriptVersionId,
      String conversationId,
      String agentId,
      String state,
      long version,
      Map<String, Object> data,
      Instant createdDate,
      Instant modifiedDate,
      Instant completedDate,
      String selfUri) {
    /** {@code data} is read-only; an absent one reads as empty. */
    public Session {
      data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /**
     * True when the session is completed (every write then fails with 409 {@code
     * session.completed}).
     *
     * @return whether it is completed
     */
    public boolean isCompleted() {
      return "completed".equals(state);
    }
  }

  /**
   * What starts a session on a script's latest published version.
   *
   * @param scriptId the script
   * @param conversationId a conversation of the same org
   * @param agentId the agent, optional
   * @param data initial variable values, optional
   */
  public record NewSession(
      String scriptId, String conversationId, String agentId, Map<String, Object> data) {}

  /**
   * One item of a bulk creation: its position in the request, its status, and the session or the
   * error.
   *
   * @param index the item's position in the request
   * @param status 201 or the item's error status
   * @param session the created session, or null
   * @param error the item's error, or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BulkResult(int index, int status, Session session, ErrorBody error) {
    /**
     * True when this item was created.
     *
     * @return whether it was created
     */
    public boolean created() {
      return status >= 200 && status < 300 && session != null;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record BulkAnswer(List<BulkResult> results) {}

  /**
   * A session as the agent sees it: the pinned script's pages with the data filled in.
   *
   * @param sessionId the session
   * @param scriptId its script
   * @param scriptVersionId the pinned published version
   * @param scriptName the script's name
   * @param state the session's state
   * @param version the session's version
   * @param startPageId the page to show first
   * @param values every variable's value (defaults included)
   * @param pages the pages, placeholders filled in
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RenderedSession(
      String sessionId,
      String scriptId,
      String scriptVersionId,
      String scriptName,
      String state,
      long version,
      String startPageId,
      Map<String, Object> values,
      List<RenderedPage> pages,
      String selfUri) {}

  /**
   * A rendered page.
   *
   * @param id the page id
   * @param name its name
   * @param components its components, in order
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RenderedPage(String id, String name, List<RenderedComponent> components) {}

  /**
   * A rendered component: text with placeholders filled in, inputs showing their variable's value.
   *
   * @param id the component id
   * @param type {@code text}, {@code input} or {@code button}
   * @param text the text, placeholders filled in
   * @param label the label, placeholders filled in
   * @param inputType for inputs: text, number, checkbox or select
   * @param variable the bound variable
   * @param value an input's current value
   * @param options a select's options
   * @param action a button's action
   * @param setValue the value a {@code setVariable} button sets
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RenderedComponent(
      String id,
      String type,
      String text,
      String label,
      String inputType,
      String variable,
      Object value,
      List<String> options,
      String action,
      Object setValue) {}

  /**
   * Starts a session. With batching on (the default) concurrent creations within a few milliseconds
   * go out as one bulk request; either way the request carries an {@code Idempotency-Key}, so it is
   * retried safely.
   *
   * @param request the session to create
   * @return the new session
   */
  public Session create(NewSession request) {
    Objects.requireNonNull(request, "request");
    Instant deadline = client.newDeadline();
    SessionBatcher batcher = client.core().sessionBatcher();
    if (batcher != null && client.plain()) return batcher.create(request, deadline);
    return create(request, SwitchboardClient.newIdempotencyKey(), deadline);
  }

  /**
   * Starts a session with the caller's {@code Idempotency-Key}, as one {@code POST} (never
   * batched). Sending the same request again with the same key, for example after a {@link
   * SwitchboardException#mayHaveLanded() mayHaveLanded} failure, returns the session the first one
   * made instead of a second one.
   *
   * @param request the session to create
   * @param idempotencyKey the {@code Idempotency-Key}; a repeat with the same key is applied once
   * @return the new session
   */
  public Session create(NewSession request, String idempotencyKey) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return create(request, idempotencyKey, client.newDeadline());
  }

  private Session create(NewSession request, String idempotencyKey, Instant deadline) {
    ApiResponse r =
        client.exchange(ApiRequest.post(BASE, request).idempotencyKey(idempotencyKey), deadline);
    return client.read(r, Session.class);
  }

  /**
   * Creates up to 100 sessions in one request; each item succeeds or fails on its own.
   *
   * @param requests the requests (1 to 100)
   * @return one result per request, in order
   */
  public List<BulkResult> createBulk(List<NewSession> requests) {
    return createBulk(requests, SwitchboardClient.newIdempotencyKey());
  }

  /**
   * {@link #createBulk(List)} with the caller's {@code Idempotency-Key}.
   *
   * @param requests the requests (1 to 100)
   * @param idempotencyKey the {@code Idempotency-Key}; a repeat with the same key is applied once
   * @return one result per request, in order
   */
  public List<BulkResult> createBulk(List<NewSession> requests, String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    if (requests.isEmpty() || requests.size() > SessionBatcher.MAX_BULK)
      throw new IllegalArgumentException(
          "1 to " + SessionBatcher.MAX_BULK + " sessions per bulk request");
    var request = ApiRequest.post(BASE + "/bulk", requests).idempotencyKey(idempotencyKey);
    return client.call(request, BulkAnswer.class).results();
  }

  /**
   * One page of a conversation's sessions (scope {@code agent-scripting}).
   *
   * @param conversationId the conversation ({@link ApiException.NotFoundException} if not in this
   *     org)
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<Session> listForConversation(String conversationId, int pageNumber, int pageSize) {
    return client.callPage(
        ApiRequest.get(
            BASE
                + "?conversationId="
                + Paths.query(conversationId)
                + "&pageSize="
                + pageSize
                + "&pageNumber="
                + pageNumber),
        Session.class);
  }

  /**
   * All sessions of a conversation, fetched lazily page by page.
   *
   * @param conversationId the conversation
   * @param pageSize items per page
   * @return the sessions
   */
  public java.util.stream.Stream<Session> streamForConversation(
      String conversationId, int pageSize) {
    return Pages.stream(n -> listForConversation(conversationId, n, pageSize));
  }

  /**
   * One session ({@link ApiException.NotFoundException} if not in this org).
   *
   * @param id the session's id
   * @return the session
   */
  public Session get(String id) {
    return get(id, client.newDeadline());
  }

  private Session get(String id, Instant deadline) {
    return client.read(client.exchange(ApiRequest.get(path(id)), deadline), Session.class);
  }

  /**
   * Merges {@code changes} into the session's data (RFC 7396: a key set to null is removed),
   * atomically on the latest state. Never fails because of a concurrent writer; retried on 429/5xx
   * like a PUT, since applying the same merge twice leaves the same data.
   *
   * @param id the session's id
   * @param changes the keys to merge into the data ({@code null} removes one)
   * @return the session as changed
   */
  public Session patch(String id, Map<String, ?> changes) {
    var request = ApiRequest.patch(path(id), Map.of("data", changes), MERGE_PATCH).idempotent();
    return client.call(request, Session.class);
  }

  /**
   * Merges {@code changes} only if the session is still at {@code expectedVersion}, else 409
   * ({@link ApiException.VersionMismatchException} naming the current version) and nothing is
   * written.
   *
   * @param id the session's id
   * @param changes the keys to merge into the data ({@code null} removes one)
   * @param expectedVersion the version the session must still have
   * @return the session as changed
   */
  public Session patch(String id, Map<String, ?> changes, long expectedVersion) {
    var request =
        ApiRequest.patch(path(id), Map.of("data", changes), MERGE_PATCH)
            .header("If-Match", etag(expectedVersion))
            .idempotent();
    return client.call(request, Session.class);
  }

  /**
   * Replaces the whole data if the session is still at {@code expectedVersion} (else 409, nothing
   * written).
   *
   * @param id the session's id
   * @param data the new data
   * @param expectedVersion the version the session must still have
   * @return the session as changed
   */
  public Session replace(String id, Map<String, ?> data, long expectedVersion) {
    return replace(id, data, expectedVersion, client.newDeadline());
  }

  private Session replace(String id, Map<String, ?> data, long expectedVersion, Instant deadline) {
    var request =
        ApiRequest.put(path(id), Map.of("data", data)).header("If-Match", etag(expectedVersion));
    return client.read(client.exchange(request, deadline), Session.class);
  }

  /**
   * Read, apply {@code change} to a mutable copy of the data, write it back with {@code If-Match};
   * on 409 {@code version.mismatch} read again and apply again, at most {@code updateAttempts}
   * times (builder, default 25) and within one deadline. {@code change} may therefore run more than
   * once: keep it free of side effects. A change that leaves the data as it is writes nothing.
   *
   * @param id the session's id
   * @param change applied to a mutable copy of the data; may run more than once
   * @throws ApiException.VersionMismatchException when every attempt lost the race
   * @throws ApiException.ConflictException {@code session.completed} when the session is completed
   * @return the session as written (or as read, when the function changed nothing)
   */
  public Session update(String id, UnaryOperator<Map<String, Object>> change) {
    Instant deadline = client.newDeadline();
    int attempts = client.core().updateAttempts();
    Session current = get(id, deadline);
    for (int attempt = 1; ; attempt++) {
      Map<String, Object> wanted = change.apply(mutableCopy(current.data()));
      if (wanted == null)
        throw new IllegalArgumentException(
            "the change function returned null; return the (modified) map");
      if (sameJson(wanted, current.data())) return current;
      try {
        return replace(id, wanted, current.version(), deadline);
      } catch (ApiException.VersionMismatchException e) {
        // A 409 on a resent PUT is about our own earlier send only if that send may have landed.
        // The data cannot tell (another writer may have written the very same value), so the
        // earlier tries' answers decide: a 429 or 503 means the server did not act on it; no
        // answer (or a gateway's 502/504) leaves it unknown, and then we stop rather than guess.
        if (mayHaveLanded(e.attempts()))
          throw new OutcomeUnknownException(
              "PUT "
                  + path(id)
                  + " was resent and refused with 409; the earlier send may have"
                  + " landed",
              e.attempts(),
              e);
        if (attempt >= attempts) throw e;
        current = get(id, deadline);
        pause(attempt, deadline);
      }
    }
  }

  /** True when a try before the last one got no answer that says the server did not act. */
  private static boolean mayHaveLanded(List<Attempt> attempts) {
    for (Attempt a : attempts.subList(0, attempts.size() - 1)) {
      if (a.status() != 401 && a.status() != 429 && a.status() != 503) return true;
    }
    return false;
  }

  /**
   * Completes the session (409 {@code session.completed} if it already is). Not retried.
   *
   * @param id the session's id
   * @return the completed session
   */
  public Session complete(String id) {
    return client.call(ApiRequest.post(path(id) + "/complete", null), Session.class);
  }

  /**
   * The session as the agent sees it.
   *
   * @param id the session's id
   * @return the rendered pages
   */
  public RenderedSession render(String id) {
    return client.call(ApiRequest.get(path(id) + "/render"), RenderedSession.class);
  }

  private LinkedHashMap<String, Object> mutableCopy(Map<String, Object> data) {
    return client.json().readValue(client.json().writeValueAsBytes(data), MAP);
  }

  /** Equal as JSON: 5 and 5L, or two maps in different key order, are the same data. */
  private boolean sameJson(Object a, Object b) {
    var json = client.json();
    return json.readTree(json.writeValueAsBytes(a))
        .equals(json.readTree(json.writeValueAsBytes(b)));
  }

  /**
   * Full jitter between a lost race and the re-read: a uniform pause in {@code [0, min(250 ms, 5 ms
   * * 2^(attempt-1))]}. Hot writers that lost together spread out instead of colliding again in
   * lockstep; the pause never runs past the deadline.
   */
  private void pause(int attempt, Instant deadline) {
    long cap = Math.min(250, 5L << Math.min(attempt - 1, 10));
    long millis = ThreadLocalRandom.current().nextLong(cap + 1);
    if (client.core().clock.instant().plusMillis(millis).isAfter(deadline)) return;
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwitchboardException("interrupted while updating a session", e);
    }
  }

  private static String etag(long version) {
    return "\"" + version + "\"";
  }

  private static String path(String id) {
    return BASE + "/" + Paths.segment(id);
  }
}

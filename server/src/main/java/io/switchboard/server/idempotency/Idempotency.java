package io.switchboard.server.idempotency;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code Idempotency-Key} for POSTs that create things or record outcomes. Wrap a handler with
 * {@link #wrap}: the first request with a key runs and, when it succeeds (2xx), its response is
 * kept for the retention period and replayed to every later request with the same key and the same
 * request, marked {@code Idempotent-Replayed: true}. The same key with another request is 422
 * {@code idempotency.key.reused}; the same key while the first request still runs is 409 {@code
 * idempotency.request.in.progress}. Keys are per org and live in the database, so this holds across
 * nodes.
 *
 * <p>A failed first request (any non-2xx, or an exception) frees its key: the outcome was not
 * committed, and a retry should be allowed to succeed rather than replay the failure.
 *
 * <p>The wrapped handler runs inside one database transaction that also stores its response: stores
 * join it through JDBI's per-thread handle, so the write and the completed key commit together or
 * not at all. A handler must therefore do its writes on the request's thread, and whatever must
 * follow the commit (an event to other nodes) belongs in {@code Handle.afterCommit}: a service's
 * own nested transaction is not the commit.
 */
public final class Idempotency {
  public static final String KEY_HEADER = "Idempotency-Key";

  /** Exact case, as the wire contract spells it. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  public static final int MAX_KEY_LENGTH = 255;

  /**
   * How long a running first request holds its key before another request may take it over: long
   * enough for any handler here, short enough that a key held by a node that died is usable again
   * soon.
   */
  static final Duration RUNNING_LEASE = Duration.ofMinutes(2);

  private static final List<String> REPLAYED_HEADERS = List.of("Content-Type", "Location", "ETag");
  private static final Duration PURGE_EVERY = Duration.ofMinutes(10);

  private final IdempotencyStore store;
  private final RequestBodies bodies;
  private final Clock clock;
  private final Duration retention;
  private final AtomicLong nextPurgeMillis = new AtomicLong();

  public Idempotency(
      IdempotencyStore store, RequestBodies bodies, Clock clock, Duration retention) {
    this.store = store;
    this.bodies = bodies;
    this.clock = clock;
    this.retention = retention;
  }

  public Duration retention() {
    return retention;
  }

  /** The handler, made idempotent for requests that carry an {@code Idempotency-Key}. */
  public Handler wrap(Handler handler) {
    return ctx -> {
      String key = ctx.header(KEY_HEADER);
      if (key == null) {
        handler.handle(ctx);
        return;
      }
      requireSaneKey(key);
      String orgId = Requests.principal(ctx).orgId();
      String fingerprint =
          fingerprint(ctx.method().name(), ctx.path(), ctx.queryString(), bodies.bytes(ctx));
      String owner = UUID.randomUUID().toString();
      IdempotencyStore.Entry replay = claim(orgId, key, fingerprint, owner);
      if (replay != null) {
        replay(ctx, replay);
        return;
      }
      try {
        // The handler's writes and the stored response commit together: a crash between them cannot
        // leave a
        // write whose key a retry would find abandoned and run again.
        store.inTransaction(h -> {
          handler.handle(ctx);
          if (ctx.statusCode() < 200 || ctx.statusCode() >= 300) {
            store.release(h, orgId, key, owner);
          } else if (!store.complete(
              h, orgId, key, owner, ctx.statusCode(), headersOf(ctx), bodyOf(ctx))) {
            throw leaseLost(key);
          }
        });
      } catch (Exception | Error e) {
        store.release(orgId, key, owner);
        throw e;
      }
    };
  }

  /**
   * This request outlived its lease and another one took the key over: rolling back keeps the
   * request from taking effect twice; the client's retry gets the other one's response.
   */
  private static Problem leaseLost(String key) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "idempotency.request.in.progress",
        "Another request with this Idempotency-Key took over while this one ran too long; nothing"
            + " was written, retry to get its response",
        Map.of("idempotencyKey", key));
  }

  /**
   * Claims the key for this request (null) or returns the stored response to replay. Bounded: a row
   * can vanish (purged, released) between our insert and our read at most a few times in a row.
   */
  private IdempotencyStore.Entry claim(String orgId, String key, String fingerprint, String owner) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Instant now = clock.instant();
      purgeNowAndThen(now);
      Instant lockedUntil = now.plus(RUNNING_LEASE);
      Instant expiresAt = now.plus(retention);
      if (store.tryInsert(orgId, key, fingerprint, owner, now, lockedUntil, expiresAt)) return null;
      var existing = store.find(orgId, key);
      if (existing.isEmpty()) continue;
      IdempotencyStore.Entry entry = existing.get();
      boolean expired = !entry.expiresAt().isAfter(now);
      boolean abandoned =
          entry.state().equals(IdempotencyStore.RUNNING) && !entry.lockedUntil().isAfter(now);
      if (expired || abandoned) {
        if (store.takeOver(orgId, key, fingerprint, owner, now, lockedUntil, expiresAt))
          return null;
        continue;
      }
      if (!entry.fingerprint().equals(fingerprint)) {
        throw new Problem(
            Problem.Kind.UNPROCESSABLE,
            "idempotency.key.reused",
            "The Idempotency-Key was already used with a different request; use a new key for a new"
                + " request",
            Map.of("idempotencyKey", key));
      }
      if (entry.state().equals(IdempotencyStore.RUNNING)) {
        throw new Problem(
            Problem.Kind.CONFLICT,
            "idempotency.request.in.progress",
            "A request with this Idempotency-Key is still being processed; retry when it has"
                + " finished",
            Map.of("idempotencyKey", key));
      }
      return entry;
    }
    throw new Problem(
        Problem.Kind.CONFLICT,
        "idempotency.request.in.progress",
        "The Idempotency-Key is contended; retry the request",
        Map.of("idempotencyKey", key));
  }

  private void purgeNowAndThen(Instant now) {
    long next = nextPurgeMillis.get();
    if (now.toEpochMilli() >= next
        && nextPurgeMillis.compareAndSet(next, now.plus(PURGE_EVERY).toEpochMilli())) {
      store.purgeExpired(now);
    }
  }

  private static void replay(Context ctx, IdempotencyStore.Entry entry) {
    ctx.status(entry.status());
    if (entry.headers() != null) {
      for (String line : entry.headers().split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) ctx.header(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    ctx.header(REPLAYED_HEADER, "true");
    if (entry.body() != null) ctx.result(entry.body().getBytes(StandardCharsets.UTF_8));
  }

  private static String headersOf(Context ctx) {
    var sb = new StringBuilder();
    for (String name : REPLAYED_HEADERS) {
      String value = ctx.res().getHeader(name);
      if (value != null) sb.append(name).append(':').append(value).append('\n');
    }
    return sb.toString();
  }

  /** The response body as written by the handler; put back so it is still sent. */
  private static String bodyOf(Context ctx) throws java.io.IOException {
    InputStream in = ctx.resultInputStream();
    if (in == null) return null;
    byte[] bytes = in.readAllBytes();
    ctx.result(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void requireSaneKey(String key) {
    boolean ok =
        !key.isEmpty()
            && key.length() <= MAX_KEY_LENGTH
            && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    if (!ok) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          KEY_HEADER
              + " must be 1 to "
              + MAX_KEY_LENGTH
              + " visible ASCII characters (a UUID is a good key)",
          Map.of("field", KEY_HEADER));
    }
  }

  /** What makes two requests "the same": method, path, query and the exact body bytes. */
  public static String fingerprint(String method, String path, String query, byte[] body) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update(
          (method + "\n" + path + "?" + (query == null ? "" : query) + "\n")
              .getBytes(StandardCharsets.UTF_8));
      digest.update(body);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

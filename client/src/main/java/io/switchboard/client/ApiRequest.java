package io.switchboard.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One API call as the client sends it. Build with {@link #get(String)}, {@link #post(String,
 * Object)}, ... and refine with {@link #header}, {@link #deadline}, {@link #idempotencyKey} and
 * {@link #idempotent()}. Immutable: every refinement returns a new request.
 *
 * @param method the HTTP method, upper case
 * @param path the path and query under the base URL, for example {@code
 *     /api/v2/scripts?pageSize=25}
 * @param headers extra request headers
 * @param body the body: a record or map written as JSON, raw {@code byte[]}, or null
 * @param contentType the body's media type (null without a body)
 * @param deadline this call's own deadline, or null for the client's default
 * @param declaredIdempotent true when the caller vouches that sending this request twice has the
 *     effect of sending it once (a query sent as POST, a JSON merge patch)
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> headers,
    Object body,
    String contentType,
    Duration deadline,
    boolean declaredIdempotent) {
  private static final Set<String> IDEMPOTENT_METHODS =
      Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

  /** The header the server deduplicates POSTs by. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Normalises the method and copies the headers. */
  public ApiRequest {
    method = method.toUpperCase(Locale.ROOT);
    headers = Map.copyOf(headers);
  }

  /**
   * A GET of {@code path}.
   *
   * @param path the path and query under the base URL
   * @return the request
   */
  public static ApiRequest get(String path) {
    return new ApiRequest("GET", path, Map.of(), null, null, null, false);
  }

  /**
   * A DELETE of {@code path}.
   *
   * @param path the path and query under the base URL
   * @return the request
   */
  public static ApiRequest delete(String path) {
    return new ApiRequest("DELETE", path, Map.of(), null, null, null, false);
  }

  /**
   * A POST of {@code body} as JSON (no body when null). Not retried unless it gets an idempotency
   * key.
   *
   * @param path the path and query under the base URL
   * @param body the body (a record or map written as JSON, or raw {@code byte[]}), or null
   * @return the request
   */
  public static ApiRequest post(String path, Object body) {
    return new ApiRequest(
        "POST", path, Map.of(), body, body == null ? null : "application/json", null, false);
  }

  /**
   * A PUT of {@code body} as JSON.
   *
   * @param path the path and query under the base URL
   * @param body the body (a record or map written as JSON, or raw {@code byte[]}), or null
   * @return the request
   */
  public static ApiRequest put(String path, Object body) {
    return new ApiRequest("PUT", path, Map.of(), body, "application/json", null, false);
  }

  /**
   * A PATCH of {@code body} with the given media type (for example {@code
   * application/merge-patch+json}).
   *
   * @param path the path and query under the base URL
   * @param body the body (a record or map written as JSON, or raw {@code byte[]}), or null
   * @param contentType the body's media type
   * @return the request
   */
  public static ApiRequest patch(String path, Object body, String contentType) {
    return new ApiRequest("PATCH", path, Map.of(), body, contentType, null, false);
  }

  /**
   * This request with one more header (replacing one of the same name).
   *
   * @param name the header's name
   * @param value its value
   * @return a copy of this request with the change
   */
  public ApiRequest header(String name, String value) {
    var copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ApiRequest(method, path, copy, body, contentType, deadline, declaredIdempotent);
  }

  /**
   * This call's own deadline, overriding the client's default.
   *
   * @param d the deadline of this call
   * @return a copy of this request with the change
   */
  public ApiRequest deadline(Duration d) {
    return new ApiRequest(method, path, headers, body, contentType, d, declaredIdempotent);
  }

  /**
   * Carries {@code key} as {@code Idempotency-Key}: the server runs it once however often it is
   * sent.
   *
   * @param key the key, sent as {@code Idempotency-Key} by this request and its retries
   * @return the key, or null
   */
  public ApiRequest idempotencyKey(String key) {
    return header(IDEMPOTENCY_KEY, key);
  }

  /**
   * Marks this request safe to send again although its method is not idempotent: use it only for
   * requests whose repetition changes nothing more than the first (a read-only query sent as POST,
   * a merge patch).
   *
   * @return a copy of this request with the change
   */
  public ApiRequest idempotent() {
    return new ApiRequest(method, path, headers, body, contentType, deadline, true);
  }

  /**
   * Safe to send again: an idempotent method; a request marked {@link #idempotent()}; one the
   * server deduplicates by its key; a conditional write ({@code If-Match}: once applied, a repeat
   * finds a new version and is refused); or a Genesys {@code POST .../query}, which only reads.
   *
   * @return whether a retry cannot apply the request twice
   */
  public boolean isRetryable() {
    return declaredIdempotent
        || IDEMPOTENT_METHODS.contains(method)
        || headers.containsKey(IDEMPOTENCY_KEY)
        || headers.containsKey("If-Match")
        || (method.equals("POST") && path.split("\\?", 2)[0].endsWith("/query"));
  }

  /**
   * The idempotency key, or null.
   *
   * @return the key, or null
   */
  public String idempotencyKey() {
    return headers.get(IDEMPOTENCY_KEY);
  }
}

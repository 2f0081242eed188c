package io.switchboard.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One API call as the client sends it. Build with {@link #get(String)}, {@link #post(String, Object)}, ...
 * and refine with {@link #header}, {@link #deadline} and {@link #idempotencyKey}.
 */
public record ApiRequest(String method, String path, Map<String, String> headers, Object body, String contentType, Duration deadline) {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  public ApiRequest {
    method = method.toUpperCase(Locale.ROOT);
    headers = Map.copyOf(headers);
  }

  public static ApiRequest get(String path) {
    return new ApiRequest("GET", path, Map.of(), null, null, null);
  }

  public static ApiRequest delete(String path) {
    return new ApiRequest("DELETE", path, Map.of(), null, null, null);
  }

  public static ApiRequest post(String path, Object body) {
    return new ApiRequest("POST", path, Map.of(), body, body == null ? null : "application/json", null);
  }

  public static ApiRequest put(String path, Object body) {
    return new ApiRequest("PUT", path, Map.of(), body, "application/json", null);
  }

  public static ApiRequest patch(String path, Object body, String contentType) {
    return new ApiRequest("PATCH", path, Map.of(), body, contentType, null);
  }

  public ApiRequest header(String name, String value) {
    var copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ApiRequest(method, path, copy, body, contentType, deadline);
  }

  /** This call's own deadline, overriding the client's default. */
  public ApiRequest deadline(Duration d) {
    return new ApiRequest(method, path, headers, body, contentType, d);
  }

  public ApiRequest idempotencyKey(String key) {
    return header(IDEMPOTENCY_KEY, key);
  }

  /**
   * Safe to send again: an idempotent method, a request the server deduplicates by its key, a conditional
   * write ({@code If-Match}: once applied, a repeat finds a new version and is refused), or a Genesys
   * {@code POST .../query}, which only reads.
   */
  public boolean isRetryable() {
    return IDEMPOTENT.contains(method)
        || headers.containsKey(IDEMPOTENCY_KEY)
        || headers.containsKey("If-Match")
        || (method.equals("POST") && path.split("\\?", 2)[0].endsWith("/query"));
  }
}

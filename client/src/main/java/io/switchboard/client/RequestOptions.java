package io.switchboard.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-call settings, applied by {@link SwitchboardClient#withOptions(RequestOptions)} to every call
 * made through the view it returns. Immutable; start from {@link #none()}.
 *
 * <pre>{@code
 * var traced = client.withOptions(RequestOptions.none()
 *     .correlationId("order-4711")
 *     .header("X-Partner-Tenant", "acme")
 *     .deadline(Duration.ofSeconds(2))
 *     .retry(RetrySettings.none()));
 * traced.users().get(id);
 * }</pre>
 *
 * @param correlationId sent as {@code ININ-Correlation-Id}: the server uses it for the request (and
 *     echoes it) instead of making one, so a caller can find its request in the server's logs by
 *     its own id; null for none
 * @param headers extra request headers (a request's own header of the same name wins)
 * @param deadline the deadline of each call, or null for the client's
 * @param retry the retry settings of each call, or null for the client's
 */
public record RequestOptions(
    String correlationId, Map<String, String> headers, Duration deadline, RetrySettings retry) {
  private static final RequestOptions NONE = new RequestOptions(null, Map.of(), null, null);

  /** Copies the headers; a deadline must be positive. */
  public RequestOptions {
    headers = Map.copyOf(headers);
    if (deadline != null && (deadline.isNegative() || deadline.isZero()))
      throw new IllegalArgumentException("deadline must be positive");
  }

  /**
   * No options: the client's defaults.
   *
   * @return the empty options
   */
  public static RequestOptions none() {
    return NONE;
  }

  /**
   * These options with {@code ININ-Correlation-Id: id}.
   *
   * @param id the item's id
   * @return these options with the change
   */
  public RequestOptions correlationId(String id) {
    return new RequestOptions(id, headers, deadline, retry);
  }

  /**
   * These options with one more header (replacing one of the same name).
   *
   * @param name the header's name
   * @param value its value
   * @return these options with the change
   */
  public RequestOptions header(String name, String value) {
    var copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new RequestOptions(correlationId, copy, deadline, retry);
  }

  /**
   * These options with another deadline per call.
   *
   * @param d the deadline of each call
   * @return these options with the change
   */
  public RequestOptions deadline(Duration d) {
    return new RequestOptions(correlationId, headers, d, retry);
  }

  /**
   * These options with other retry settings per call.
   *
   * @param r the retries of each call
   * @return these options with the change
   */
  public RequestOptions retry(RetrySettings r) {
    return new RequestOptions(correlationId, headers, deadline, r);
  }

  /** These options with {@code other}'s set values on top. */
  RequestOptions and(RequestOptions other) {
    var merged = new LinkedHashMap<>(headers);
    merged.putAll(other.headers);
    return new RequestOptions(
        other.correlationId != null ? other.correlationId : correlationId,
        merged,
        other.deadline != null ? other.deadline : deadline,
        other.retry != null ? other.retry : retry);
  }

  /** True when nothing is set that changes what a request carries. */
  boolean addsNothingToRequests() {
    return correlationId == null && headers.isEmpty();
  }

  /** {@code request} with these headers (its own of the same name win). */
  ApiRequest applyTo(ApiRequest request) {
    ApiRequest out = request;
    for (var h : headers.entrySet())
      if (!hasHeader(request, h.getKey())) out = out.header(h.getKey(), h.getValue());
    if (correlationId != null && !hasHeader(request, "ININ-Correlation-Id"))
      out = out.header("ININ-Correlation-Id", correlationId);
    return out;
  }

  private static boolean hasHeader(ApiRequest request, String name) {
    return request.headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name));
  }
}

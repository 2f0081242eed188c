package io.switchboard.client;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A call's result with the metadata of its answer, from {@link SwitchboardClient#withResponse}.
 * When the call made several requests (paging, a read-apply-write update, retries), the metadata is
 * the last answer's.
 *
 * @param value the typed result (null for calls that return nothing)
 * @param status the HTTP status of the answer (200 for a read served from the client's cache)
 * @param headers the answer's headers (those of the answer that filled or last revalidated the
 *     cache entry, for a cached read)
 * @param fromCache true when the result came from the client's published-script cache or a read
 *     shared with another caller, not from a request of this call's own
 * @param <T> the result's type
 */
public record Response<T>(T value, int status, HttpHeaders headers, boolean fromCache) {
  /**
   * The first value of a header, compared case-insensitively.
   *
   * @param name the header's name
   * @return the value, or empty when absent
   */
  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  /**
   * The server's {@code ININ-Correlation-Id} for the request: quote it to find it in its logs.
   *
   * @return the correlation id, or empty
   */
  public Optional<String> correlationId() {
    return header("ININ-Correlation-Id");
  }

  /**
   * The rate-limit bucket with the least room left, as the answer announced it.
   *
   * @return the bucket's state, or empty when the answer named none
   */
  public Optional<RateLimitStatus> rateLimit() {
    return RateLimitPacer.announced(headers);
  }
}

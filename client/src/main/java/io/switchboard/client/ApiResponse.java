package io.switchboard.client;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A successful (2xx or 304) answer.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param body the raw body (empty for 204 and 304)
 */
public record ApiResponse(int status, HttpHeaders headers, byte[] body) {
  /**
   * The first value of a header, compared case-insensitively.
   *
   * @param name the header's name
   * @return the value, or empty when absent
   */
  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }
}

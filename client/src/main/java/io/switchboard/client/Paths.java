package io.switchboard.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Safe pieces of request paths and queries. */
final class Paths {
  private Paths() {}

  /**
   * An id as one path segment: a caller's {@code "../x"} or {@code "a?b"} cannot reach another
   * endpoint.
   */
  static String segment(String id) {
    if (id == null || id.isEmpty()) throw new IllegalArgumentException("id is required");
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query parameter value. */
  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

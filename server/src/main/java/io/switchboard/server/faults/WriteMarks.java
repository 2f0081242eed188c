package io.switchboard.server.faults;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * When each resource of an org was last written on this node, for {@code readAfterWriteLag}. A
 * write to {@code /api/v2/conversations/c1/disconnect} marks that path and each ancestor that names
 * a resource ({@code /api/v2/conversations/c1}); a read of {@code
 * /api/v2/conversations/c1/participants/p1/wrapup} lags when it or one of its ancestors was written
 * less than {@code lagMs} ago. Bounded: 100,000 marks, each kept at most the longest lag.
 */
final class WriteMarks {
  /** {@code /api/v2/<collection>/<id>}: a shorter prefix names a collection, not a resource. */
  private static final int MIN_SEGMENTS = 4;

  private final Cache<String, Long> marks =
      Caffeine.newBuilder()
          .maximumSize(100_000)
          .expireAfterWrite(Duration.ofMillis(FaultValidator.MAX_LAG_MS))
          .build();

  void written(String orgId, String path, long nanos) {
    for (String p : resourcePaths(path)) marks.put(orgId + ' ' + p, nanos);
  }

  /** Nanos ({@link System#nanoTime}) of the last write to the path or an ancestor, or null. */
  Long lastWrite(String orgId, String path) {
    Long last = null;
    for (String p : resourcePaths(path)) {
      Long t = marks.getIfPresent(orgId + ' ' + p);
      if (t != null && (last == null || t - last > 0)) last = t;
    }
    return last;
  }

  static java.util.List<String> resourcePaths(String path) {
    var out = new java.util.ArrayList<String>();
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int segments = 0;
    for (int i = 0; i < trimmed.length(); i++) {
      if (trimmed.charAt(i) == '/' && i > 0) {
        segments++;
        if (segments >= MIN_SEGMENTS) out.add(trimmed.substring(0, i));
      }
    }
    if (segments + 1 >= MIN_SEGMENTS) out.add(trimmed);
    return out;
  }
}

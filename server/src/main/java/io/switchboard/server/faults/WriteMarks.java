package io.switchboard.server.faults;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code readAfterWriteLag} needs, per node: when each resource of an org was last written,
 * and (for rules that serve the previous version) the last answer read of it.
 *
 * <p>A resource is a path that ends in an id (a segment with a digit, as every id we issue has). A
 * write to {@code /api/v2/conversations/c1/disconnect} marks that path and {@code
 * /api/v2/conversations/c1}; a read of {@code /api/v2/conversations/c1/participants/p1/wrapup} lags
 * when it, {@code .../participants/p1} or {@code /api/v2/conversations/c1} was written less than
 * {@code lagMs} ago. A collection ({@code /api/v2/routing/wrapupcodes}) is never marked by a write
 * below it. Bounded: 100,000 marks and 10,000 kept answers of at most 64 KiB, each kept at most the
 * longest lag.
 */
final class WriteMarks {
  static final int MAX_KEPT_BODY = 65_536;
  private static final int MIN_SEGMENTS = 4;

  /** An answer read before a write: what a lagging replica would still serve. */
  record Snapshot(byte[] body, String contentType, long nanos) {}

  private final Cache<String, Long> marks =
      Caffeine.newBuilder()
          .maximumSize(100_000)
          .expireAfterWrite(Duration.ofMillis(FaultValidator.MAX_LAG_MS))
          .build();
  private final Cache<String, Snapshot> reads =
      Caffeine.newBuilder()
          .maximumSize(10_000)
          .expireAfterWrite(Duration.ofMillis(FaultValidator.MAX_LAG_MS))
          .build();

  void written(String orgId, String path, long nanos) {
    for (String p : resourcePaths(path, true)) marks.put(orgId + ' ' + p, nanos);
  }

  /** Nanos ({@link System#nanoTime}) of the last write to the path or an ancestor, or null. */
  Long lastWrite(String orgId, String path) {
    Long last = null;
    for (String p : resourcePaths(path, true)) {
      Long t = marks.getIfPresent(orgId + ' ' + p);
      if (t != null && (last == null || t - last > 0)) last = t;
    }
    return last;
  }

  void read(String orgId, String path, Snapshot snapshot) {
    if (snapshot.body().length <= MAX_KEPT_BODY) reads.put(orgId + ' ' + path, snapshot);
  }

  Snapshot lastRead(String orgId, String path) {
    return reads.getIfPresent(orgId + ' ' + path);
  }

  /**
   * The path itself and each ancestor that ends in an id, from {@code /api/v2/<collection>/<id>}
   * down (shorter prefixes name collections or the API itself).
   */
  static List<String> resourcePaths(String path, boolean includeSelf) {
    var out = new ArrayList<String>();
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int segmentStart = 1;
    int segments = 0;
    for (int i = 1; i <= trimmed.length(); i++) {
      if (i == trimmed.length() || trimmed.charAt(i) == '/') {
        segments++;
        boolean last = i == trimmed.length();
        if (segments >= MIN_SEGMENTS
            && ((last && includeSelf) || (!last && hasDigit(trimmed, segmentStart, i))))
          out.add(trimmed.substring(0, i));
        segmentStart = i + 1;
      }
    }
    return out;
  }

  private static boolean hasDigit(String s, int from, int to) {
    for (int i = from; i < to; i++) if (Character.isDigit(s.charAt(i))) return true;
    return false;
  }
}

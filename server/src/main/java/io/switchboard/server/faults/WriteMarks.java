package io.switchboard.server.faults;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code readAfterWriteLag} needs, per node: when each resource of an org was last written,
 * and (for rules that serve the previous version) the last answer read of each path.
 *
 * <p>A write marks every id its path names (a segment after {@code /api/v2} with a digit in it, as
 * every id we issue has): {@code POST /api/v2/conversations/c1/disconnect} marks {@code c1}. A
 * request lags when an id in its path was written less than {@code lagMs} ago: {@code GET
 * /api/v2/conversations/c1}, {@code GET /api/v2/conversations/c1/participants/p1/wrapup}, and
 * {@code POST /api/v2/integrations/scripting/interactions/c1/wrapup} alike (seed 004: the
 * interaction is the conversation). Collections ({@code /api/v2/routing/wrapupcodes}) name no id
 * and never lag. Bounded: 100,000 marks and 10,000 kept answers of at most 64 KiB, each kept at
 * most the longest lag.
 */
final class WriteMarks {
  static final int MAX_KEPT_BODY = 65_536;

  /** {@code api} and {@code v2}. */
  private static final int SKIPPED_SEGMENTS = 2;

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
    for (String id : ids(path)) marks.put(orgId + ' ' + id, nanos);
  }

  /** Nanos ({@link System#nanoTime}) of the last write naming an id of the path, or null. */
  Long lastWrite(String orgId, String path) {
    Long last = null;
    for (String id : ids(path)) {
      Long t = marks.getIfPresent(orgId + ' ' + id);
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

  /** The ids a path names: its segments after {@code /api/v2/} that have a digit. */
  static List<String> ids(String path) {
    var out = new ArrayList<String>();
    int segmentStart = 1;
    int segments = 0;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        segments++;
        if (segments >= SKIPPED_SEGMENTS + 1 && i > segmentStart && hasDigit(path, segmentStart, i))
          out.add(path.substring(segmentStart, i));
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

package io.switchboard.server.ratelimit;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where buckets live: in this process, or in Redis shared by every node. */
interface BucketBackend extends AutoCloseable {
  /**
   * Takes one token from every bucket, or from none: a refused request leaves every bucket as it
   * was. The statuses come back in the order of {@code buckets}.
   */
  Decision tryConsume(List<BucketSpec> buckets);

  /** The buckets as they are, consuming nothing (a bucket that does not exist is reported full). */
  List<BucketStatus> peek(List<BucketSpec> buckets);

  /** Keys of the org's buckets that may hold spent tokens (used within the last window or so). */
  Collection<String> activeKeys(String orgId);

  /** Refusals in the last minute per bucket key of the org. */
  Map<String, Long> refusalsLastMinute(String orgId);

  /** Moves the org's existing buckets to changed limits, keeping what was spent. */
  void limitsChanged(OrgLimits before, OrgLimits after);

  /** {@code memory}, {@code redis}, or {@code memory-fallback} while Redis is unreachable. */
  String name();

  @Override
  void close();
}

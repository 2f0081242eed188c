package io.switchboard.server.ratelimit;

import java.util.Map;

/**
 * An org's effective limits (every key of the catalog, overrides applied) and the version of its
 * last change. Buckets carry the version so that a newer configuration wins on every node.
 */
public record OrgLimits(String orgId, long version, Map<String, Long> values) {
  public long value(String key) {
    Long v = values.get(key);
    return v == null ? 0 : v;
  }
}

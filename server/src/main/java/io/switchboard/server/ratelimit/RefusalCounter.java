package io.switchboard.server.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Refusals per bucket over the last minute, in one-second slots, in this process. */
final class RefusalCounter {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Slots>> byOrg =
      new ConcurrentHashMap<>();

  private static final class Slots {
    private final long[] second = new long[LimitCatalog.WINDOW_SECONDS];
    private final long[] count = new long[LimitCatalog.WINDOW_SECONDS];

    synchronized void add(long epochSecond) {
      int i = (int) Math.floorMod(epochSecond, (long) second.length);
      if (second[i] != epochSecond) {
        second[i] = epochSecond;
        count[i] = 0;
      }
      count[i]++;
    }

    synchronized long sum(long epochSecond) {
      long total = 0;
      for (int i = 0; i < second.length; i++) {
        if (second[i] > epochSecond - second.length && second[i] <= epochSecond) total += count[i];
      }
      return total;
    }
  }

  void add(String orgId, String key, long epochSecond) {
    byOrg
        .computeIfAbsent(orgId, o -> new ConcurrentHashMap<>())
        .computeIfAbsent(key, k -> new Slots())
        .add(epochSecond);
  }

  Map<String, Long> lastMinute(String orgId, long epochSecond) {
    var out = new LinkedHashMap<String, Long>();
    var org = byOrg.get(orgId);
    if (org == null) return out;
    org.forEach((key, slots) -> {
      long n = slots.sum(epochSecond);
      if (n > 0) out.put(key, n);
    });
    return out;
  }

  /** Forgets buckets with no refusal in the last minute. */
  void prune(long epochSecond) {
    byOrg.values().forEach(org -> org.entrySet().removeIf(e -> e.getValue().sum(epochSecond) == 0));
    byOrg.entrySet().removeIf(e -> e.getValue().isEmpty());
  }
}

package io.switchboard.server.faults;

import java.util.Arrays;
import java.util.Optional;

/** Every effect a rule can have: on inbound API requests, or on outbound data-action calls. */
public enum EffectType {
  LATENCY("latency", false),
  STATUS("status", false),
  RESET("reset", false),
  STALL("stall", false),
  FAIL_FIRST("failFirst", false),
  OUTAGE("outage", false),
  RATE_LIMIT_SQUEEZE("rateLimitSqueeze", false),
  VERSION_MISMATCH("versionMismatch", false),
  READ_AFTER_WRITE_LAG("readAfterWriteLag", false),
  UPSTREAM_LATENCY("upstreamLatency", true),
  UPSTREAM_STATUS("upstreamStatus", true),
  UPSTREAM_BODY("upstreamBody", true),
  UPSTREAM_CONTENT_TYPE("upstreamContentType", true),
  UPSTREAM_HANG("upstreamHang", true),
  UPSTREAM_EXPIRED_TOKEN("upstreamExpiredToken", true);

  private final String wireName;
  private final boolean upstream;

  EffectType(String wireName, boolean upstream) {
    this.wireName = wireName;
    this.upstream = upstream;
  }

  public String wireName() {
    return wireName;
  }

  /** True for effects on outbound data-action calls, false for effects on inbound requests. */
  public boolean upstream() {
    return upstream;
  }

  public static Optional<EffectType> of(String wireName) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
  }

  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(EffectType::wireName).toList());
  }
}

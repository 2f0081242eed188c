package io.switchboard.server.faults;

/**
 * A rule as a client writes it ({@code POST /api/v2/switchboard/faults}, or one item of a
 * scenario). Checked by {@link FaultValidator}; fields a client leaves out take their defaults.
 */
public record FaultRuleRequest(
    String name,
    Boolean enabled,
    FaultMatch match,
    Double probability,
    Long seed,
    FaultEffect effect,
    Boolean silent,
    Long ttlSeconds,
    String until) {

  /** What a request (or an outbound data-action call) must look like for the rule to apply. */
  public record FaultMatch(
      String method,
      String path,
      String clientId,
      HeaderMatch header,
      String externalApiId,
      String host) {}

  /** A request header that must be present (and, with {@code value}, equal to it). */
  public record HeaderMatch(String name, String value) {}

  /**
   * What the rule does; which fields count depends on {@code type} (see {@link EffectType} and
   * docs/faults.md).
   */
  public record FaultEffect(
      String type,
      Long latencyMs,
      Long minLatencyMs,
      Long maxLatencyMs,
      Integer status,
      Long retryAfterSeconds,
      String message,
      Long count,
      String from,
      String until,
      Long limit,
      Long windowSeconds,
      Long lagMs,
      Long durationMs,
      String body,
      String contentType,
      Boolean previousVersion) {}
}

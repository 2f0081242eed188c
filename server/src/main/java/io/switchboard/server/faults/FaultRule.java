package io.switchboard.server.faults;

import io.switchboard.server.faults.FaultRuleRequest.FaultEffect;
import io.switchboard.server.faults.FaultRuleRequest.FaultMatch;
import java.time.Instant;

/**
 * A stored rule, validated: its org, its definition (match, probability, seed, effect, silent), its
 * expiry and its counters as the database has them.
 */
public record FaultRule(
    String id,
    String orgId,
    String name,
    boolean enabled,
    Definition definition,
    Instant expiresAt,
    Instant createdAt,
    long matched,
    long injected) {

  /** The JSON document stored in {@code fault_rules.definition}. */
  public record Definition(
      FaultMatch match,
      double probability,
      long seed,
      FaultEffect effect,
      boolean silent,
      String scenario) {}

  public EffectType type() {
    return EffectType.of(definition.effect().type()).orElseThrow();
  }

  public boolean activeAt(Instant now) {
    return enabled && (expiresAt == null || now.isBefore(expiresAt));
  }
}

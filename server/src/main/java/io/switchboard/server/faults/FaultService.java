package io.switchboard.server.faults;

import io.switchboard.server.errors.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Create, list, read and delete an org's fault rules; apply scenarios. */
public final class FaultService {
  static final int MAX_RULES_PER_ORG = 100;

  /**
   * A scenario's rules end by themselves unless they say otherwise: a forgotten one does no harm.
   */
  static final long SCENARIO_TTL_SECONDS = 3_600;

  private final FaultStore store;
  private final ActiveFaults active;
  private final Scenarios scenarios;
  private final FaultValidator validator = new FaultValidator();

  public FaultService(FaultStore store, ActiveFaults active, Scenarios scenarios) {
    this.store = store;
    this.active = active;
    this.scenarios = scenarios;
  }

  public FaultRule create(String orgId, FaultRuleRequest request) {
    var checked = validator.check(request, active.now(), null);
    return insert(orgId, List.of(checked)).getFirst();
  }

  public List<FaultRule> list(String orgId) {
    return active.counted(() -> store.list(orgId).stream().map(this::withPending).toList());
  }

  public FaultRule get(String orgId, String id) {
    return active
        .counted(() -> store.get(orgId, id).map(this::withPending))
        .orElseThrow(() -> Problem.notFound("Fault rule", id));
  }

  public void delete(String orgId, String id) {
    if (!store.delete(orgId, id)) throw Problem.notFound("Fault rule", id);
    active.refresh();
  }

  public int clear(String orgId) {
    int n = store.deleteAll(orgId);
    active.refresh();
    return n;
  }

  public Instant now() {
    return active.now();
  }

  public Scenarios scenarios() {
    return scenarios;
  }

  /**
   * Applies a scenario: its rules replace those of an earlier application of the same scenario.
   * Every rule is checked before any is stored. {@code ttlSeconds} (optional) overrides each rule's
   * own; a rule with neither lasts {@link #SCENARIO_TTL_SECONDS}.
   */
  public List<FaultRule> apply(String orgId, Scenario scenario, Long ttlSeconds) {
    Instant now = active.now();
    var checked = new ArrayList<FaultValidator.Checked>();
    int i = 0;
    for (FaultRuleRequest r : scenario.rules()) {
      FaultRuleRequest withTtl =
          ttlSeconds != null || (r.ttlSeconds() == null && r.until() == null)
              ? new FaultRuleRequest(
                  r.name(),
                  r.enabled(),
                  r.match(),
                  r.probability(),
                  r.seed(),
                  r.effect(),
                  r.silent(),
                  ttlSeconds != null ? ttlSeconds : SCENARIO_TTL_SECONDS,
                  null)
              : r;
      try {
        checked.add(validator.check(withTtl, now, scenario.name()));
      } catch (Problem p) {
        throw new Problem(
            p.kind(),
            p.code(),
            "rules[" + i + "]." + p.getMessage(),
            Map.of("rule", i, "field", String.valueOf(p.params().get("field"))));
      }
      i++;
    }
    store.deleteScenario(orgId, scenario.name());
    return insert(orgId, checked);
  }

  private List<FaultRule> insert(String orgId, List<FaultValidator.Checked> rules) {
    if (store.countForOrg(orgId) + rules.size() > MAX_RULES_PER_ORG)
      throw new Problem(
          Problem.Kind.CONFLICT,
          "fault.rules.limit",
          "An org may have at most " + MAX_RULES_PER_ORG + " fault rules; delete some first",
          Map.of("max", MAX_RULES_PER_ORG));
    Instant now = active.now();
    var created = new ArrayList<FaultRule>();
    for (var c : rules) {
      var rule =
          new FaultRule(
              UUID.randomUUID().toString(),
              orgId,
              c.name(),
              c.enabled(),
              c.definition(),
              c.expiresAt(),
              // A scenario's rules keep their order (rules apply in creation order).
              now.plusMillis(created.size()),
              0,
              0);
      store.insert(rule);
      created.add(rule);
    }
    active.refresh();
    return created;
  }

  private FaultRule withPending(FaultRule r) {
    long[] pending = active.pending(r.id());
    return new FaultRule(
        r.id(),
        r.orgId(),
        r.name(),
        r.enabled(),
        r.definition(),
        r.expiresAt(),
        r.createdAt(),
        r.matched() + pending[0],
        r.injected() + pending[1]);
  }
}

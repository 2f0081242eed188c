package io.switchboard.server.faults;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules that apply now, per org, as this node knows them. Every {@code refresh} (500 ms) the
 * node writes its counts since the last poll and reloads the enabled, unexpired rules of every org
 * from the database: a rule created or deleted on any node applies on every node within a second.
 * The node that made a change reloads at once.
 */
public final class ActiveFaults implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ActiveFaults.class);
  public static final Duration REFRESH = Duration.ofMillis(500);

  /** One org's active rules, split by where they act. */
  record OrgRules(List<RuleState> inbound, List<RuleState> upstream, boolean anyLag) {
    static final OrgRules NONE = new OrgRules(List.of(), List.of(), false);
  }

  private final FaultStore store;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, RuleState> states = new ConcurrentHashMap<>();
  private volatile Map<String, OrgRules> byOrg = Map.of();
  private final ScheduledExecutorService poller;
  private final Object refreshLock = new Object();

  public ActiveFaults(FaultStore store, Clock clock, MeterRegistry registry) {
    this.store = store;
    this.clock = clock;
    this.registry = registry;
    refresh();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "fault-rules-poll");
          t.setDaemon(true);
          return t;
        });
    poller.scheduleWithFixedDelay(
        this::refreshQuietly, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  OrgRules of(String orgId) {
    return byOrg.getOrDefault(orgId, OrgRules.NONE);
  }

  Instant now() {
    return clock.instant();
  }

  FaultStore store() {
    return store;
  }

  /**
   * {@code read} (stored counts plus {@link #pending} ones) while no flush is between taking the
   * pending counts and writing them: a count in flight would otherwise be in neither, and a rule
   * that had just injected would read 0 (ResourceCoverageIT saw it under load).
   */
  <T> T counted(java.util.function.Supplier<T> read) {
    synchronized (refreshLock) {
      return read.get();
    }
  }

  /** Counts this node has not yet written, to add to the stored ones. */
  long[] pending(String ruleId) {
    RuleState s = states.get(ruleId);
    return s == null ? new long[] {0, 0} : new long[] {s.pendingMatched(), s.pendingInjected()};
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // The database may be away for a moment; the rules known so far keep applying.
      log.warn("fault rules not refreshed: {}", e.toString());
    }
  }

  /** Writes pending counts, reloads the active rules. */
  void refresh() {
    synchronized (refreshLock) {
      flush();
      List<FaultRule> active = store.active(clock.instant());
      var seen = new HashMap<String, RuleState>();
      var inbound = new HashMap<String, List<RuleState>>();
      var upstream = new HashMap<String, List<RuleState>>();
      var lag = new HashMap<String, Boolean>();
      for (FaultRule rule : active) {
        RuleState state = states.computeIfAbsent(rule.id(), id -> new RuleState(rule, registry));
        state.update(rule);
        seen.put(rule.id(), state);
        var list = rule.type().upstream() ? upstream : inbound;
        list.computeIfAbsent(rule.orgId(), o -> new ArrayList<>()).add(state);
        if (rule.type() == EffectType.READ_AFTER_WRITE_LAG) lag.put(rule.orgId(), true);
      }
      for (var it = states.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!seen.containsKey(e.getKey())) {
          e.getValue().removeMeters(registry);
          it.remove();
        }
      }
      var next = new HashMap<String, OrgRules>();
      var orgs = new java.util.HashSet<String>(inbound.keySet());
      orgs.addAll(upstream.keySet());
      for (String org : orgs) {
        next.put(
            org,
            new OrgRules(
                List.copyOf(inbound.getOrDefault(org, List.of())),
                List.copyOf(upstream.getOrDefault(org, List.of())),
                lag.getOrDefault(org, false)));
      }
      byOrg = Map.copyOf(next);
    }
  }

  private void flush() {
    for (RuleState s : states.values()) {
      long m = s.takePendingMatched();
      long i = s.takePendingInjected();
      if (m == 0 && i == 0) continue;
      try {
        store.addCounts(s.rule().id(), m, i);
      } catch (RuntimeException e) {
        s.givePending(m, i);
        throw e;
      }
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      synchronized (refreshLock) {
        flush();
      }
    } catch (RuntimeException e) {
      log.warn("fault rule counts not written at stop: {}", e.toString());
    }
  }
}

package io.switchboard.server.faults;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.server.http.RequestBodies;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fault-injection feature as the composition root sees it: the gate for inbound requests, the
 * decorator for outbound calls, the routes, and the poller to close.
 */
public record Faults(
    FaultGate gate, UpstreamFaults upstream, FaultRoutes routes, ActiveFaults active) {

  public static Faults create(
      org.jdbi.v3.core.Jdbi jdbi,
      JsonMapper mapper,
      RequestBodies bodies,
      Clock clock,
      MeterRegistry registry) {
    var active = new ActiveFaults(new FaultStore(jdbi, mapper), clock, registry);
    var gate = new FaultGate(active, new WriteMarks());
    var service = new FaultService(active.store(), active, new Scenarios());
    return new Faults(gate, new UpstreamFaults(active), new FaultRoutes(service, bodies), active);
  }
}

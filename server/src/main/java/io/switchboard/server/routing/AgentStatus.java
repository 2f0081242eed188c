package io.switchboard.server.routing;

import java.time.Instant;
import java.util.Set;

/**
 * An agent's routing status (Genesys's RoutingStatus): {@code status} is one of {@link #ALL};
 * {@code startTime} is when it began (null for an agent that never set one: OFF_QUEUE).
 */
public record AgentStatus(String userId, String status, Instant startTime) {
  public static final String OFF_QUEUE = "OFF_QUEUE";
  public static final String IDLE = "IDLE";
  public static final String INTERACTING = "INTERACTING";
  public static final String NOT_RESPONDING = "NOT_RESPONDING";
  public static final String COMMUNICATING = "COMMUNICATING";

  public static final Set<String> ALL =
      Set.of(OFF_QUEUE, IDLE, INTERACTING, NOT_RESPONDING, COMMUNICATING);

  /** What an agent (or an admin for them) may set; the others follow from calls. */
  public static final Set<String> SETTABLE = Set.of(OFF_QUEUE, IDLE);

  public static AgentStatus offQueue(String userId) {
    return new AgentStatus(userId, OFF_QUEUE, null);
  }
}

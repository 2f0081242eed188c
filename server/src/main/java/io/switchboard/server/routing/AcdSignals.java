package io.switchboard.server.routing;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Agents that became IDLE in a transaction that has committed, waiting for the {@link Acd} to offer
 * them a queued call. Exists so the wrap-up hook (built before the services the Acd needs) can
 * reach the Acd without a reference to it. Bounded: when full, the Acd's sweep finds the agent.
 */
public final class AcdSignals {
  /** An agent of an org that is IDLE now. */
  public record Idle(String orgId, String userId) {}

  private final LinkedBlockingQueue<Idle> idle = new LinkedBlockingQueue<>(10_000);

  public void agentIdle(String orgId, String userId) {
    idle.offer(new Idle(orgId, userId));
  }

  Idle next(long timeoutMillis) throws InterruptedException {
    return idle.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }
}

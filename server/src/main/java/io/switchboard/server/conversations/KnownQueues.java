package io.switchboard.server.conversations;

/** Whether a queue id is one of the org's queues (the routing feature owns queues). */
@FunctionalInterface
public interface KnownQueues {
  boolean exists(String orgId, String queueId);

  KnownQueues NONE = (orgId, queueId) -> false;
}

package io.switchboard.server.notifications;

/**
 * One change to announce. {@code entity} and {@code sequence} (optional: null and 0) order the
 * events of one entity: a socket that has delivered sequence n of an entity skips any
 * later-arriving event of that entity with a sequence up to n (it is superseded: the newer state
 * went out first). Session events carry the session's version.
 */
public record Notification(
    String orgId, String topic, Object body, String correlationId, String entity, long sequence) {}

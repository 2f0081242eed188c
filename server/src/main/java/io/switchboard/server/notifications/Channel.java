package io.switchboard.server.notifications;

import java.time.Instant;

/** A notification channel: the owner (org and OAuth client) and its life. */
public record Channel(
    String id, String orgId, String clientId, Instant createdAt, Instant expiresAt) {}

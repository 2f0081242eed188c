package io.switchboard.server.notifications;

import java.time.Instant;

/**
 * A notification channel: the owner (org, and OAuth client or signed-in user), the access token
 * that made it (null for a channel made before tokens were recorded), and its life.
 */
public record Channel(
    String id,
    String orgId,
    String clientId,
    String tokenId,
    Instant createdAt,
    Instant expiresAt) {}

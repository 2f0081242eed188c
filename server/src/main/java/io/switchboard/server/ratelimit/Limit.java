package io.switchboard.server.ratelimit;

/**
 * The Genesys {@code Limit}: one limit of a namespace. A null {@code value} in a change means "back
 * to the default".
 */
public record Limit(String key, String namespace, Long value) {}

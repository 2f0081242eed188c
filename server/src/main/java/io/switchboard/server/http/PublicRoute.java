package io.switchboard.server.http;

import io.javalin.security.RouteRole;

/**
 * Marks an {@code /api/v2} route that answers without a token (the API reference). Such a route
 * skips authentication, gates and scopes; it must serve nothing that belongs to an organization.
 */
public enum PublicRoute implements RouteRole {
  INSTANCE
}

package io.switchboard.server.http;

import io.javalin.config.RoutesConfig;

/** A feature's routes. Each feature package has one; the composition root registers them all. */
public interface ApiRoutes {
  void register(RoutesConfig routes);
}

package io.switchboard.server.http;

import io.javalin.config.RoutesConfig;
import java.util.Map;

/** A feature's routes. Each feature package has one; the composition root registers them all. */
public interface ApiRoutes {
  void register(RoutesConfig routes);

  /**
   * GET routes of this feature whose only parameter is their last segment, by their path as
   * registered, whose 200 may be answered ahead of Javalin ({@link HotReads}). The route is still
   * registered as usual: every request that is not a plain 200 (an error, a 304, a query string) is
   * answered there.
   */
  default Map<String, HotRead> hotReads() {
    return Map.of();
  }
}

package io.switchboard.server.ops;

import io.javalin.config.RoutesConfig;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.storage.Database;
import java.util.LinkedHashMap;

/** {@code GET /health} (liveness and database readiness) and {@code GET /metrics} (Prometheus). */
public final class OpsRoutes implements ApiRoutes {
  private final Database database;
  private final RequestMetrics metrics;
  private final String version;

  public OpsRoutes(Database database, RequestMetrics metrics, String version) {
    this.database = database;
    this.metrics = metrics;
    this.version = version;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/health",
        ctx -> {
          boolean dbUp = database.isReady();
          var body = new LinkedHashMap<String, Object>();
          body.put("status", dbUp ? "UP" : "DOWN");
          body.put("database", dbUp ? "UP" : "DOWN");
          body.put("databaseDialect", database.dialect().name().toLowerCase());
          body.put("version", version);
          if (!dbUp) ctx.header("Retry-After", "1");
          ctx.status(dbUp ? 200 : 503).json(body);
        });
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }
}

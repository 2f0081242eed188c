package io.switchboard.server.ops;

import io.javalin.config.RoutesConfig;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.storage.Database;
import java.util.LinkedHashMap;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (readiness: start-up finished and the database answers; 503 otherwise) and {@code GET /metrics}
 * (Prometheus).
 */
public final class OpsRoutes implements ApiRoutes {
  private final Database database;
  private final RequestMetrics metrics;
  private final String version;
  private final BooleanSupplier started;

  public OpsRoutes(Database database, RequestMetrics metrics, String version, BooleanSupplier started) {
    this.database = database;
    this.started = started;
    this.metrics = metrics;
    this.version = version;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/health",
        ctx -> {
          boolean dbUp = database.isReady();
          boolean starting = !started.getAsBoolean();
          var body = new LinkedHashMap<String, Object>();
          body.put("status", starting ? "STARTING" : dbUp ? "UP" : "DOWN");
          body.put("database", dbUp ? "UP" : "DOWN");
          body.put("databaseDialect", database.dialect().name().toLowerCase());
          body.put("version", version);
          if (!dbUp || starting) ctx.header("Retry-After", "1");
          ctx.status(dbUp && !starting ? 200 : 503).json(body);
        });
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }
}

package io.switchboard.server.ops;

import io.javalin.config.RoutesConfig;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.storage.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (readiness: start-up finished and the database answers; 503 otherwise) and
 * {@code GET /metrics} (Prometheus).
 */
public final class OpsRoutes implements ApiRoutes {
  private final Database database;
  private final RequestMetrics metrics;
  private final String version;
  private final BooleanSupplier started;

  /**
   * When set ({@code ops.metrics.token}), a scrape must send {@code Authorization: Bearer <token>}.
   */
  private final byte[] scrapeToken;

  public OpsRoutes(
      Database database,
      RequestMetrics metrics,
      String version,
      BooleanSupplier started,
      String scrapeToken) {
    this.database = database;
    this.started = started;
    this.metrics = metrics;
    this.version = version;
    this.scrapeToken =
        scrapeToken == null || scrapeToken.isBlank()
            ? null
            : scrapeToken.getBytes(StandardCharsets.UTF_8);
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
    routes.get(
        "/metrics",
        ctx -> {
          if (scrapeToken != null && !presents(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"metrics\"");
            throw new Problem(
                Problem.Kind.UNAUTHENTICATED,
                "authentication.required",
                "This server's metrics need its scrape token (ops.metrics.token) as a bearer"
                    + " token.");
          }
          ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
  }

  private boolean presents(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))
      return false;
    // Constant-time, so the comparison does not leak how much of a guess was right.
    return MessageDigest.isEqual(
        scrapeToken, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }
}

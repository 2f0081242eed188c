package io.switchboard.server.demo;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Requests;
import io.switchboard.server.identity.Authenticator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fake CRM served by the same process under {@code /demo/crm}, so the demo external APIs work out
 * of the box ({@code serve --demo}, or {@code demo.crm-endpoint: true}). It wants a Switchboard
 * bearer token (the demo credential fetches one with OAuth2 client credentials) and has knobs, as
 * query parameters, to reproduce the failures a data action must survive:
 *
 * <ul>
 *   <li>{@code latencyMs=N} answers after N ms (at most 30000);
 *   <li>{@code status=N} answers with that status (a JSON error body), {@code retryAfter=S} adds
 *       {@code Retry-After};
 *   <li>{@code failRate=0.3} answers 503 to that share of calls;
 *   <li>{@code format=html} answers an HTML page instead of JSON (a load balancer's maintenance
 *       page).
 * </ul>
 */
public final class DemoCrmRoutes implements ApiRoutes {
  public static final String BASE = "/demo/crm";
  private static final List<String> NAMES =
      List.of(
          "Ada Lovelace",
          "Grace Hopper",
          "Alan Turing",
          "Katherine Johnson",
          "Edsger Dijkstra",
          "Barbara Liskov");
  private static final List<String> TIERS = List.of("gold", "silver", "bronze");

  private final Authenticator authenticator;
  private final JsonMapper mapper;

  public DemoCrmRoutes(Authenticator authenticator, JsonMapper mapper) {
    this.authenticator = authenticator;
    this.mapper = mapper;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(BASE + "/customers/{id}", this::customer);
    routes.post(BASE + "/cases", this::createCase);
  }

  private void customer(Context ctx) throws InterruptedException {
    if (!knobsAndAuth(ctx)) return;
    String id = ctx.pathParam("id");
    int h = Math.abs(id.hashCode());
    var customer = new LinkedHashMap<String, Object>();
    customer.put("id", id);
    customer.put("name", NAMES.get(h % NAMES.size()));
    customer.put("tier", TIERS.get(h % TIERS.size()));
    customer.put("email", "customer-" + (h % 10_000) + "@example.com");
    customer.put("openCases", h % 4);
    ctx.json(Map.of("customer", customer));
  }

  private void createCase(Context ctx) throws InterruptedException {
    if (!knobsAndAuth(ctx)) return;
    JsonNode body;
    try {
      body = mapper.readTree(ctx.bodyAsBytes());
    } catch (RuntimeException e) {
      ctx.status(400).json(Map.of("error", "the body must be JSON"));
      return;
    }
    var created = new LinkedHashMap<String, Object>();
    created.put("caseId", "CASE-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase());
    created.put("customerId", body.path("customerId").asString(""));
    created.put("subject", body.path("subject").asString(""));
    created.put("status", "open");
    ctx.status(201).json(created);
  }

  /** Applies the knobs and checks the token; false when the answer has already been written. */
  private boolean knobsAndAuth(Context ctx) throws InterruptedException {
    int latency = Requests.intQuery(ctx, "latencyMs", 0, 0, 30_000);
    if (latency > 0) Thread.sleep(latency);
    String auth = ctx.header("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.status(401).json(Map.of("error", "a bearer token is required"));
      return false;
    }
    try {
      authenticator.authenticate(auth.substring(7).trim());
    } catch (Problem p) {
      ctx.status(401).json(Map.of("error", "the bearer token is not valid"));
      return false;
    }
    int status = Requests.intQuery(ctx, "status", 0, 100, 599);
    String failRate = ctx.queryParam("failRate");
    if (status == 0 && failRate != null) {
      try {
        if (ThreadLocalRandom.current().nextDouble() < Double.parseDouble(failRate)) status = 503;
      } catch (NumberFormatException e) {
        throw Problem.invalid("failRate", "must be a number between 0 and 1");
      }
    }
    int retryAfter = Requests.intQuery(ctx, "retryAfter", 0, 1, 3600);
    if (retryAfter > 0) ctx.header("Retry-After", Integer.toString(retryAfter));
    boolean html = "html".equalsIgnoreCase(ctx.queryParam("format"));
    if (html) {
      ctx.status(status == 0 ? 200 : status)
          .contentType("text/html; charset=utf-8")
          .result(
              "<html><body><h1>Service Unavailable</h1><p>The CRM is down for maintenance.</p></body></html>"
                  .getBytes(StandardCharsets.UTF_8));
      return false;
    }
    if (status != 0 && status != 200) {
      ctx.status(status).json(Map.of("error", "demo failure requested", "status", status));
      return false;
    }
    return true;
  }
}

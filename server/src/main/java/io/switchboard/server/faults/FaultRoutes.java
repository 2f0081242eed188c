package io.switchboard.server.faults;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.faults.FaultRuleRequest.FaultEffect;
import io.switchboard.server.faults.FaultRuleRequest.FaultMatch;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.DocConformance;
import io.switchboard.server.http.HttpServer;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Scopes;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v2/switchboard/faults}: a Switchboard extension (no Genesys counterpart). Reading
 * needs the {@code faults} scope (or {@code faults:readonly}); changing rules needs {@code faults}
 * and {@code oauth}, the scope of whoever administers the org's clients: org admins only.
 */
public final class FaultRoutes implements ApiRoutes {
  public static final String BASE = "/api/v2/switchboard/faults";
  private static final Set<String> SCENARIO_TYPES =
      Set.of(
          RequestBodies.JSON, "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");

  private final FaultService faults;
  private final RequestBodies bodies;

  public FaultRoutes(FaultService faults, RequestBodies bodies) {
    this.faults = faults;
    this.bodies = bodies;
  }

  /** A rule on the wire. */
  public record FaultRuleView(
      String id,
      String name,
      boolean enabled,
      boolean active,
      FaultMatch match,
      double probability,
      long seed,
      FaultEffect effect,
      boolean silent,
      String scenario,
      Instant until,
      Instant dateCreated,
      long matched,
      long injected,
      String selfUri) {}

  public record ScenarioInfo(String name, String description, int rules) {}

  public record ScenarioListing(List<ScenarioInfo> entities) {}

  public record Applied(String scenario, List<FaultRuleView> entities) {}

  @Override
  public void register(RoutesConfig routes) {
    Scope read = Scope.read(Scopes.FAULTS);
    Scope write = Scope.write(Scopes.FAULTS);
    Scope admin = Scope.write(Scopes.OAUTH);
    routes.get(BASE + "/scenarios", this::scenarios, read, Doc.returns(ScenarioListing.class));
    routes.post(
        BASE + "/scenarios",
        this::applyUploaded,
        write,
        admin,
        Doc.of(Scenario.class, Applied.class)
            .created()
            .consumes(RequestBodies.JSON, "application/yaml")
            .error(
                400,
                "fault.scenario.unreadable",
                "fault.effect.unknown",
                "fault.status.out.of.range",
                "fault.probability.out.of.range",
                "fault.path.too.long")
            .error(409, "fault.rules.limit"));
    routes.post(
        BASE + "/scenarios/{name}",
        this::applyBuiltIn,
        write,
        admin,
        Doc.returns(Applied.class).created().error(409, "fault.rules.limit"));
    routes.post(
        BASE,
        this::create,
        write,
        admin,
        Doc.of(FaultRuleRequest.class, FaultRuleView.class)
            .created()
            .error(
                400,
                "fault.effect.unknown",
                "fault.status.out.of.range",
                "fault.probability.out.of.range",
                "fault.path.too.long")
            .error(409, "fault.rules.limit"));
    routes.get(
        BASE,
        this::list,
        read,
        Doc.page(FaultRuleView.class)
            .query(
                "pageSize",
                "1..500, default "
                    + FaultService.MAX_RULES_PER_ORG
                    + " (every rule an org may have)"));
    routes.delete(BASE, this::clear, write, admin, Doc.noContent());
    routes.get(BASE + "/{id}", this::get, read, Doc.returns(FaultRuleView.class));
    routes.delete(BASE + "/{id}", this::delete, write, admin, Doc.noContent());

    routes.exception(
        InjectedFault.class,
        (e, ctx) -> {
          ctx.attribute(DocConformance.NOT_THE_ROUTES, true);
          if (e.drop) return; // A reset connection has no answer to write.
          if (e.replay != null) {
            ctx.status(200).contentType(e.replay.contentType()).result(e.replay.body());
            return;
          }
          HttpServer.writeError(ctx, e.status, e.code, e.getMessage(), e.params);
        });
  }

  private void create(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    FaultRule rule = faults.create(org, bodies.read(ctx, FaultRuleRequest.class));
    ctx.status(201).header("Location", BASE + "/" + rule.id()).json(view(rule, faults));
  }

  /**
   * Genesys's page shape; unasked, one page holds every rule an org may have, as the listing held
   * before it was paged.
   */
  private void list(Context ctx) {
    var page = Page.Request.of(ctx, FaultService.MAX_RULES_PER_ORG);
    var rules = faults.list(Requests.principal(ctx).orgId());
    var views =
        rules.stream()
            .skip(page.offset())
            .limit(page.pageSize())
            .map(r -> view(r, faults))
            .toList();
    ctx.json(Page.of(ctx, page, views, rules.size()));
  }

  private void get(Context ctx) {
    ctx.json(view(faults.get(Requests.principal(ctx).orgId(), ctx.pathParam("id")), faults));
  }

  private void delete(Context ctx) {
    faults.delete(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void clear(Context ctx) {
    faults.clear(Requests.principal(ctx).orgId());
    ctx.status(204);
  }

  private void scenarios(Context ctx) {
    ctx.json(
        new ScenarioListing(
            faults.scenarios().builtIn().stream()
                .map(s -> new ScenarioInfo(s.name(), s.description(), s.rules().size()))
                .toList()));
  }

  private void applyBuiltIn(Context ctx) {
    String name = ctx.pathParam("name");
    Scenario scenario =
        faults
            .scenarios()
            .builtIn(name)
            .orElseThrow(() -> Problem.notFound("Fault scenario", name));
    applied(ctx, scenario);
  }

  private void applyUploaded(Context ctx) {
    RequestBodies.requireMediaType(ctx, SCENARIO_TYPES);
    applied(ctx, faults.scenarios().parse(bodies.bytes(ctx)));
  }

  private void applied(Context ctx, Scenario scenario) {
    String ttl = ctx.queryParam("ttlSeconds");
    Long ttlSeconds =
        ttl == null
            ? null
            : (long)
                Requests.intQuery(
                    ctx, "ttlSeconds", 3_600, 1, (int) FaultValidator.MAX_TTL_SECONDS);
    var rules = faults.apply(Requests.principal(ctx).orgId(), scenario, ttlSeconds);
    ctx.status(201)
        .json(new Applied(scenario.name(), rules.stream().map(r -> view(r, faults)).toList()));
  }

  static FaultRuleView view(FaultRule r, FaultService faults) {
    var d = r.definition();
    return new FaultRuleView(
        r.id(),
        r.name(),
        r.enabled(),
        r.activeAt(faults.now()),
        d.match(),
        d.probability(),
        d.seed(),
        d.effect(),
        d.silent(),
        d.scenario(),
        r.expiresAt(),
        r.createdAt(),
        r.matched(),
        r.injected(),
        BASE + "/" + r.id());
  }
}

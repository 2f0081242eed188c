package io.switchboard.server.integrations;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.http.SortOrder;
import io.switchboard.server.identity.Scopes;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/integrations/actions}: Genesys-shaped data actions (list with filters, create, get
 * with {@code expand=contract} and {@code includeConfig}, patch, delete), {@code .../test} and
 * {@code .../execute}, and {@code .../import} (a Switchboard extension: a Genesys UI export as is).
 */
public final class DataActionRoutes implements ApiRoutes {
  static final String BASE = "/api/v2/integrations/actions";

  /** Genesys's limit of the listing's {@code ids} filter. */
  static final int MAX_IDS = 50;

  private final DataActionService actions;
  private final RequestBodies bodies;

  public DataActionRoutes(DataActionService actions, RequestBodies bodies) {
    this.actions = actions;
    this.bodies = bodies;
  }

  /** Genesys's {@code Action}; {@code contract} and {@code config} only when asked for. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ActionView(
      String id,
      String name,
      String integrationId,
      String category,
      DataAction.Contract contract,
      long version,
      boolean secure,
      DataAction.Config config,
      String selfUri) {
    static ActionView of(DataAction a, boolean contract, boolean config) {
      return new ActionView(
          a.id(),
          a.name(),
          a.integrationId(),
          a.category(),
          contract ? a.contract() : null,
          a.version(),
          a.secure(),
          config ? a.config() : null,
          BASE + "/" + a.id());
    }
  }

  /** Genesys's {@code ErrorBody}, inside a test result. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorView(String message, String code, Integer status) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OperationView(
      int step, String name, boolean success, JsonNode result, ErrorView error) {}

  /** Genesys's {@code TestExecutionResult}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TestResultView(
      List<OperationView> operations, ErrorView error, JsonNode finalResult, boolean success) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        BASE,
        this::list,
        Scope.read(Scopes.INTEGRATIONS),
        Doc.page(ActionView.class)
            .query("integrationId", "Only the actions of this integration")
            .query("name", "Only actions whose name matches")
            .query("category", "Only actions of this category")
            .query("expand", "contract: include the contract")
            .query("includeConfig", "true: include the configuration")
            .query(
                "ids",
                "Only these actions, comma-joined or repeated, at most "
                    + MAX_IDS
                    + "; an id of another org matches none")
            .query("secure", "true: only secure actions; false: only the others")
            .query("sortBy", "name (default), category or id")
            .query("sortOrder", "ASC (default) or DESC")
            .query(
                "includeAuthActions", "true or false: the same actions (there are no auth actions)")
            .error(400, "invalid.value"));
    routes.post(
        BASE,
        this::create,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(DataActionService.Input.class, ActionView.class).created());
    routes.post(
        BASE + "/import",
        this::importExport,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(Doc.ANY, ActionView.class)
            .created()
            .requiredQuery("integrationId", "The integration the action belongs to")
            .query("name", "The new action's name (default: the export's)"));
    routes.get(
        BASE + "/{actionId}",
        this::get,
        Scope.read(Scopes.INTEGRATIONS),
        Doc.returns(ActionView.class)
            .query("expand", "contract: include the contract")
            .query("includeConfig", "true: include the configuration"));
    routes.patch(
        BASE + "/{actionId}",
        this::patch,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(DataActionService.Input.class, ActionView.class)
            .consumes(RequestBodies.JSON, RequestBodies.MERGE_PATCH)
            .error(409, "version.mismatch"));
    routes.delete(
        BASE + "/{actionId}",
        this::delete,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.noContent().error(409, "flow.reference.in.use"));
    // Running one makes an outbound call with a stored credential: a write scope, not a read.
    routes.post(
        BASE + "/{actionId}/test",
        this::test,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(Doc.ANY, TestResultView.class).bodyOptional());
    routes.post(
        BASE + "/{actionId}/execute",
        this::execute,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(Doc.ANY, Doc.ANY)
            .bodyOptional()
            .error(400, "invalid.input", "template.failed")
            .error(409, "integration.disabled")
            .error(
                422,
                "data.action.timeout",
                "data.action.http",
                "data.action.invalid-response",
                "data.action.egress.denied",
                "data.action.credential.host.denied")
            .error(503, "data.action.circuit-open"));
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var filter =
        new DataActionStore.Filter(
            blankToNull(ctx.queryParam("integrationId")),
            blankToNull(ctx.queryParam("name")),
            blankToNull(ctx.queryParam("category")),
            Requests.ids(ctx, "ids", MAX_IDS),
            Requests.bool(ctx, "secure"),
            DataActionStore.SortBy.valueOf(
                Requests.oneOf(ctx, "sortBy", "name", "name", "category", "id")
                    .toUpperCase(Locale.ROOT)),
            SortOrder.of(ctx) == SortOrder.ASCENDING);
    // There are no auth actions here (Genesys's custom-auth actions): including them or not lists
    // the same actions; the value is still checked.
    Requests.bool(ctx, "includeAuthActions");
    boolean contract = "contract".equals(ctx.queryParam("expand"));
    boolean config = "true".equalsIgnoreCase(ctx.queryParam("includeConfig"));
    var entities =
        actions.list(org, filter, page.offset(), page.pageSize()).stream()
            .map(a -> ActionView.of(a, contract, config))
            .toList();
    ctx.json(Page.of(ctx, page, entities, actions.count(org, filter)));
  }

  private void create(Context ctx) {
    var in = input(ctx);
    ctx.status(201);
    write(ctx, actions.create(Requests.principal(ctx).orgId(), in), true, true);
  }

  private void importExport(Context ctx) {
    String integrationId = blankToNull(ctx.queryParam("integrationId"));
    if (integrationId == null)
      throw Problem.invalid("integrationId", "the query parameter integrationId is required");
    JsonNode export = bodies.readTree(ctx, Set.of(RequestBodies.JSON));
    ctx.status(201);
    write(
        ctx,
        actions.importExport(
            Requests.principal(ctx).orgId(), integrationId, ctx.queryParam("name"), export),
        true,
        true);
  }

  private void get(Context ctx) {
    DataAction a = actions.get(Requests.principal(ctx).orgId(), ctx.pathParam("actionId"));
    write(
        ctx,
        a,
        "contract".equals(ctx.queryParam("expand")),
        "true".equalsIgnoreCase(ctx.queryParam("includeConfig")));
  }

  private void patch(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("actionId");
    actions.get(org, id);
    var in = input(ctx);
    write(
        ctx,
        actions.patch(org, id, in, Conditional.expectedVersionOrNull(ctx, in.version())),
        true,
        true);
  }

  private void delete(Context ctx) {
    actions.delete(Requests.principal(ctx).orgId(), ctx.pathParam("actionId"));
    ctx.status(204);
  }

  private void test(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("actionId");
    actions.get(org, id);
    DataActionRunner.Run run = actions.test(org, id, inputs(ctx));
    var ops =
        run.operations().stream()
            .map(o ->
                new OperationView(
                    o.step(),
                    o.name(),
                    o.success(),
                    o.result(),
                    o.error() == null ? null : new ErrorView(o.error(), run.failureCode(), null)))
            .toList();
    ctx.json(
        new TestResultView(
            ops,
            run.success() ? null : new ErrorView(run.failure(), run.failureCode(), null),
            run.output(),
            run.success()));
  }

  private void execute(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("actionId");
    actions.get(org, id);
    ctx.json(actions.execute(org, id, inputs(ctx)));
  }

  /** The body is the input object itself, as Genesys takes it; none means {}. */
  private JsonNode inputs(Context ctx) {
    boolean hasBody =
        ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
    if (!hasBody) return null;
    JsonNode tree = bodies.readTree(ctx, Set.of(RequestBodies.JSON));
    if (!tree.isObject()) throw Problem.badRequest("The input must be a JSON object");
    return tree;
  }

  private DataActionService.Input input(Context ctx) {
    JsonNode tree = bodies.readTree(ctx, Set.of(RequestBodies.JSON, RequestBodies.MERGE_PATCH));
    if (!tree.isObject()) throw Problem.badRequest("The request body must be a JSON object");
    return bodies.bind(tree, DataActionService.Input.class);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static void write(Context ctx, DataAction a, boolean contract, boolean config) {
    ctx.header("ETag", "\"" + a.version() + "\"");
    ctx.json(ActionView.of(a, contract, config));
  }
}

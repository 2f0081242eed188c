package io.switchboard.server.integrations;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Scopes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/integrations}: integration instances (Genesys's {@code Integration}) of type
 * {@code custom-rest-actions}, and their {@code config/current} (the credential their actions are
 * called with).
 */
public final class IntegrationRoutes implements ApiRoutes {
  static final String BASE = "/api/v2/integrations";

  /** The credential slot of a custom-rest-actions integration, as Genesys names it. */
  static final String CREDENTIAL_SLOT = "basicAuth";

  private final IntegrationService integrations;
  private final CredentialService credentials;
  private final RequestBodies bodies;

  public IntegrationRoutes(
      IntegrationService integrations, CredentialService credentials, RequestBodies bodies) {
    this.integrations = integrations;
    this.credentials = credentials;
    this.bodies = bodies;
  }

  public record TypeRef(String id, String name, String selfUri) {}

  public record Ref(String id, String name, String selfUri) {}

  public record StatusInfo(String code, String effective, Instant lastUpdated) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ConfigurationView(
      String id,
      String name,
      long version,
      Map<String, Object> properties,
      Map<String, Object> advanced,
      String notes,
      Map<String, Ref> credentials,
      String selfUri) {}

  public record ConfigurationInfo(ConfigurationView current) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record IntegrationView(
      String id,
      String name,
      TypeRef integrationType,
      String notes,
      String intendedState,
      ConfigurationInfo config,
      StatusInfo reportedState,
      Map<String, String> attributes,
      long version,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(BASE, this::list, Scope.read(Scopes.INTEGRATIONS), Doc.page(IntegrationView.class));
    routes.post(
        BASE,
        this::create,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(IntegrationView.class, IntegrationView.class).created());
    routes.get(
        BASE + "/{integrationId}",
        this::get,
        Scope.read(Scopes.INTEGRATIONS),
        Doc.returns(IntegrationView.class));
    routes.patch(
        BASE + "/{integrationId}",
        this::patch,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(IntegrationView.class, IntegrationView.class)
            .consumes(RequestBodies.JSON, RequestBodies.MERGE_PATCH)
            .error(409, "version.mismatch"));
    routes.delete(
        BASE + "/{integrationId}",
        this::delete,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.returns(IntegrationView.class).error(409, "flow.reference.in.use"));
    routes.get(
        BASE + "/{integrationId}/config/current",
        this::getConfig,
        Scope.read(Scopes.INTEGRATIONS),
        Doc.returns(ConfigurationView.class));
    routes.put(
        BASE + "/{integrationId}/config/current",
        this::putConfig,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(ConfigurationView.class, ConfigurationView.class).error(409, "version.mismatch"));
  }

  IntegrationView view(Integration i) {
    return new IntegrationView(
        i.id(),
        i.name(),
        new TypeRef(Integration.TYPE, "Web Services Data Actions", null),
        i.notes(),
        i.intendedState(),
        new ConfigurationInfo(configuration(i)),
        new StatusInfo(
            i.enabled() ? "ACTIVE" : "INACTIVE",
            i.enabled() ? "Active" : "Inactive",
            i.modifiedAt()),
        Map.of(),
        i.version(),
        i.createdAt(),
        i.modifiedAt(),
        BASE + "/" + i.id());
  }

  private ConfigurationView configuration(Integration i) {
    var creds = new LinkedHashMap<String, Ref>();
    if (i.credentialId() != null) {
      String name;
      try {
        name = credentials.get(i.orgId(), i.credentialId()).name();
      } catch (Problem gone) {
        name = null;
      }
      creds.put(
          CREDENTIAL_SLOT,
          new Ref(i.credentialId(), name, "/api/v2/integrations/credentials/" + i.credentialId()));
    }
    return new ConfigurationView(
        i.id(),
        i.name(),
        i.version(),
        Map.of(),
        Map.of("retry", i.retry()),
        i.notes(),
        creds,
        BASE + "/" + i.id() + "/config/current");
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var entities =
        integrations.list(org, page.offset(), page.pageSize()).stream().map(this::view).toList();
    ctx.json(Page.of(ctx, page, entities, integrations.count(org)));
  }

  private void create(Context ctx) {
    JsonNode tree = object(bodies.readTree(ctx, Set.of(RequestBodies.JSON)));
    JsonNode type = tree.path("integrationType");
    String typeId = type.isString() ? type.asString() : text(type, "id", "integrationType.id");
    JsonNode current = tree.path("config").path("current");
    var i =
        integrations.create(
            Requests.principal(ctx).orgId(),
            typeId,
            new IntegrationService.Changes(
                text(tree, "name", "name"),
                text(tree, "notes", "notes"),
                text(tree, "intendedState", "intendedState"),
                credentialId(current),
                retry(current)));
    ctx.status(201);
    write(ctx, i);
  }

  private void get(Context ctx) {
    write(ctx, integrations.get(Requests.principal(ctx).orgId(), ctx.pathParam("integrationId")));
  }

  private void patch(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("integrationId");
    integrations.get(org, id);
    JsonNode tree =
        object(bodies.readTree(ctx, Set.of(RequestBodies.JSON, RequestBodies.MERGE_PATCH)));
    JsonNode current = tree.path("config").path("current");
    Long version = tree.path("version").isIntegralNumber() ? tree.get("version").asLong() : null;
    write(
        ctx,
        integrations.change(
            org,
            id,
            new IntegrationService.Changes(
                text(tree, "name", "name"),
                text(tree, "notes", "notes"),
                text(tree, "intendedState", "intendedState"),
                credentialId(current),
                retry(current)),
            Conditional.expectedVersionOrNull(ctx, version)));
  }

  private void delete(Context ctx) {
    Integration gone =
        integrations.delete(Requests.principal(ctx).orgId(), ctx.pathParam("integrationId"));
    ctx.json(view(gone));
  }

  private void getConfig(Context ctx) {
    Integration i =
        integrations.get(Requests.principal(ctx).orgId(), ctx.pathParam("integrationId"));
    ctx.header("ETag", "\"" + i.version() + "\"");
    ctx.json(configuration(i));
  }

  private void putConfig(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("integrationId");
    integrations.get(org, id);
    JsonNode tree = object(bodies.readTree(ctx, Set.of(RequestBodies.JSON)));
    Long version = tree.path("version").isIntegralNumber() ? tree.get("version").asLong() : null;
    String credentialId = credentialId(tree);
    Integration i =
        integrations.configure(
            org,
            id,
            text(tree, "name", "name"),
            text(tree, "notes", "notes"),
            credentialId == null ? "" : credentialId,
            retry(tree),
            Conditional.expectedVersionOrNull(ctx, version));
    ctx.header("ETag", "\"" + i.version() + "\"");
    ctx.json(configuration(i));
  }

  private static JsonNode object(JsonNode tree) {
    if (!tree.isObject()) throw Problem.badRequest("The request body must be a JSON object");
    return tree;
  }

  private static String text(JsonNode tree, String name, String field) {
    JsonNode v = tree.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isString()) throw Problem.invalid(field, "must be a string");
    return v.asString();
  }

  /**
   * The credential of a configuration: {@code credentials: {<slot>: {id}}} with one slot (Genesys
   * names it {@code basicAuth}); {@code {}} removes it, absent keeps it.
   */
  private static String credentialId(JsonNode config) {
    JsonNode creds = config.get("credentials");
    if (creds == null || creds.isNull() || creds.isMissingNode()) return null;
    if (!creds.isObject())
      throw Problem.invalid("config.current.credentials", "must be an object of slot to {id}");
    if (creds.isEmpty()) return "";
    if (creds.size() > 1)
      throw Problem.invalid("config.current.credentials", "holds at most one credential");
    JsonNode ref = creds.properties().iterator().next().getValue();
    String id = ref.isObject() ? text(ref, "id", "config.current.credentials.id") : null;
    if (id == null || id.isBlank())
      throw Problem.invalid(
          "config.current.credentials", "each slot needs {\"id\": <credential id>}");
    return id;
  }

  private static Integer retry(JsonNode config) {
    JsonNode v = config.path("advanced").get("retry");
    if (v == null || v.isNull()) return null;
    if (!v.isIntegralNumber() || !v.canConvertToInt())
      throw Problem.invalid("config.current.advanced.retry", "must be a whole number 0..3");
    return v.intValue();
  }

  private void write(Context ctx, Integration i) {
    ctx.header("ETag", "\"" + i.version() + "\"");
    ctx.json(view(i));
  }
}

package io.switchboard.server.credentials;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Conditional;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import io.switchboard.server.identity.Scopes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v2/integrations/credentials}: create, list, get, replace and delete; secrets go in,
 * never out.
 */
public final class CredentialRoutes implements ApiRoutes {
  static final String BASE = "/api/v2/integrations/credentials";

  private final CredentialService credentials;
  private final RequestBodies bodies;

  public CredentialRoutes(CredentialService credentials, RequestBodies bodies) {
    this.credentials = credentials;
    this.bodies = bodies;
  }

  /** Genesys's {@code CredentialType} reference: {@code {name}}. */
  public record TypeRef(String name) {}

  /**
   * Genesys's {@code Credential}: public fields only (strings, Genesys's names), plus the names of
   * the write-only fields that are set; {@code credentialType} is our precise kind ({@code basic},
   * {@code bearer}, {@code api-key}, {@code oauth2-client-credentials}).
   */
  public record CredentialView(
      String id,
      String name,
      String description,
      TypeRef type,
      String credentialType,
      Map<String, String> credentialFields,
      List<String> secretFields,
      List<String> allowedHosts,
      long version,
      Instant createdDate,
      Instant modifiedDate,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {
    static CredentialView of(Credential c) {
      return new CredentialView(
          c.id(),
          c.name(),
          c.description(),
          new TypeRef(GenesysCredentials.genesysType(c.type())),
          c.type().wireName(),
          GenesysCredentials.fields(c.type().freeForm() ? Map.of() : c.publicFields()),
          c.type().freeForm()
              ? CredentialType.fieldNames(c.publicFields())
              : c.type().secretFields(),
          c.allowedHosts() == null ? List.of() : c.allowedHosts(),
          c.version(),
          c.createdAt(),
          c.modifiedAt(),
          c.createdAt(),
          c.modifiedAt(),
          BASE + "/" + c.id());
    }
  }

  /**
   * What a caller sends. The read-only fields of the view are accepted and ignored, so a fetched
   * credential can be sent back with changes (its secrets, which it lacks, are kept).
   */
  public record CredentialRequest(
      String name,
      String description,
      JsonNode type,
      String credentialType,
      JsonNode credentialFields,
      List<String> allowedHosts,
      Long version,
      String id,
      List<String> secretFields,
      Instant dateCreated,
      Instant dateModified,
      String selfUri) {
    /**
     * {@code current}: the stored type on a replace (tells a bare userDefined apart), else null.
     */
    CredentialService.Input input(CredentialType current) {
      String ours = GenesysCredentials.ourType(type, credentialFields, credentialType, current);
      // A free-form credential's fields keep the names given: no Genesys aliases, no scope lists.
      boolean freeForm =
          CredentialType.USER_DEFINED.wireName().equals(ours)
              || (ours == null && current == CredentialType.USER_DEFINED);
      return new CredentialService.Input(
          name,
          description,
          ours,
          freeForm ? credentialFields : GenesysCredentials.normalizeFields(credentialFields),
          allowedHosts);
    }

    @Override
    public String toString() {
      return "CredentialRequest[name=" + name + ", type=" + type + "]";
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(BASE, this::list, Scope.read(Scopes.INTEGRATIONS), Doc.page(CredentialView.class));
    // Before {id}, so "types" is not taken for an id.
    routes.get(
        BASE + "/types",
        this::types,
        Scope.read(Scopes.INTEGRATIONS),
        Doc.returns(Doc.pageOf(Doc.mapOf(Object.class)))
            .query("pageSize", "Entities per page, 1..500 (default 25)")
            .query("pageNumber", "Page number, from 1"));
    routes.post(
        BASE,
        this::create,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(CredentialRequest.class, CredentialView.class).created());
    routes.get(
        BASE + "/{id}",
        this::get,
        Scope.read(Scopes.INTEGRATIONS),
        Doc.returns(CredentialView.class));
    routes.put(
        BASE + "/{id}",
        this::replace,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.of(CredentialRequest.class, CredentialView.class).error(409, "version.mismatch"));
    routes.delete(
        BASE + "/{id}",
        this::delete,
        Scope.write(Scopes.INTEGRATIONS),
        Doc.noContent().error(409, "credential.in.use"));
  }

  private void list(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    var page = Page.Request.of(ctx);
    var entities =
        credentials.list(org, page.offset(), page.pageSize()).stream()
            .map(CredentialView::of)
            .toList();
    ctx.json(Page.of(ctx, page, entities, credentials.count(org)));
  }

  private void types(Context ctx) {
    var page = Page.Request.of(ctx);
    var all = GenesysCredentials.types();
    ctx.json(
        Page.of(
            ctx,
            page,
            all.stream().skip(page.offset()).limit(page.pageSize()).toList(),
            all.size()));
  }

  private void create(Context ctx) {
    CredentialRequest req = bodies.read(ctx, CredentialRequest.class);
    Credential created = credentials.create(Requests.principal(ctx).orgId(), req.input(null));
    ctx.status(201);
    write(ctx, created);
  }

  private void get(Context ctx) {
    write(ctx, credentials.get(Requests.principal(ctx).orgId(), ctx.pathParam("id")));
  }

  private void replace(Context ctx) {
    String org = Requests.principal(ctx).orgId();
    String id = ctx.pathParam("id");
    Credential current = credentials.get(org, id);
    CredentialRequest req = bodies.read(ctx, CredentialRequest.class);
    if (req.id() != null && !req.id().equals(id))
      throw io.switchboard.server.errors.Problem.invalid("id", "must match the id in the path");
    write(
        ctx,
        credentials.replace(
            org,
            id,
            req.input(current.type()),
            Conditional.expectedVersionOrNull(ctx, req.version())));
  }

  private void delete(Context ctx) {
    credentials.delete(Requests.principal(ctx).orgId(), ctx.pathParam("id"));
    ctx.status(204);
  }

  private static void write(Context ctx, Credential c) {
    ctx.header("ETag", "\"" + c.version() + "\"");
    ctx.json(CredentialView.of(c));
  }
}

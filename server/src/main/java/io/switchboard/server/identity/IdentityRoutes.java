package io.switchboard.server.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.switchboard.server.errors.Problem;
import io.switchboard.server.http.ApiRoutes;
import io.switchboard.server.http.Doc;
import io.switchboard.server.http.Page;
import io.switchboard.server.http.RequestBodies;
import io.switchboard.server.http.Requests;
import io.switchboard.server.http.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /oauth/token}, the OAuth client admin API and {@code GET}/{@code DELETE
 * /api/v2/tokens/me}.
 */
public final class IdentityRoutes implements ApiRoutes {
  private final IdentityService identity;
  private final RequestBodies bodies;
  private final TokenThrottle throttle;
  private final SignInService signIn;

  public IdentityRoutes(
      IdentityService identity,
      RequestBodies bodies,
      TokenThrottle throttle,
      SignInService signIn) {
    this.identity = identity;
    this.bodies = bodies;
    this.throttle = throttle;
    this.signIn = signIn;
  }

  /** The Genesys OAuthClient shape; {@code secret} is present only when just created or rotated. */
  public record ClientView(
      String id,
      String name,
      String description,
      int accessTokenValiditySeconds,
      String authorizedGrantType,
      List<String> scope,
      List<OAuthClient.RoleDivision> roleDivisions,
      List<String> roleIds,
      List<String> registeredRedirectUri,
      String state,
      Instant dateCreated,
      Instant dateModified,
      Instant secretRotatedDate,
      String secret,
      String selfUri) {

    /** A client is usable from creation until deleted (Genesys's other states are not modelled). */
    static final String STATE = "active";

    static ClientView of(OAuthClient c, String secret) {
      return new ClientView(
          c.id(),
          c.name(),
          c.description(),
          c.tokenLifetimeSeconds(),
          c.grantType(),
          List.copyOf(c.scopes()),
          c.roleDivisions(),
          c.roleDivisions().stream().map(OAuthClient.RoleDivision::roleId).distinct().toList(),
          c.redirectUris(),
          STATE,
          c.createdAt(),
          c.modifiedAt(),
          c.secretRotatedAt(),
          secret,
          "/api/v2/oauth/clients/" + c.id());
    }
  }

  /** Genesys's {@code NamedEntity}. */
  public record NamedEntity(String id, String name) {}

  /** Genesys's {@code OrgOAuthClient}, as {@code TokenInfo} carries it. */
  public record TokenClientView(
      String id,
      String name,
      Instant dateCreated,
      Instant dateModified,
      String authorizedGrantType,
      List<String> scope,
      String state,
      NamedEntity organization) {}

  /** Genesys's {@code TokenInfo}: whose token this is and what it may do. */
  public record TokenInfoView(
      NamedEntity organization,
      NamedEntity homeOrganization,
      List<String> authorizedScope,
      @JsonProperty("OAuthClient") TokenClientView oauthClient) {}

  /**
   * What a caller may send to create a client: Genesys's {@code OAuthClientRequest}. {@code
   * roleIds} (Genesys's older form) grant their roles in the Home division.
   */
  public record ClientRequest(
      String name,
      String description,
      Integer accessTokenValiditySeconds,
      List<String> scope,
      @JsonProperty("authorizedGrantType") String authorizedGrantType,
      List<OAuthClient.RoleDivision> roleDivisions,
      List<String> roleIds,
      List<String> registeredRedirectUri) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/oauth/token", this::token);
    routes.get(
        "/api/v2/oauth/clients",
        this::list,
        Scope.read(Scopes.OAUTH),
        Doc.page(ClientView.class)
            .query("pageSize", "1..500, default 500 (Genesys does not page it)"));
    routes.post(
        "/api/v2/oauth/clients",
        this::create,
        Scope.write(Scopes.OAUTH),
        Doc.of(ClientRequest.class, ClientView.class).created());
    routes.get(
        "/api/v2/oauth/clients/{id}",
        this::get,
        Scope.read(Scopes.OAUTH),
        Doc.returns(ClientView.class));
    routes.put(
        "/api/v2/oauth/clients/{id}",
        this::update,
        Scope.write(Scopes.OAUTH),
        Doc.of(ClientRequest.class, ClientView.class));
    routes.delete(
        "/api/v2/oauth/clients/{id}", this::delete, Scope.write(Scopes.OAUTH), Doc.noContent());
    routes.post(
        "/api/v2/oauth/clients/{id}/secret",
        this::rotate,
        Scope.write(Scopes.OAUTH),
        Doc.returns(ClientView.class));
    routes.get("/api/v2/tokens/me", this::tokenInfo, Doc.returns(TokenInfoView.class));
    routes.delete("/api/v2/tokens/me", this::revokeMine, Doc.noContent());
  }

  /**
   * Genesys's client listing has no paging parameters, so its SDKs cannot ask past the first page:
   * without {@code pageSize} it is a page of {@link Page#MAX_PAGE_SIZE}, every client of any
   * realistic org (beyond that, the page's links lead on).
   */
  private void list(Context ctx) {
    Principal p = Requests.principal(ctx);
    var page = Page.Request.of(ctx, Page.MAX_PAGE_SIZE);
    var entities =
        identity.listClients(p.orgId(), page.offset(), page.pageSize()).stream()
            .map(c -> ClientView.of(c, null))
            .toList();
    ctx.json(Page.of(ctx, page, entities, identity.countClients(p.orgId())));
  }

  private void create(Context ctx) {
    var created =
        identity.createClient(
            Requests.principal(ctx), settings(bodies.read(ctx, ClientRequest.class)));
    ctx.status(201).json(ClientView.of(created.client(), created.secret()));
  }

  private void update(Context ctx) {
    OAuthClient updated =
        identity.updateClient(
            Requests.principal(ctx),
            ctx.pathParam("id"),
            settings(bodies.read(ctx, ClientRequest.class)));
    ctx.json(ClientView.of(updated, null));
  }

  /** {@code roleIds} (Genesys's older form) grant their roles in the Home division. */
  private static IdentityService.NewClient settings(ClientRequest req) {
    var roleDivisions = new java.util.ArrayList<OAuthClient.RoleDivision>();
    if (req.roleDivisions() != null) roleDivisions.addAll(req.roleDivisions());
    if (req.roleIds() != null)
      for (String roleId : req.roleIds())
        roleDivisions.add(new OAuthClient.RoleDivision(roleId, Divisions.HOME_ALIAS));
    return new IdentityService.NewClient(
        req.name(),
        req.description(),
        req.accessTokenValiditySeconds(),
        req.scope() == null ? null : new java.util.LinkedHashSet<>(req.scope()),
        req.authorizedGrantType(),
        req.registeredRedirectUri(),
        roleDivisions);
  }

  private void get(Context ctx) {
    ctx.json(
        ClientView.of(
            identity.getClient(Requests.principal(ctx).orgId(), ctx.pathParam("id")), null));
  }

  private void delete(Context ctx) {
    identity.deleteClient(Requests.principal(ctx), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void rotate(Context ctx) {
    var rotated = identity.rotateSecret(Requests.principal(ctx), ctx.pathParam("id"));
    ctx.json(ClientView.of(rotated.client(), rotated.secret()));
  }

  private void tokenInfo(Context ctx) {
    Principal p = Requests.principal(ctx);
    Org org =
        identity.findOrg(p.orgId()).orElseThrow(() -> Problem.notFound("organization", p.orgId()));
    var orgRef = new NamedEntity(org.id(), org.name());
    OAuthClient c = identity.getClient(p.orgId(), p.clientId());
    var client =
        new TokenClientView(
            c.id(),
            c.name(),
            c.createdAt(),
            c.modifiedAt(),
            c.grantType(),
            List.copyOf(c.scopes()),
            ClientView.STATE,
            orgRef);
    ctx.json(new TokenInfoView(orgRef, orgRef, p.scopes().stream().sorted().toList(), client));
  }

  private void revokeMine(Context ctx) {
    identity.revoke(Requests.principal(ctx));
    ctx.status(204);
  }

  // ---- RFC 6749 token endpoint: its own error shape, not ErrorBody.

  private void token(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.header("Pragma", "no-cache");
    String contentType =
        ctx.contentType() == null
            ? ""
            : ctx.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!contentType.equals("application/x-www-form-urlencoded")) {
      oauthError(
          ctx,
          400,
          "invalid_request",
          "The token request must be application/x-www-form-urlencoded");
      return;
    }
    Map<String, List<String>> form = ctx.formParamMap();
    String grantType = single(form, "grant_type");
    if (grantType == null) {
      oauthError(ctx, 400, "invalid_request", "grant_type is required");
      return;
    }
    boolean codeGrant = grantType.equals("authorization_code");
    if (!grantType.equals("client_credentials") && !codeGrant) {
      oauthError(
          ctx,
          400,
          "unsupported_grant_type",
          "Only the client_credentials and authorization_code grants are supported");
      return;
    }
    Optional<String[]> basic = basicCredentials(ctx.header("Authorization"));
    String formId = single(form, "client_id");
    String formSecret = single(form, "client_secret");
    String clientId;
    String secret;
    if (basic.isPresent()) {
      if (formSecret != null) {
        oauthError(ctx, 400, "invalid_request", "Use one client authentication method, not both");
        return;
      }
      clientId = basic.get()[0];
      secret = basic.get()[1];
    } else if (formId != null && formSecret != null) {
      clientId = formId;
      secret = formSecret;
    } else if (codeGrant) {
      // A public client redeeming a code with PKCE: the verifier stands in for the secret.
      exchange(ctx, form, null);
      return;
    } else {
      ctx.header("WWW-Authenticate", "Basic realm=\"switchboard\"");
      oauthError(
          ctx,
          401,
          "invalid_client",
          "Client authentication is required (HTTP Basic or client_id and client_secret)");
      return;
    }
    // Before bcrypt: a refused request costs a map look-up (and, to let a known-good secret through
    // a
    // lock-out an attacker caused, one database read and a SHA-256).
    String address = ctx.req().getRemoteAddr();
    TokenThrottle.Refusal refusal = throttle.admit(clientId, address);
    if (refusal != null
        && !(refusal.forFailures() && identity.isRememberedSecret(clientId, secret))) {
      long seconds = Math.max(1, (refusal.retryAfter().toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      oauthError(
          ctx,
          429,
          "temporarily_unavailable",
          (refusal.forFailures() ? "Too many failed token requests" : "Too many token requests")
              + " for this client or from this address; retry after "
              + seconds
              + " s");
      return;
    }
    Optional<OAuthClient> client = identity.authenticateClient(clientId, secret);
    if (client.isEmpty()) {
      throttle.failed(clientId, address);
      if (basic.isPresent()) ctx.header("WWW-Authenticate", "Basic realm=\"switchboard\"");
      oauthError(ctx, 401, "invalid_client", "Client authentication failed");
      return;
    }
    if (codeGrant) {
      exchange(ctx, form, client.get());
      return;
    }
    if (client.get().signsInUsers()) {
      oauthError(
          ctx,
          400,
          "unauthorized_client",
          "This client signs users in ("
              + client.get().grantType()
              + "); it has no"
              + " client_credentials grant");
      return;
    }
    var issued = identity.issueToken(client.get());
    var body = new LinkedHashMap<String, Object>();
    body.put("access_token", issued.accessToken());
    body.put("token_type", issued.tokenType());
    body.put("expires_in", issued.expiresIn());
    ctx.json(body);
  }

  private void exchange(Context ctx, Map<String, List<String>> form, OAuthClient authenticated) {
    TokenService.IssuedToken issued;
    try {
      issued =
          signIn.exchange(
              single(form, "code"),
              single(form, "redirect_uri"),
              single(form, "client_id"),
              single(form, "code_verifier"),
              authenticated);
    } catch (SignInService.TokenError e) {
      oauthError(ctx, e.status, e.error, e.getMessage());
      return;
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("access_token", issued.accessToken());
    body.put("token_type", issued.tokenType());
    body.put("expires_in", issued.expiresIn());
    ctx.json(body);
  }

  private static String single(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  /** HTTP Basic, split on the first colon: a secret may itself contain colons. */
  static Optional<String[]> basicCredentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return Optional.empty();
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) return Optional.of(new String[] {decoded, ""});
      return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    } catch (IllegalArgumentException e) {
      return Optional.of(new String[] {"", ""});
    }
  }

  private static void oauthError(Context ctx, int status, String error, String description) {
    ctx.status(status).json(Map.of("error", error, "error_description", description));
  }
}

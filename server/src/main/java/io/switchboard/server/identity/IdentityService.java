package io.switchboard.server.identity;

import io.switchboard.server.errors.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Organisations and their OAuth clients. */
public final class IdentityService {
  public static final int MIN_TOKEN_LIFETIME = 300;
  public static final int MAX_TOKEN_LIFETIME = 172_800;

  private final IdentityStore store;
  private final SecretHasher hasher;
  private final TokenService tokens;
  private final Clock clock;
  private final int defaultTokenLifetime;
  private final RoleService roles;

  public IdentityService(
      IdentityStore store,
      SecretHasher hasher,
      TokenService tokens,
      RoleService roles,
      Clock clock,
      int defaultTokenLifetime) {
    this.store = store;
    this.roles = roles;
    this.hasher = hasher;
    this.tokens = tokens;
    this.clock = clock;
    this.defaultTokenLifetime = defaultTokenLifetime;
  }

  /** A client together with its secret in clear: only ever returned at creation or rotation. */
  public record ClientWithSecret(OAuthClient client, String secret) {}

  public record NewOrg(Org org, ClientWithSecret admin) {}

  public record NewClient(
      String name,
      String description,
      Integer tokenLifetimeSeconds,
      Set<String> scopes,
      String grantType,
      List<String> redirectUris,
      List<OAuthClient.RoleDivision> roleDivisions) {
    public NewClient(
        String name, String description, Integer tokenLifetimeSeconds, Set<String> scopes) {
      this(name, description, tokenLifetimeSeconds, scopes, null, null, null);
    }
  }

  /** Redirect URIs one client may register, and the length of each. */
  static final int MAX_REDIRECT_URIS = 20;

  static final int MAX_REDIRECT_URI_LENGTH = 2000;

  /** A new org with an admin client holding every scope. */
  public NewOrg createOrg(String name) {
    String trimmed = requireName("name", name);
    if (store.findOrgByName(trimmed).isPresent()) {
      throw new Problem(
          Problem.Kind.CONFLICT,
          "org.name.taken",
          "An organization named " + trimmed + " already exists",
          Map.of("name", trimmed));
    }
    Instant now = clock.instant();
    var org = new Org(UUID.randomUUID().toString(), trimmed, now);
    String secret = hasher.newSecret();
    var client =
        new OAuthClient(
            UUID.randomUUID().toString(),
            org.id(),
            "admin",
            "All-scopes admin client",
            hasher.hash(secret),
            allScopes(),
            defaultTokenLifetime,
            now,
            now);
    store.inTransaction(h -> {
      store.insertOrg(h, org);
      store.insertClient(h, client);
      return null;
    });
    return new NewOrg(org, new ClientWithSecret(client, secret));
  }

  /** Every org, by name. */
  public List<Org> listOrgs() {
    return store.listOrgs();
  }

  public Optional<Org> findOrgByName(String name) {
    return store.findOrgByName(name);
  }

  public Optional<Org> findOrg(String id) {
    return store.findOrg(id);
  }

  public static Set<String> allScopes() {
    return new LinkedHashSet<>(Scopes.all());
  }

  public ClientWithSecret createClient(Principal caller, NewClient request) {
    Settings v = validated(caller, request, defaultTokenLifetime, null);
    Instant now = clock.instant();
    String secret = hasher.newSecret();
    var client =
        new OAuthClient(
            UUID.randomUUID().toString(),
            caller.orgId(),
            v.name(),
            request.description(),
            hasher.hash(secret),
            v.scopes(),
            v.lifetime(),
            now,
            now,
            v.grantType(),
            v.redirectUris(),
            v.roleDivisions());
    store.inTransaction(h -> {
      store.insertClient(h, client);
      return null;
    });
    return new ClientWithSecret(client, secret);
  }

  /**
   * Replaces a client's settings (Genesys's {@code PUT /api/v2/oauth/clients/{id}}), checked as at
   * creation; the secret stays. An absent {@code accessTokenValiditySeconds} or grant type keeps
   * the client's; absent scopes, roles or redirect URIs are none. The caller must hold what the
   * client holds now and what it will hold. A change that takes anything away (a scope, a role, the
   * grant type) ends the tokens issued before it, as a secret rotation does: they were granted what
   * the client no longer has.
   */
  public OAuthClient updateClient(Principal caller, String id, NewClient request) {
    String orgId = caller.orgId();
    // Decided on the locked row: a rotation or another PUT meanwhile waits, or is seen.
    OAuthClient updated =
        store.inTransaction(h -> {
          OAuthClient current = locked(h, orgId, id);
          Instant now = clock.instant();
          requireHolds(caller, heldBy(current), "change a client with");
          Settings v =
              validated(caller, request, current.tokenLifetimeSeconds(), current.grantType());
          var next =
              new OAuthClient(
                  id,
                  orgId,
                  v.name(),
                  request.description(),
                  current.secretHash(),
                  v.scopes(),
                  v.lifetime(),
                  current.createdAt(),
                  current.secretRotatedAt(),
                  v.grantType(),
                  v.redirectUris(),
                  v.roleDivisions(),
                  now,
                  takesAway(current, v)
                      ? after(current.tokenStamp(), now)
                      : current.tokensValidFrom());
          if (!store.updateClient(h, next)) throw Problem.notFound("OAuth client", id);
          return next;
        });
    tokens.clientChanged(updated);
    return updated;
  }

  private OAuthClient locked(org.jdbi.v3.core.Handle h, String orgId, String id) {
    return store.lockClient(h, orgId, id).orElseThrow(() -> Problem.notFound("OAuth client", id));
  }

  /**
   * A time that ends every token of {@code stamp} (tokens carry milliseconds): {@code now}, or just
   * after the stamp when a node's clock is behind it.
   */
  private static Instant after(Instant stamp, Instant now) {
    Instant next = stamp.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plusMillis(1);
    return now.isBefore(next) ? next : now;
  }

  /**
   * True when {@code next} takes from the client what its tokens were granted: a scope, a role, the
   * grant type, or (for a sign-in client without scopes, whose users' tokens carry all of theirs)
   * any scope at all.
   */
  private static boolean takesAway(OAuthClient current, Settings next) {
    boolean unbounded = current.signsInUsers() && current.scopes().isEmpty();
    return (unbounded ? !next.scopes().isEmpty() : !next.scopes().containsAll(current.scopes()))
        || !next.roleDivisions().containsAll(current.roleDivisions())
        || !next.grantType().equals(current.grantType());
  }

  /**
   * What a caller must hold to change, rotate or delete a client: what the client holds. A sign-in
   * client without scopes lends its users all of theirs, so it takes every scope.
   */
  private Set<String> heldBy(OAuthClient c) {
    return c.signsInUsers() && c.scopes().isEmpty() ? allScopes() : effectiveScopes(c);
  }

  /** A client's settings as checked for a create or an update. */
  private record Settings(
      String name,
      int lifetime,
      String grantType,
      Set<String> scopes,
      List<OAuthClient.RoleDivision> roleDivisions,
      List<String> redirectUris) {}

  /**
   * The request's settings, each checked; {@code defaultGrantType} null means client credentials.
   * The caller can grant no more than it holds.
   */
  private Settings validated(
      Principal caller, NewClient request, int defaultLifetime, String defaultGrantType) {
    String name = requireName("name", request.name());
    if (request.description() != null && request.description().length() > 1000)
      throw Problem.invalid("description", "must be at most 1000 characters");
    int lifetime =
        request.tokenLifetimeSeconds() == null ? defaultLifetime : request.tokenLifetimeSeconds();
    if (lifetime < MIN_TOKEN_LIFETIME || lifetime > MAX_TOKEN_LIFETIME) {
      throw new Problem(
          Problem.Kind.INVALID,
          "invalid.value",
          "accessTokenValiditySeconds must be between "
              + MIN_TOKEN_LIFETIME
              + " and "
              + MAX_TOKEN_LIFETIME
              + ", got "
              + lifetime,
          Map.of(
              "field",
              "accessTokenValiditySeconds",
              "min",
              MIN_TOKEN_LIFETIME,
              "max",
              MAX_TOKEN_LIFETIME));
    }
    String grantType =
        request.grantType() == null && defaultGrantType != null
            ? defaultGrantType
            : grantType(request.grantType());
    Set<String> scopes = request.scopes() == null ? Set.of() : request.scopes();
    for (String scope : scopes) {
      if (scope == null || !Scopes.isKnown(scope))
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "scope: unknown scope '" + scope + "'",
            Map.of("field", "scope", "scope", String.valueOf(scope)));
    }
    var roleDivisions = roleDivisions(caller.orgId(), request.roleDivisions());
    if (grantType.equals(OAuthClient.CLIENT_CREDENTIALS)
        && scopes.isEmpty()
        && roleDivisions.isEmpty())
      throw Problem.invalid("scope", "at least one scope or roleDivision is required");
    List<String> redirectUris = redirectUris(grantType, request.redirectUris());
    requireHolds(caller, scopes, "grant a client");
    // A sign-in client without scopes lends its users all of theirs.
    if (!grantType.equals(OAuthClient.CLIENT_CREDENTIALS) && scopes.isEmpty())
      requireHolds(
          caller,
          allScopes(),
          "grant a sign-in client without scopes (its users keep all of theirs)");
    requireHolds(
        caller,
        roles.scopesOf(
            caller.orgId(), roleDivisions.stream().map(OAuthClient.RoleDivision::roleId).toList()),
        "grant a client");
    return new Settings(
        name, lifetime, grantType, new LinkedHashSet<>(scopes), roleDivisions, redirectUris);
  }

  private static String grantType(String requested) {
    if (requested == null || requested.isBlank()) return OAuthClient.CLIENT_CREDENTIALS;
    String upper = requested.trim().toUpperCase(java.util.Locale.ROOT).replace('_', '-');
    return switch (upper) {
      case OAuthClient.CLIENT_CREDENTIALS, OAuthClient.CODE, OAuthClient.TOKEN -> upper;
      default ->
          throw Problem.invalid("authorizedGrantType", "must be CLIENT-CREDENTIALS, CODE or TOKEN");
    };
  }

  /** Each role must exist in the org and each division be the org's Home division. */
  private List<OAuthClient.RoleDivision> roleDivisions(
      String orgId, List<OAuthClient.RoleDivision> requested) {
    if (requested == null || requested.isEmpty()) return List.of();
    if (requested.size() > 100) throw Problem.invalid("roleDivisions", "at most 100 entries");
    var out = new java.util.ArrayList<OAuthClient.RoleDivision>();
    for (var rd : requested) {
      if (rd == null || rd.roleId() == null)
        throw Problem.invalid("roleDivisions", "each entry needs a roleId");
      roles.require(orgId, List.of(rd.roleId()), "roleDivisions");
      String division =
          rd.divisionId() == null || rd.divisionId().equals("*")
              ? Divisions.homeId(orgId)
              : rd.divisionId();
      if (!Divisions.isHome(orgId, division))
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "roleDivisions: no division " + division,
            Map.of("field", "roleDivisions", "divisionId", division));
      var entry = new OAuthClient.RoleDivision(rd.roleId(), Divisions.homeId(orgId));
      if (!out.contains(entry)) out.add(entry);
    }
    return out;
  }

  /** Sign-in clients need at least one absolute http(s) redirect URI without a fragment. */
  private static List<String> redirectUris(String grantType, List<String> requested) {
    List<String> uris = requested == null ? List.of() : requested;
    if (uris.size() > MAX_REDIRECT_URIS)
      throw Problem.invalid("registeredRedirectUri", "at most " + MAX_REDIRECT_URIS + " URIs");
    for (String uri : uris) {
      if (uri == null || uri.length() > MAX_REDIRECT_URI_LENGTH)
        throw Problem.invalid(
            "registeredRedirectUri",
            "each URI is at most " + MAX_REDIRECT_URI_LENGTH + " characters");
      try {
        var parsed = new java.net.URI(uri);
        String scheme =
            parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!parsed.isAbsolute()
            || !(scheme.equals("https") || scheme.equals("http"))
            || parsed.getHost() == null
            || parsed.getRawFragment() != null)
          throw Problem.invalid(
              "registeredRedirectUri",
              "'" + uri + "' must be an absolute http(s) URI without a fragment");
      } catch (java.net.URISyntaxException e) {
        throw Problem.invalid("registeredRedirectUri", "'" + uri + "' is not a URI");
      }
    }
    if (!grantType.equals(OAuthClient.CLIENT_CREDENTIALS) && uris.isEmpty())
      throw Problem.invalid(
          "registeredRedirectUri", "a " + grantType + " client needs at least one redirect URI");
    return List.copyOf(new LinkedHashSet<>(uris));
  }

  /** What a client-credentials token of this client may do: its scopes and its roles' scopes. */
  public Set<String> effectiveScopes(OAuthClient client) {
    var scopes = new LinkedHashSet<>(client.scopes());
    scopes.addAll(
        roles.scopesOf(
            client.orgId(),
            client.roleDivisions().stream().map(OAuthClient.RoleDivision::roleId).toList()));
    return scopes;
  }

  public OAuthClient getClient(String orgId, String id) {
    return store
        .findClient(id)
        .filter(c -> c.orgId().equals(orgId))
        .orElseThrow(() -> Problem.notFound("OAuth client", id));
  }

  /**
   * Replaces a sign-in client's redirect URIs (checked as at creation). The demo uses it to follow
   * the server's base URL from one start to the next; there is no API route for it.
   */
  public OAuthClient setRedirectUris(String orgId, String id, List<String> redirectUris) {
    OAuthClient client = getClient(orgId, id);
    List<String> uris = redirectUris(client.grantType(), redirectUris);
    if (!store.updateRedirectUris(orgId, id, uris)) throw Problem.notFound("OAuth client", id);
    return getClient(orgId, id);
  }

  public List<OAuthClient> listClients(String orgId, int offset, int limit) {
    return store.listClients(orgId, offset, limit);
  }

  public long countClients(String orgId) {
    return store.countClients(orgId);
  }

  /**
   * A client can grant no more than it holds, and for the same reason it cannot take over (rotate
   * the secret of) or remove a client that holds more than it does: with only {@code oauth} it
   * could otherwise rotate the all-scopes admin client and log in as it.
   */
  static void requireHolds(Principal caller, java.util.Collection<String> scopes, String action) {
    for (String scope : scopes) {
      String base = scope.endsWith(":readonly") ? scope.substring(0, scope.length() - 9) : scope;
      if (!caller.hasScope(scope) && !caller.hasScope(base)) {
        throw new Problem(
            Problem.Kind.FORBIDDEN,
            "missing.scope",
            "The caller cannot " + action + " the scope " + scope + " that it does not hold",
            Map.of("scope", scope));
      }
    }
  }

  /** Decided on the locked row, as a PUT is: a change meanwhile waits, or is seen. */
  public void deleteClient(Principal caller, String id) {
    String orgId = caller.orgId();
    OAuthClient client =
        store.inTransaction(h -> {
          OAuthClient current = locked(h, orgId, id);
          requireHolds(caller, heldBy(current), "delete a client with");
          if (!store.deleteClient(orgId, id)) throw Problem.notFound("OAuth client", id);
          return current;
        });
    hasher.forget(client.secretHash());
    tokens.forgetClient(id);
  }

  public ClientWithSecret rotateSecret(Principal caller, String id) {
    String orgId = caller.orgId();
    // Hashed before the row is locked: a slow hash would hold the lock.
    String secret = hasher.newSecret();
    String hash = hasher.hash(secret);
    OAuthClient[] before = new OAuthClient[1];
    var rotated =
        store.inTransaction(h -> {
          OAuthClient current = locked(h, orgId, id);
          requireHolds(caller, heldBy(current), "rotate the secret of a client with");
          Instant at = after(current.tokenStamp(), clock.instant());
          if (!store.updateSecret(orgId, id, hash, at)) throw Problem.notFound("OAuth client", id);
          before[0] = current;
          return current.withSecret(hash, at);
        });
    hasher.forget(before[0].secretHash());
    // Tokens minted with the old secret end with it (see TokenService): a rotation is what one does
    // after a leak.
    tokens.clientChanged(rotated);
    return new ClientWithSecret(rotated, secret);
  }

  /** The client whose id and secret these are, or empty; never says which of the two was wrong. */
  public Optional<OAuthClient> authenticateClient(String clientId, String secret) {
    if (clientId == null || clientId.isBlank() || clientId.length() > 64) return Optional.empty();
    Optional<OAuthClient> client = store.findClient(clientId);
    if (client.isEmpty()) {
      // Spend comparable time on unknown ids, so timing does not reveal which ids exist.
      hasher.matches(secret == null ? "x" : secret, DUMMY_HASH);
      return Optional.empty();
    }
    return hasher.matches(secret, client.get().secretHash()) ? client : Optional.empty();
  }

  /**
   * True when {@code secret} is the one this node already verified for the client: costs a look-up,
   * never bcrypt.
   */
  public boolean isRememberedSecret(String clientId, String secret) {
    if (clientId == null || clientId.isBlank() || clientId.length() > 64) return false;
    return store
        .findClient(clientId)
        .map(c -> hasher.matchesRemembered(secret, c.secretHash()))
        .orElse(false);
  }

  /** A client-credentials token: the client's scopes and its roles' scopes as they are now. */
  public TokenService.IssuedToken issueToken(OAuthClient client) {
    return tokens.issue(client, effectiveScopes(client), null);
  }

  /**
   * A user's token through a sign-in client: the user's roles' scopes as they are now, narrowed to
   * the client's own scopes when it names any.
   */
  public TokenService.IssuedToken issueUserToken(OAuthClient client, String userId) {
    var scopes = new LinkedHashSet<>(roles.userScopes(client.orgId(), userId));
    if (!client.scopes().isEmpty()) scopes.retainAll(client.scopes());
    return tokens.issue(client, scopes, userId);
  }

  public RoleService roles() {
    return roles;
  }

  public void revoke(Principal principal) {
    tokens.revoke(principal);
  }

  private static final String DUMMY_HASH =
      "$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z1RJ1NmgE1e8xaLi7VRVuQ6e";

  private static String requireName(String field, String value) {
    if (value == null || value.isBlank()) throw Problem.invalid(field, "is required");
    String trimmed = value.trim();
    if (trimmed.length() > 200) throw Problem.invalid(field, "must be at most 200 characters");
    return trimmed;
  }
}

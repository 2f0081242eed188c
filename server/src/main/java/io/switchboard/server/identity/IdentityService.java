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

  public IdentityService(
      IdentityStore store,
      SecretHasher hasher,
      TokenService tokens,
      Clock clock,
      int defaultTokenLifetime) {
    this.store = store;
    this.hasher = hasher;
    this.tokens = tokens;
    this.clock = clock;
    this.defaultTokenLifetime = defaultTokenLifetime;
  }

  /** A client together with its secret in clear: only ever returned at creation or rotation. */
  public record ClientWithSecret(OAuthClient client, String secret) {}

  public record NewOrg(Org org, ClientWithSecret admin) {}

  public record NewClient(
      String name, String description, Integer tokenLifetimeSeconds, Set<String> scopes) {}

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
    String name = requireName("name", request.name());
    if (request.description() != null && request.description().length() > 1000)
      throw Problem.invalid("description", "must be at most 1000 characters");
    int lifetime =
        request.tokenLifetimeSeconds() == null
            ? defaultTokenLifetime
            : request.tokenLifetimeSeconds();
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
    if (request.scopes() == null || request.scopes().isEmpty())
      throw Problem.invalid("scope", "at least one scope is required");
    for (String scope : request.scopes()) {
      if (scope == null || !Scopes.isKnown(scope))
        throw new Problem(
            Problem.Kind.INVALID,
            "invalid.value",
            "scope: unknown scope '" + scope + "'",
            Map.of("field", "scope", "scope", String.valueOf(scope)));
    }
    requireHolds(caller, request.scopes(), "grant");
    Instant now = clock.instant();
    String secret = hasher.newSecret();
    var client =
        new OAuthClient(
            UUID.randomUUID().toString(),
            caller.orgId(),
            name,
            request.description(),
            hasher.hash(secret),
            new LinkedHashSet<>(request.scopes()),
            lifetime,
            now,
            now);
    store.inTransaction(h -> {
      store.insertClient(h, client);
      return null;
    });
    return new ClientWithSecret(client, secret);
  }

  public OAuthClient getClient(String orgId, String id) {
    return store
        .findClient(id)
        .filter(c -> c.orgId().equals(orgId))
        .orElseThrow(() -> Problem.notFound("OAuth client", id));
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
  private static void requireHolds(
      Principal caller, java.util.Collection<String> scopes, String action) {
    for (String scope : scopes) {
      String base = scope.endsWith(":readonly") ? scope.substring(0, scope.length() - 9) : scope;
      if (!caller.hasScope(scope) && !caller.hasScope(base)) {
        throw new Problem(
            Problem.Kind.FORBIDDEN,
            "missing.scope",
            "The caller cannot "
                + action
                + " a client with the scope "
                + scope
                + " that it does not hold",
            Map.of("scope", scope));
      }
    }
  }

  public void deleteClient(Principal caller, String id) {
    String orgId = caller.orgId();
    OAuthClient client = getClient(orgId, id);
    requireHolds(caller, client.scopes(), "delete");
    if (!store.deleteClient(orgId, id)) throw Problem.notFound("OAuth client", id);
    hasher.forget(client.secretHash());
    tokens.forgetClient(id);
  }

  public ClientWithSecret rotateSecret(Principal caller, String id) {
    String orgId = caller.orgId();
    OAuthClient client = getClient(orgId, id);
    requireHolds(caller, client.scopes(), "rotate the secret of");
    String secret = hasher.newSecret();
    String hash = hasher.hash(secret);
    Instant now = clock.instant();
    if (!store.updateSecret(orgId, id, hash, now)) throw Problem.notFound("OAuth client", id);
    hasher.forget(client.secretHash());
    var rotated =
        new OAuthClient(
            client.id(),
            client.orgId(),
            client.name(),
            client.description(),
            hash,
            client.scopes(),
            client.tokenLifetimeSeconds(),
            client.createdAt(),
            now);
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

  public TokenService.IssuedToken issueToken(OAuthClient client) {
    return tokens.issue(client);
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

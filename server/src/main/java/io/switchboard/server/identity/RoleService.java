package io.switchboard.server.identity;

import io.switchboard.server.errors.Checks;
import io.switchboard.server.errors.Problem;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Authorization roles: the built-in {@code admin}, {@code integrator}, {@code scripter} and {@code
 * agent} of every org (defined here, read-only, with ids derived from the org's id) and the org's
 * custom roles. A role's scopes are resolved whenever a token is issued, so changing a role changes
 * the tokens issued afterwards; tokens already issued keep their scopes until they expire.
 */
public final class RoleService {
  /** Custom roles one org may have. */
  public static final int MAX_CUSTOM_ROLES = 1000;

  private record BuiltIn(String key, String description, Set<String> scopes) {}

  private static final List<BuiltIn> BUILT_IN =
      List.of(
          new BuiltIn("admin", "Everything: every scope.", new LinkedHashSet<>(Scopes.all())),
          new BuiltIn(
              "integrator",
              "Credentials, external APIs and flows; reads scripts, users and wrap-up codes.",
              new LinkedHashSet<>(
                  List.of(
                      Scopes.INTEGRATIONS,
                      Scopes.ARCHITECT,
                      Scopes.NOTIFICATIONS,
                      Scopes.SCRIPTS + ":readonly",
                      Scopes.USERS + ":readonly",
                      Scopes.ROUTING + ":readonly"))),
          new BuiltIn(
              "scripter",
              "Writes and publishes scripts; reads flows, users and wrap-up codes.",
              new LinkedHashSet<>(
                  List.of(
                      Scopes.SCRIPTS,
                      Scopes.ARCHITECT + ":readonly",
                      Scopes.USERS + ":readonly",
                      Scopes.ROUTING + ":readonly"))),
          new BuiltIn(
              "agent",
              "Handles calls: conversations, wrap-ups and script sessions; reads scripts.",
              new LinkedHashSet<>(
                  List.of(
                      Scopes.CONVERSATIONS,
                      Scopes.SESSIONS,
                      Scopes.NOTIFICATIONS,
                      Scopes.SCRIPTS + ":readonly",
                      Scopes.USERS + ":readonly",
                      Scopes.ROUTING + ":readonly"))));

  private final RoleStore store;
  private final Clock clock;

  public RoleService(RoleStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** What a caller asks for: scopes by our names and/or Genesys permission strings. */
  public record RoleRequest(
      String name, String description, List<String> scopes, List<String> permissions) {}

  public static String builtInId(String orgId, String key) {
    return UUID.nameUUIDFromBytes(
            ("switchboard/role/" + key + "/" + orgId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static List<Role> builtIns(String orgId) {
    return BUILT_IN.stream()
        .map(b ->
            new Role(
                builtInId(orgId, b.key()),
                orgId,
                b.key(),
                b.description(),
                Set.copyOf(b.scopes()),
                true,
                Instant.EPOCH,
                Instant.EPOCH))
        .toList();
  }

  /** Built-in roles first, then custom ones by name. */
  public List<Role> list(String orgId) {
    var all = new ArrayList<>(builtIns(orgId));
    var custom = new ArrayList<>(store.list(orgId));
    custom.sort(Comparator.comparing(Role::name, String.CASE_INSENSITIVE_ORDER));
    all.addAll(custom);
    return all;
  }

  public Optional<Role> find(String orgId, String id) {
    if (id == null) return Optional.empty();
    for (Role r : builtIns(orgId)) if (r.id().equals(id)) return Optional.of(r);
    return store.find(orgId, id);
  }

  public Role get(String orgId, String id) {
    return find(orgId, id).orElseThrow(() -> Problem.notFound("Role", id));
  }

  /** The union of the roles' scopes; roles deleted meanwhile grant nothing. */
  public Set<String> scopesOf(String orgId, Collection<String> roleIds) {
    var scopes = new LinkedHashSet<String>();
    for (String id : new LinkedHashSet<>(roleIds))
      find(orgId, id).ifPresent(r -> scopes.addAll(r.scopes()));
    return scopes;
  }

  /** The roles, every one existing in the org (else 400 naming {@code field}). */
  public List<Role> require(String orgId, Collection<String> roleIds, String field) {
    var roles = new ArrayList<Role>();
    for (String id : new LinkedHashSet<>(roleIds)) {
      roles.add(
          find(orgId, id)
              .orElseThrow(() ->
                  new Problem(
                      Problem.Kind.INVALID,
                      "invalid.value",
                      field + ": no role " + id,
                      Map.of("field", field, "roleId", String.valueOf(id)))));
    }
    return roles;
  }

  public Role create(Principal caller, RoleRequest request) {
    String orgId = caller.orgId();
    String name = Checks.requiredText("name", request.name(), 200);
    Set<String> scopes = scopesFrom(request);
    IdentityService.requireHolds(caller, scopes, "create a role with");
    if (builtIns(orgId).stream().anyMatch(r -> r.name().equalsIgnoreCase(name))) throw taken(name);
    if (store.count(orgId) >= MAX_CUSTOM_ROLES)
      throw new Problem(
          Problem.Kind.CONFLICT,
          "role.limit",
          "An org has at most " + MAX_CUSTOM_ROLES + " custom roles",
          Map.of("max", MAX_CUSTOM_ROLES));
    Instant now = clock.instant();
    var role =
        new Role(
            UUID.randomUUID().toString(),
            orgId,
            name,
            Checks.optionalText("description", request.description(), 1000),
            scopes,
            false,
            now,
            now);
    if (!store.insert(role)) throw taken(name);
    return role;
  }

  public Role update(Principal caller, String id, RoleRequest request) {
    String orgId = caller.orgId();
    Role existing = get(orgId, id);
    if (existing.builtIn()) throw builtIn(existing);
    String name = Checks.requiredText("name", request.name(), 200);
    Set<String> scopes = scopesFrom(request);
    // Whoever edits a role could otherwise widen the grants of everyone holding it.
    IdentityService.requireHolds(caller, existing.scopes(), "change a role with");
    IdentityService.requireHolds(caller, scopes, "change a role with");
    if (builtIns(orgId).stream().anyMatch(r -> r.name().equalsIgnoreCase(name))) throw taken(name);
    var role =
        new Role(
            id,
            orgId,
            name,
            Checks.optionalText("description", request.description(), 1000),
            scopes,
            false,
            existing.createdAt(),
            clock.instant());
    Optional<Boolean> updated = store.update(role);
    if (updated.isEmpty()) throw taken(name);
    if (!updated.get()) throw Problem.notFound("Role", id);
    return role;
  }

  public void delete(Principal caller, String id) {
    Role existing = get(caller.orgId(), id);
    if (existing.builtIn()) throw builtIn(existing);
    IdentityService.requireHolds(caller, existing.scopes(), "delete a role with");
    if (!store.delete(caller.orgId(), id)) throw Problem.notFound("Role", id);
  }

  /** How many of the org's users (not deleted) hold each of the roles; 0 for one none holds. */
  public Map<String, Integer> userCounts(String orgId, Collection<String> roleIds) {
    var held = store.userCounts(orgId, roleIds);
    var counts = new HashMap<String, Integer>();
    for (String id : roleIds) counts.put(id, held.getOrDefault(id, 0));
    return counts;
  }

  public List<Role> userRoles(String orgId, String userId) {
    var roles = new ArrayList<Role>();
    for (String id : store.userRoleIds(orgId, userId)) find(orgId, id).ifPresent(roles::add);
    return roles;
  }

  public Set<String> userScopes(String orgId, String userId) {
    return scopesOf(orgId, store.userRoleIds(orgId, userId));
  }

  /**
   * Replaces the user's roles. The caller must hold every scope of the roles it grants and of those
   * it takes away (else a holder of {@code authorization} could make any user an admin).
   */
  public List<Role> setUserRoles(Principal caller, String userId, List<String> roleIds) {
    if (roleIds.size() > 100) throw Problem.invalid("roleIds", "at most 100 roles");
    var roles = require(caller.orgId(), roleIds, "roleIds");
    for (Role r : roles)
      IdentityService.requireHolds(caller, r.scopes(), "grant the role " + r.name() + " with");
    for (Role r : userRoles(caller.orgId(), userId))
      IdentityService.requireHolds(caller, r.scopes(), "take away the role " + r.name() + " with");
    store.setUserRoles(caller.orgId(), userId, roles.stream().map(Role::id).toList());
    return roles;
  }

  /**
   * Acting as a user (setting its password) needs every scope the user's roles grant: else a holder
   * of {@code users} could take over an admin.
   */
  public void requireHoldsUserRoles(Principal caller, String userId, String action) {
    IdentityService.requireHolds(caller, userScopes(caller.orgId(), userId), action);
  }

  private static Set<String> scopesFrom(RoleRequest request) {
    var scopes = new LinkedHashSet<String>();
    if (request.scopes() != null) {
      for (String s : request.scopes()) {
        if (s == null || !Scopes.isKnown(s))
          throw new Problem(
              Problem.Kind.INVALID,
              "invalid.value",
              "scopes: unknown scope '" + s + "'",
              Map.of("field", "scopes", "scope", String.valueOf(s)));
        scopes.add(s);
      }
    }
    if (request.permissions() != null && !request.permissions().isEmpty()) {
      Permissions.unknown(request.permissions())
          .ifPresent(p -> {
            throw new Problem(
                Problem.Kind.INVALID,
                "invalid.value",
                "permissions: '" + p + "' is not a permission of this server",
                Map.of("field", "permissions", "permission", String.valueOf(p)));
          });
      scopes.addAll(Permissions.scopesOf(request.permissions()));
    }
    if (scopes.isEmpty())
      throw Problem.invalid("scopes", "a role needs at least one scope or permission");
    if (String.join(",", scopes).length() > 4000)
      throw Problem.invalid("scopes", "too many scopes");
    return Set.copyOf(scopes);
  }

  private static Problem taken(String name) {
    return new Problem(
        Problem.Kind.CONFLICT,
        "role.name.taken",
        "A role named " + name + " already exists",
        Map.of("name", name));
  }

  private static Problem builtIn(Role r) {
    return new Problem(
        Problem.Kind.BAD_REQUEST,
        "role.builtin",
        "The built-in role " + r.name() + " cannot be changed or deleted; create a custom role",
        Map.of("roleId", r.id()));
  }
}

package io.switchboard.server.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Our scopes as Genesys permission strings ({@code domain:entity:action}): a scope is {@code
 * domain:entity:*} for each entity it covers, its {@code :readonly} form {@code
 * domain:entity:view}. The mapping is one table, read both ways: a role written with Genesys
 * permissions gets the scopes whose permissions it names exactly.
 */
public final class Permissions {
  private Permissions() {}

  /** Scope to the {@code domain:entity} pairs it covers. */
  private static final Map<String, List<String>> ENTITIES = entities();

  private static Map<String, List<String>> entities() {
    var m = new LinkedHashMap<String, List<String>>();
    m.put(Scopes.OAUTH, List.of("oauth:client"));
    m.put(Scopes.SCRIPTS, List.of("scripter:script"));
    m.put(Scopes.SESSIONS, List.of("scripter:session"));
    m.put(Scopes.CONVERSATIONS, List.of("conversation:call"));
    m.put(Scopes.USERS, List.of("directory:user"));
    m.put(Scopes.ROUTING, List.of("routing:wrapupCode"));
    m.put(Scopes.ARCHITECT, List.of("architect:flow", "integrations:action"));
    m.put(Scopes.INTEGRATIONS, List.of("integrations:credential"));
    m.put(Scopes.LIMITS, List.of("organization:limits"));
    m.put(Scopes.LIMITS_EDIT, List.of("organization:limitsEdit"));
    m.put(Scopes.NOTIFICATIONS, List.of("notifications:channel"));
    m.put(Scopes.AUTHORIZATION, List.of("authorization:role"));
    for (String scope : Scopes.all())
      if (!m.containsKey(scope)) m.put(scope, List.of("switchboard:" + scope.replace(':', '-')));
    return Map.copyOf(m);
  }

  /** Genesys's {@code DomainPermissionPolicy}, reduced to what a scope says. */
  public record Policy(
      String domain,
      String entityName,
      String policyName,
      List<String> actionSet,
      boolean allowConditions) {}

  public static List<String> of(Set<String> scopes) {
    var out = new LinkedHashSet<String>();
    for (String scope : scopes) {
      boolean readOnly = scope.endsWith(":readonly");
      String base = readOnly ? scope.substring(0, scope.length() - 9) : scope;
      for (String entity : ENTITIES.getOrDefault(base, List.of()))
        out.add(entity + (readOnly ? ":view" : ":*"));
    }
    return List.copyOf(out);
  }

  public static List<Policy> policies(Set<String> scopes) {
    var out = new ArrayList<Policy>();
    for (String permission : of(scopes)) {
      String[] parts = permission.split(":", 3);
      out.add(new Policy(parts[0], parts[1], permission, List.of(parts[2]), false));
    }
    return out;
  }

  /**
   * The scope a permission string stands for, or empty when it names none exactly (a scope that
   * covers several entities is granted only when all of them are named: see {@link #scopesOf}).
   */
  public static Set<String> scopesOf(List<String> permissions) {
    var named = new LinkedHashSet<>(permissions);
    var scopes = new LinkedHashSet<String>();
    for (String scope : Scopes.all()) {
      for (String suffix : List.of(":*", ":view")) {
        List<String> needed =
            ENTITIES.getOrDefault(scope, List.of()).stream().map(e -> e + suffix).toList();
        if (!needed.isEmpty() && named.containsAll(needed)) {
          scopes.add(suffix.equals(":*") ? scope : scope + ":readonly");
          break;
        }
      }
    }
    return scopes;
  }

  /** The first permission string that maps to no scope, if any. */
  public static Optional<String> unknown(List<String> permissions) {
    var known = new LinkedHashSet<String>();
    for (var entities : ENTITIES.values())
      for (String e : entities) {
        known.add(e + ":*");
        known.add(e + ":view");
      }
    return permissions.stream().filter(p -> p == null || !known.contains(p)).findFirst();
  }
}

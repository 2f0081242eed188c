package io.switchboard.server.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every scope a client can hold. Read endpoints also accept {@code <scope>:readonly}. The README's
 * scope table is this map.
 */
public final class Scopes {
  private Scopes() {}

  public static final String OAUTH = "oauth";
  public static final String SCRIPTS = "scripts";
  public static final String SESSIONS = "agent-scripting";
  public static final String CONVERSATIONS = "conversations";
  public static final String USERS = "users";
  public static final String ROUTING = "routing";
  public static final String ARCHITECT = "architect";
  public static final String INTEGRATIONS = "integrations";
  public static final String LIMITS = "limits";
  public static final String LIMITS_EDIT = "limits:edit";
  public static final String NOTIFICATIONS = "notifications";
  public static final String FAULTS = "faults";
  public static final String AUTHORIZATION = "authorization";

  /** Scope name to what it allows. */
  public static final Map<String, String> CATALOG = catalog();

  private static Map<String, String> catalog() {
    var m = new LinkedHashMap<String, String>();
    m.put(OAUTH, "Manage the org's OAuth clients (create, list, delete, rotate secrets).");
    m.put(SCRIPTS, "Create, edit, publish and delete scripts; read published scripts.");
    m.put(SESSIONS, "Start, update, complete and render agent script sessions.");
    m.put(CONVERSATIONS, "Create conversations, change participants, disconnect, record wrap-ups.");
    m.put(USERS, "Manage the org's agent directory.");
    m.put(ROUTING, "Manage wrap-up codes, queues and their members, and agents' routing status.");
    m.put(ARCHITECT, "Manage external APIs (data actions), flows and IVRs.");
    m.put(INTEGRATIONS, "Manage stored integration credentials.");
    m.put(LIMITS, "Read the org's rate limits and live usage.");
    m.put(LIMITS_EDIT, "Change the org's rate limits.");
    m.put(NOTIFICATIONS, "Open notification channels and subscribe to topics.");
    m.put(
        FAULTS,
        "Read the org's fault-injection rules; with oauth too, create and delete them (org"
            + " admins).");
    m.put(AUTHORIZATION, "Manage roles, read divisions, grant roles to users.");
    return Map.copyOf(m).size() == m.size() ? java.util.Collections.unmodifiableMap(m) : m;
  }

  /** True for a catalogued scope or its {@code :readonly} form. */
  public static boolean isKnown(String scope) {
    return CATALOG.containsKey(scope)
        || (scope.endsWith(":readonly")
            && CATALOG.containsKey(scope.substring(0, scope.length() - 9)));
  }

  public static Set<String> all() {
    return CATALOG.keySet();
  }
}

package io.switchboard.server.ratelimit;

import java.util.List;

/**
 * Which endpoint group a request path belongs to: the one table that says so. Longer prefixes are
 * listed before the shorter ones they refine; a path that matches none is in {@code other}.
 */
public final class EndpointGroups {
  public static final String OTHER = "other";

  private record Prefix(String path, String group) {}

  private static final List<Prefix> PREFIXES =
      List.of(
          new Prefix("/api/v2/scripts", "scripts"),
          new Prefix("/api/v2/agent-scripting", "sessions"),
          new Prefix("/api/v2/conversations", "conversations"),
          new Prefix("/api/v2/routing/wrapupcodes", "conversations"),
          // The seed's scripting wrap-up lives under integrations but is conversation traffic.
          new Prefix("/api/v2/integrations/scripting", "conversations"),
          new Prefix("/api/v2/integrations", "integrations"),
          new Prefix("/api/v2/architect", "architect"),
          new Prefix("/api/v2/flows", "architect"),
          new Prefix("/api/v2/oauth", "oauth"),
          new Prefix("/api/v2/tokens", "oauth"),
          new Prefix("/api/v2/notifications", "notifications"),
          new Prefix("/api/v2/organizations", "organization"),
          new Prefix("/api/v2/users", "users"));

  /** Every group, in the order the docs list them. */
  public static final List<String> ALL =
      List.of(
          "scripts",
          "sessions",
          "conversations",
          "architect",
          "integrations",
          "oauth",
          "notifications",
          "organization",
          "users",
          OTHER);

  private EndpointGroups() {}

  public static String of(String path) {
    for (Prefix p : PREFIXES) {
      if (path.startsWith(p.path())
          && (path.length() == p.path().length() || path.charAt(p.path().length()) == '/'))
        return p.group();
    }
    return OTHER;
  }
}

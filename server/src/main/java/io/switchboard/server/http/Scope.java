package io.switchboard.server.http;

import io.javalin.security.RouteRole;
import io.switchboard.server.identity.Principal;

/**
 * The scope an endpoint requires, attached to the route. A read endpoint also accepts the {@code
 * <name>:readonly} scope, as Genesys does.
 */
public record Scope(String name, boolean readOnly) implements RouteRole {
  public static Scope read(String name) {
    return new Scope(name, true);
  }

  public static Scope write(String name) {
    return new Scope(name, false);
  }

  public boolean isSatisfiedBy(Principal principal) {
    return principal.hasScope(name) || (readOnly && principal.hasScope(name + ":readonly"));
  }
}

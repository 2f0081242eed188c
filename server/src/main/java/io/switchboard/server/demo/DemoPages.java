package io.switchboard.server.demo;

import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.OAuthClient;
import io.switchboard.server.identity.Principal;
import io.switchboard.server.identity.RoleService;
import io.switchboard.server.users.User;
import io.switchboard.server.users.UserService;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The demo's way into the pages (package {@code pages}): per org a sign-in client {@value
 * #CLIENT_NAME} (authorization code with PKCE, redirect URIs {@code <baseUrl>/agent/} and {@code
 * <baseUrl>/console/}, moved to each start's base URL), passwords and the built-in {@code agent}
 * role for the demo agents, and an admin user with the built-in {@code admin} role. Passwords are
 * random on the first start and kept in {@code demo-credentials.json} afterwards.
 */
public final class DemoPages {
  public static final String CLIENT_NAME = "Switchboard pages";

  /** A user who can sign in to the pages. */
  public record PageUser(String name, String id, String username, String password, String role) {
    @Override
    public String toString() {
      return "PageUser[name=" + name + ", username=" + username + ", role=" + role + "]";
    }
  }

  /** One org's pages: the sign-in client, the two page URLs and the users. */
  public record OrgPages(
      String org, String clientId, String agentUrl, String consoleUrl, List<PageUser> users) {}

  private final IdentityService identity;
  private final UserService users;
  private final SecureRandom random = new SecureRandom();

  public DemoPages(IdentityService identity, UserService users) {
    this.identity = identity;
    this.users = users;
  }

  /**
   * @param agents the org's demo agents (they get the {@code agent} role and a password)
   * @param previous the passwords of the last start by user name, kept when the user still exists
   */
  public OrgPages ensure(
      String orgName,
      String orgId,
      String baseUrl,
      List<DemoContent.Named> agents,
      Map<String, String> previous) {
    var admin = new Principal(orgId, "demo-setup", IdentityService.allScopes(), "demo-setup", null);
    List<String> redirects = List.of(baseUrl + "/agent/", baseUrl + "/console/");
    OAuthClient client =
        identity.listClients(orgId, 0, 1000).stream()
            .filter(c -> c.name().equals(CLIENT_NAME) && c.grantType().equals(OAuthClient.CODE))
            .findFirst()
            .orElse(null);
    if (client == null)
      client =
          identity
              .createClient(
                  admin,
                  new IdentityService.NewClient(
                      CLIENT_NAME,
                      "Sign-in for the agent panel and the admin console (public client, PKCE)",
                      null,
                      null,
                      OAuthClient.CODE,
                      redirects,
                      null))
              .client();
    else if (!client.redirectUris().equals(redirects))
      client = identity.setRedirectUris(orgId, client.id(), redirects);

    RoleService roles = identity.roles();
    String agentRole = RoleService.builtInId(orgId, "agent");
    String adminRole = RoleService.builtInId(orgId, "admin");
    var pageUsers = new ArrayList<PageUser>();
    for (DemoContent.Named agent : agents) {
      User u = users.get(orgId, agent.id());
      roles.setUserRoles(admin, u.id(), List.of(agentRole));
      pageUsers.add(withPassword(orgId, u, previous, "agent"));
    }
    String adminEmail = "admin@" + orgName + ".example";
    User adminUser =
        users
            .findByEmail(orgId, adminEmail)
            .orElseGet(() ->
                users.create(
                    orgId,
                    new UserService.NewUser("Alex Admin", adminEmail, "Operations", "Admin")));
    roles.setUserRoles(admin, adminUser.id(), List.of(adminRole));
    pageUsers.add(withPassword(orgId, adminUser, previous, "admin"));
    return new OrgPages(
        orgName,
        client.id(),
        baseUrl + "/agent/?client_id=" + client.id(),
        baseUrl + "/console/?client_id=" + client.id(),
        pageUsers);
  }

  private PageUser withPassword(
      String orgId, User user, Map<String, String> previous, String role) {
    String password = previous.get(user.email());
    if (password == null) {
      byte[] bytes = new byte[12];
      random.nextBytes(bytes);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
    // Set on every start: the file and the database agree even if someone changed it meanwhile.
    users.setPassword(orgId, user.id(), password);
    return new PageUser(user.name(), user.id(), user.email(), password, role);
  }
}

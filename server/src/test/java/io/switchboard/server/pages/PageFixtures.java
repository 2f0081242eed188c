package io.switchboard.server.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import java.util.UUID;

/** Setup the page tests share, all over the public API: a sign-in client and users with roles. */
public final class PageFixtures {
  private PageFixtures() {}

  /** A user who can sign in: id, user name (email) and password. */
  public record PageUser(String id, String name, String username, String password) {}

  /** A CODE-grant (public, PKCE) client whose redirect URIs are the server's two pages. */
  public static String signInClient(Api api, String adminToken, String baseUrl) {
    var r =
        api.post(
            "/api/v2/oauth/clients",
            adminToken,
            "{\"name\":\"Switchboard pages\",\"authorizedGrantType\":\"CODE\","
                + "\"registeredRedirectUri\":[\""
                + baseUrl
                + "/agent/\",\""
                + baseUrl
                + "/console/\"]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** A new user named {@code name} with a password and the built-in role {@code role}. */
  public static PageUser user(Api api, String adminToken, String name, String role) {
    String username = role + "." + UUID.randomUUID() + "@example.com";
    String password = "pw-" + UUID.randomUUID();
    var created =
        api.post(
            "/api/v2/users",
            adminToken,
            "{\"name\":\""
                + name
                + "\",\"email\":\""
                + username
                + "\",\"password\":\""
                + password
                + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    var roles = api.get("/api/v2/authorization/roles?name=" + role, adminToken);
    assertThat(roles.status()).as(roles.body()).isEqualTo(200);
    String roleId = roles.json().get("entities").get(0).get("id").asString();
    var granted = api.put("/api/v2/users/" + id + "/roles", adminToken, "[\"" + roleId + "\"]");
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    return new PageUser(id, name, username, password);
  }
}

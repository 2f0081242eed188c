package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /api/v2/authorization}: roles (built-in and custom; a user's roles make its sign-in
 * tokens' scopes) and divisions (the org's one home division). Scope {@code authorization}.
 */
public final class AuthorizationApi {
  private static final String ROLES = "/api/v2/authorization/roles";
  private static final String DIVISIONS = "/api/v2/authorization/divisions";

  private final SwitchboardClient client;

  AuthorizationApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A permission policy (Genesys's {@code domain:entityName:action} permissions, grouped).
   *
   * @param domain the domain, for example {@code routing}
   * @param entityName the entity, for example {@code queue}, or {@code *}
   * @param actionSet the actions, for example {@code view}, {@code edit}, or {@code *}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PermissionPolicy(String domain, String entityName, List<String> actionSet) {}

  /**
   * What creates or replaces a role: Switchboard scopes, Genesys permissions, or permission
   * policies (any mix; each becomes scopes).
   *
   * @param name its name
   * @param description a description, or null
   * @param scopes Switchboard scopes, or null
   * @param permissions Genesys permissions ({@code domain:entity:action}), or null
   * @param permissionPolicies permission policies, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewRole(
      String name,
      String description,
      List<String> scopes,
      List<String> permissions,
      List<PermissionPolicy> permissionPolicies) {
    /**
     * A role granting Switchboard scopes.
     *
     * @param name its name
     * @param scopes the scopes it grants
     * @return the request
     */
    public static NewRole withScopes(String name, String... scopes) {
      return new NewRole(name, null, List.of(scopes), null, null);
    }
  }

  /**
   * A role (Genesys's DomainOrganizationRole, plus the scopes it grants).
   *
   * @param id its id
   * @param name its name
   * @param description its description, or null
   * @param defaultRoleId for a built-in role, its name; else null
   * @param scopes the Switchboard scopes it grants
   * @param permissions those scopes as Genesys permissions
   * @param permissionPolicies those scopes as permission policies
   * @param base whether it is built in
   * @param isDefault whether it is built in (Genesys's {@code default})
   * @param dateModified its last change (custom roles)
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Role(
      String id,
      String name,
      String description,
      String defaultRoleId,
      List<String> scopes,
      List<String> permissions,
      List<PermissionPolicy> permissionPolicies,
      boolean base,
      @JsonProperty("default") boolean isDefault,
      Instant dateModified,
      String selfUri) {}

  /**
   * A division (Genesys's AuthzDivision).
   *
   * @param id its id
   * @param name its name ({@code Home})
   * @param description its description
   * @param homeDivision whether it is the home division (always, here)
   * @param objectCounts objects in it by type
   * @param selfUri its path
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Division(
      String id,
      String name,
      String description,
      boolean homeDivision,
      Map<String, Long> objectCounts,
      String selfUri) {}

  /**
   * A role named in a user's authorization.
   *
   * @param id its id
   * @param name its name
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RoleRef(String id, String name) {}

  /**
   * A user's roles and what they grant (Genesys's UserAuthorization).
   *
   * @param roles the user's roles
   * @param permissions what they grant, as Genesys permissions
   * @param permissionPolicies the same, as policies
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record UserAuthorization(
      List<RoleRef> roles, List<String> permissions, List<PermissionPolicy> permissionPolicies) {}

  /**
   * Creates a custom role. Not retried.
   *
   * @param role what to create
   * @return the new role
   */
  public Role createRole(NewRole role) {
    return client.call(ApiRequest.post(ROLES, role), Role.class);
  }

  /**
   * One role.
   *
   * @param id its id
   * @return the role ({@link ApiException.NotFoundException} if not in this org)
   */
  public Role getRole(String id) {
    return client.call(ApiRequest.get(ROLES + "/" + Paths.segment(id)), Role.class);
  }

  /**
   * Replaces a custom role.
   *
   * @param id its id
   * @param role its new content
   * @return the role as changed
   */
  public Role updateRole(String id, NewRole role) {
    return client.call(ApiRequest.put(ROLES + "/" + Paths.segment(id), role), Role.class);
  }

  /**
   * Deletes a custom role.
   *
   * @param id its id
   */
  public void deleteRole(String id) {
    client.send(ApiRequest.delete(ROLES + "/" + Paths.segment(id)));
  }

  /**
   * One page of the org's roles, built-in ones included.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @param name only the role of this name (case-insensitive), or null for all
   * @return the page
   */
  public Page<Role> listRoles(int pageNumber, int pageSize, String name) {
    var query = "?pageSize=" + pageSize + "&pageNumber=" + pageNumber;
    if (name != null) query += "&name=" + Paths.query(name);
    return client.callPage(ApiRequest.get(ROLES + query), Role.class);
  }

  /**
   * Every role, fetched lazily page by page.
   *
   * @param pageSize items per page
   * @return the roles
   */
  public Stream<Role> streamRoles(int pageSize) {
    return Pages.stream(n -> listRoles(n, pageSize, null));
  }

  /**
   * The org's divisions (its home division).
   *
   * @return the divisions
   */
  public List<Division> divisions() {
    return client.callPage(ApiRequest.get(DIVISIONS), Division.class).entities();
  }

  /**
   * The org's home division.
   *
   * @return the home division
   */
  public Division homeDivision() {
    return client.call(ApiRequest.get(DIVISIONS + "/home"), Division.class);
  }

  /**
   * A user's roles.
   *
   * @param userId the user ({@link ApiException.NotFoundException} if not in this org)
   * @return its roles and what they grant
   */
  public UserAuthorization userRoles(String userId) {
    return client.call(
        ApiRequest.get("/api/v2/users/" + Paths.segment(userId) + "/roles"),
        UserAuthorization.class);
  }

  /**
   * Replaces a user's roles.
   *
   * @param userId the user
   * @param roleIds the roles it has from now on
   * @return its roles and what they grant
   */
  public UserAuthorization setUserRoles(String userId, List<String> roleIds) {
    return client.call(
        ApiRequest.put("/api/v2/users/" + Paths.segment(userId) + "/roles", roleIds),
        UserAuthorization.class);
  }
}

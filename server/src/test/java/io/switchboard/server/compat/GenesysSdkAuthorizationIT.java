package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.AuthorizationApi;
import com.mypurecloud.sdk.v2.api.OAuthApi;
import com.mypurecloud.sdk.v2.api.TokensApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.model.AuthzDivision;
import com.mypurecloud.sdk.v2.model.ChangeMyPasswordRequest;
import com.mypurecloud.sdk.v2.model.ChangePasswordRequest;
import com.mypurecloud.sdk.v2.model.CreateUser;
import com.mypurecloud.sdk.v2.model.DomainOrganizationRole;
import com.mypurecloud.sdk.v2.model.DomainOrganizationRoleCreate;
import com.mypurecloud.sdk.v2.model.OAuthClient;
import com.mypurecloud.sdk.v2.model.OAuthClientRequest;
import com.mypurecloud.sdk.v2.model.RoleDivision;
import com.mypurecloud.sdk.v2.model.User;
import com.mypurecloud.sdk.v2.model.UserAuthorization;
import com.mypurecloud.sdk.v2.model.UserMe;
import io.switchboard.server.identity.SignInSupport;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Roles, divisions, users' roles and passwords, role-granted clients and sign-in clients through
 * the official Genesys Java SDK's typed classes.
 */
class GenesysSdkAuthorizationIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  static DomainOrganizationRole builtIn(String name) throws Exception {
    return new AuthorizationApi(sdk)
        .getAuthorizationRoles(null, null, null, null, null, null, name, null, null, null, null)
        .getEntities()
        .get(0);
  }

  @Test
  void theSdkReadsAndWritesRoles() throws Exception {
    var authz = new AuthorizationApi(sdk);
    var roles =
        authz.getAuthorizationRoles(100, 1, null, null, null, null, null, null, null, null, null);
    assertThat(roles.getEntities())
        .extracting(DomainOrganizationRole::getName)
        .contains("admin", "integrator", "scripter", "agent");
    DomainOrganizationRole agent = builtIn("agent");
    assertThat(agent.getPermissions()).contains("conversation:call:*", "scripter:script:view");
    assertThat(agent.getPermissionPolicies()).isNotEmpty();
    assertThat(agent.getPermissionPolicies().get(0).getDomain()).isNotBlank();
    assertThat(agent.getPermissionPolicies().get(0).getActionSet()).isNotEmpty();
    assertThat(agent.getBase()).isTrue();
    assertThat(agent.getSelfUri()).endsWith(agent.getId());
    assertThat(agent.getUserCount()).isNotNull();
    assertThat(
            authz
                .getAuthorizationRoles(
                    100, 1, null, null, null, null, null, null, null, false, null)
                .getEntities())
        .allSatisfy(r -> assertThat(r.getUserCount()).isNull());

    DomainOrganizationRole created =
        authz.postAuthorizationRoles(
            new DomainOrganizationRoleCreate()
                .name("Sdk role " + UUID.randomUUID())
                .description("made by the SDK")
                .permissions(new ArrayList<>(List.of("directory:user:view", "scripter:script:*"))));
    assertThat(created.getId()).isNotBlank();
    assertThat(created.getPermissions())
        .containsExactlyInAnyOrder("directory:user:view", "scripter:script:*");
    assertThat(authz.getAuthorizationRole(created.getId(), null, null).getName())
        .isEqualTo(created.getName());
    assertThat(authz.getAuthorizationRole(created.getId(), null, null).getUserCount()).isZero();
    assertThat(authz.getAuthorizationRole(created.getId(), false, null).getUserCount()).isNull();
    authz.deleteAuthorizationRole(created.getId());
  }

  @Test
  void theSdkReadsTheHomeDivision() throws Exception {
    var authz = new AuthorizationApi(sdk);
    AuthzDivision home = authz.getAuthorizationDivisionsHome();
    assertThat(home.getName()).isEqualTo("Home");
    assertThat(home.getHomeDivision()).isTrue();
    assertThat(authz.getAuthorizationDivision(home.getId(), null).getId()).isEqualTo(home.getId());
    assertThat(
            authz
                .getAuthorizationDivisions(null, null, null, null, null, null, null, null, null)
                .getEntities())
        .extracting(AuthzDivision::getId)
        .containsExactly(home.getId());
    User user =
        new UsersApi(sdk)
            .postUsers(
                new CreateUser().name("Div").email("div." + UUID.randomUUID() + "@example.com"));
    assertThat(user.getDivision().getId()).isEqualTo(home.getId());
    assertThat(user.getDivision().getName()).isEqualTo("Home");
  }

  @Test
  void scriptsAndWrapupCodesCarryTheHomeDivision() throws Exception {
    String home = new AuthorizationApi(sdk).getAuthorizationDivisionsHome().getId();
    String scriptId = fx.publishedScript(io.switchboard.server.testing.Fixtures.GREETING_SCRIPT);
    var scripts = new com.mypurecloud.sdk.v2.api.ScriptsApi(sdk);
    assertThat(scripts.getScript(scriptId).getDivision().getId()).isEqualTo(home);
    assertThat(scripts.getScript(scriptId).getDivision().getName()).isEqualTo("Home");
    assertThat(scripts.getScriptsPublishedScriptId(scriptId, null).getDivision().getId())
        .isEqualTo(home);
    String code = fx.wrapupCode("Div code " + UUID.randomUUID());
    var read = new com.mypurecloud.sdk.v2.api.RoutingApi(sdk).getRoutingWrapupcode(code);
    assertThat(read.getDivision().getId()).isEqualTo(home);
    assertThat(read.getDivision().getSelfUri())
        .isEqualTo("/api/v2/authorization/divisions/" + home);
  }

  @Test
  void theSdkCreatesAClientWithRoleDivisionsAndNoScope() throws Exception {
    String home = new AuthorizationApi(sdk).getAuthorizationDivisionsHome().getId();
    String scripter = builtIn("scripter").getId();
    OAuthClient created =
        new OAuthApi(sdk)
            .postOauthClients(
                new OAuthClientRequest()
                    .name("Role client")
                    .authorizedGrantType(
                        OAuthClientRequest.AuthorizedGrantTypeEnum.CLIENT_CREDENTIALS)
                    .roleDivisions(List.of(new RoleDivision().roleId(scripter).divisionId(home))));
    assertThat(created.getRoleDivisions())
        .singleElement()
        .satisfies(rd -> assertThat(rd.getRoleId()).isEqualTo(scripter))
        .satisfies(rd -> assertThat(rd.getDivisionId()).isEqualTo(home));
    String roleToken = api.token(created.getId(), created.getSecret());
    var roleSdk =
        ApiClient.Builder.standard()
            .withBasePath(server.baseUrl())
            .withAccessToken(roleToken)
            .build();
    assertThat(new TokensApi(roleSdk).getTokensMe((Boolean) null).getAuthorizedScope())
        .contains("scripts", "users:readonly");

    // The SDK's PUT: renamed, the role kept, a scope added; the secret is not shown again.
    OAuthClient changed =
        new OAuthApi(sdk)
            .putOauthClient(
                created.getId(),
                new OAuthClientRequest()
                    .name("Role client, renamed")
                    .description("changed through the SDK")
                    .accessTokenValiditySeconds(600L)
                    .authorizedGrantType(
                        OAuthClientRequest.AuthorizedGrantTypeEnum.CLIENT_CREDENTIALS)
                    .scope(List.of("conversations"))
                    .roleDivisions(List.of(new RoleDivision().roleId(scripter).divisionId(home))));
    assertThat(changed.getName()).isEqualTo("Role client, renamed");
    assertThat(changed.getDescription()).isEqualTo("changed through the SDK");
    assertThat(changed.getAccessTokenValiditySeconds()).isEqualTo(600L);
    assertThat(changed.getScope()).containsExactly("conversations");
    assertThat(changed.getRoleDivisions())
        .singleElement()
        .satisfies(rd -> assertThat(rd.getRoleId()).isEqualTo(scripter));
    assertThat(changed.getSecret()).isNull();
    assertThat(changed.getDateModified()).isAfter(changed.getDateCreated());
    assertThat(new OAuthApi(sdk).getOauthClient(created.getId()).getName())
        .isEqualTo("Role client, renamed");
  }

  @Test
  void theSdkSetsRolesAndPasswordsAndASignedInUserReadsItself() throws Exception {
    var users = new UsersApi(sdk);
    String email = "sdk.signin." + UUID.randomUUID() + "@example.com";
    User user =
        users.postUsers(
            new CreateUser().name("Signs In").email(email).password("first password 1"));
    String agent = builtIn("agent").getId();
    UserAuthorization granted = users.putUserRoles(user.getId(), List.of(agent));
    assertThat(granted.getRoles()).extracting(r -> r.getName()).containsExactly("agent");
    assertThat(users.getUserRoles(user.getId()).getPermissions()).contains("conversation:call:*");
    users.postUserPassword(
        user.getId(), new ChangePasswordRequest().newPassword("second password 2"));

    OAuthClient app =
        new OAuthApi(sdk)
            .postOauthClients(
                new OAuthClientRequest()
                    .name("Sdk web app")
                    .authorizedGrantType(OAuthClientRequest.AuthorizedGrantTypeEnum.CODE)
                    .registeredRedirectUri(List.of("https://app.example.com/cb")));
    assertThat(app.getAuthorizedGrantType()).isEqualTo(OAuthClient.AuthorizedGrantTypeEnum.CODE);
    assertThat(app.getRegisteredRedirectUri()).containsExactly("https://app.example.com/cb");

    // The SDK's own PKCE helpers make the verifier and challenge.
    String verifier = sdk.generatePKCECodeVerifier(64);
    String code =
        SignInSupport.code(
            api,
            app.getId(),
            "https://app.example.com/cb",
            sdk.computePKCECodeChallenge(verifier),
            email,
            "second password 2");
    var exchanged =
        api.tokenRequest(
            null,
            Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "redirect_uri",
                "https://app.example.com/cb",
                "client_id",
                app.getId(),
                "code_verifier",
                verifier));
    assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(200);
    var userSdk =
        ApiClient.Builder.standard()
            .withBasePath(server.baseUrl())
            .withAccessToken(exchanged.json().get("access_token").asString())
            .build();
    UserMe me = new UsersApi(userSdk).getUsersMe(null, null);
    assertThat(me.getId()).isEqualTo(user.getId());
    assertThat(me.getEmail()).isEqualTo(email);
    assertThat(new TokensApi(userSdk).getTokensMe((Boolean) null).getAuthorizedScope())
        .contains("conversations");

    try {
      new UsersApi(userSdk)
          .postUsersMePassword(
              new ChangeMyPasswordRequest()
                  .oldPassword("wrong one 123")
                  .newPassword("third password 3"));
      throw new AssertionError("expected a 400");
    } catch (ApiException e) {
      assertThat(e.getStatusCode()).isEqualTo(400);
      assertThat(e.getRawBody()).contains("password.mismatch").doesNotContain("wrong one 123");
    }
    new UsersApi(userSdk)
        .postUsersMePassword(
            new ChangeMyPasswordRequest()
                .oldPassword("second password 2")
                .newPassword("third password 3"));
    String again = sdk.generatePKCECodeVerifier(50);
    assertThat(
            SignInSupport.code(
                api,
                app.getId(),
                "https://app.example.com/cb",
                sdk.computePKCECodeChallenge(again),
                email,
                "third password 3"))
        .isNotBlank();
  }
}

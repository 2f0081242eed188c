package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.OAuthApi;
import com.mypurecloud.sdk.v2.api.ScriptsApi;
import com.mypurecloud.sdk.v2.api.TokensApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.model.Contact;
import com.mypurecloud.sdk.v2.model.CreateUser;
import com.mypurecloud.sdk.v2.model.OAuthClient;
import com.mypurecloud.sdk.v2.model.OAuthClientRequest;
import com.mypurecloud.sdk.v2.model.OrgOAuthClient;
import com.mypurecloud.sdk.v2.model.Page;
import com.mypurecloud.sdk.v2.model.TokenInfo;
import com.mypurecloud.sdk.v2.model.User;
import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official Genesys Cloud Java SDK's typed writes, with its full models: they send every field
 * they have (empty lists, optional fields), which a tolerant reader ignores as Genesys does.
 */
class GenesysSdkWritesIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @Test
  void theSdkCreatesAnOAuthClientWithItsFullModel() throws Exception {
    var request =
        new OAuthClientRequest()
            .name("Sdk client")
            .description("made by the SDK")
            .accessTokenValiditySeconds(3600L)
            .authorizedGrantType(OAuthClientRequest.AuthorizedGrantTypeEnum.CLIENT_CREDENTIALS)
            .registeredRedirectUri(new ArrayList<>())
            .roleIds(new ArrayList<>())
            .roleDivisions(new ArrayList<>())
            .scope(List.of("scripts"));

    OAuthClient created = new OAuthApi(sdk).postOauthClients(request);

    assertThat(created.getId()).isNotBlank();
    assertThat(created.getName()).isEqualTo("Sdk client");
    assertThat(created.getSecret()).isNotBlank();
    assertThat(created.getScope()).containsExactly("scripts");
    assertThat(created.getAuthorizedGrantType())
        .isEqualTo(OAuthClient.AuthorizedGrantTypeEnum.CLIENT_CREDENTIALS);
  }

  @Test
  void theSdkCreatesAUserWithItsFullModel() throws Exception {
    var request =
        new CreateUser()
            .name("Sdk User")
            .email("sdk.user@example.com")
            .department("Support")
            .title("Agent")
            .addresses(
                List.of(
                    new Contact().address("+15551234567").mediaType(Contact.MediaTypeEnum.PHONE)))
            .password("not-stored-yet-1A!");

    User created = new UsersApi(sdk).postUsers(request);

    assertThat(created.getId()).isNotBlank();
    assertThat(created.getName()).isEqualTo("Sdk User");
    assertThat(created.getEmail()).isEqualTo("sdk.user@example.com");
    assertThat(created.getDepartment()).isEqualTo("Support");
    assertThat(created.getSelfUri()).isEqualTo("/api/v2/users/" + created.getId());
    User read = new UsersApi(sdk).getUser(created.getId(), null, null, null);
    assertThat(read.getUsername()).isEqualTo("sdk.user@example.com");
    assertThat(read.getPrimaryContactInfo())
        .singleElement()
        .satisfies(c -> assertThat(c.getAddress()).isEqualTo("sdk.user@example.com"))
        .satisfies(c -> assertThat(c.getMediaType()).isEqualTo(Contact.MediaTypeEnum.EMAIL))
        .satisfies(c -> assertThat(c.getType()).isEqualTo(Contact.TypeEnum.PRIMARY));
  }

  @Test
  void aKnownFieldOfTheWrongTypeIsStillRefusedByName() {
    var r =
        api.post(
            "/api/v2/users",
            token,
            "{\"name\":\"Typed\",\"email\":\"typed@example.com\",\"title\":7,\"addresses\":[]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("messageParams").get("field").asString()).isEqualTo("title");
    var ignored =
        api.post(
            "/api/v2/users",
            token,
            "{\"name\":\"Plain\",\"email\":\"plain@example.com\",\"addresses\":[],"
                + "\"whatever\":{\"x\":1}}");
    assertThat(ignored.status()).as(ignored.toString()).isEqualTo(201);
    assertThat(ignored.json().has("whatever")).isFalse();
  }

  @Test
  void theSdkReadsTokenInfo() throws Exception {
    TokenInfo info = new TokensApi(sdk).getTokensMe((Boolean) null);

    String orgId = info.getOrganization().getId();
    assertThat(orgId).isNotBlank();
    assertThat(info.getOrganization().getName()).isNotBlank();
    assertThat(info.getHomeOrganization().getId()).isEqualTo(orgId);
    assertThat(info.getAuthorizedScope()).contains("scripts", "oauth", "users");
    assertThat(info.getOAuthClient().getId()).isNotBlank();
    assertThat(info.getOAuthClient().getName()).isNotBlank();
    assertThat(info.getOAuthClient().getDateCreated()).isNotNull();
    assertThat(info.getOAuthClient().getState()).isEqualTo(OrgOAuthClient.StateEnum.ACTIVE);
    assertThat(info.getOAuthClient().getAuthorizedGrantType())
        .isEqualTo(OrgOAuthClient.AuthorizedGrantTypeEnum.CLIENT_CREDENTIALS);
    assertThat(info.getOAuthClient().getOrganization().getId()).isEqualTo(orgId);
  }

  @Test
  void tokenInfoIsTheCallersOwnAndNeedsAToken() {
    JsonNode mine = api.get("/api/v2/tokens/me", token).json();
    JsonNode theirs = api.get("/api/v2/tokens/me", otherToken).json();
    assertThat(mine.get("organization").get("id").asString())
        .isNotEqualTo(theirs.get("organization").get("id").asString());
    assertThat(mine.get("OAuthClient").get("id").asString())
        .isNotEqualTo(theirs.get("OAuthClient").get("id").asString());
    assertThat(api.get("/api/v2/tokens/me", null).status()).isEqualTo(401);
  }

  @Test
  void usersMeWithAClientCredentialsTokenSaysThereIsNoUser() throws Exception {
    try {
      new UsersApi(sdk).getUsersMe(null, null);
      throw new AssertionError("expected a 400");
    } catch (ApiException e) {
      assertThat(e.getStatusCode()).isEqualTo(400);
      assertThat(e.getRawBody()).contains("\"code\":\"not.a.user\"").contains("user context");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSdkReadsScriptPageContentFromTheRootContainer() throws Exception {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    var scripts = new ScriptsApi(sdk);

    for (Page page :
        List.of(
            scripts.getScriptPage(id, "start", null),
            scripts.getScript(id).getPages().get(0),
            scripts.getScriptsPublishedScriptIdPage(id, "start", null))) {
      Map<String, Object> root = page.getRootContainer();
      assertThat(root).as(page.getSelfUri()).isNotNull();
      assertThat(root.get("type")).isEqualTo("verticalStack");
      var children = (List<Map<String, Object>>) root.get("children");
      assertThat(children)
          .extracting(c -> c.get("id"))
          .containsExactly("hello", "ageInput", "consentBox", "planSelect", "gold", "done");
      assertThat(children.get(0).get("text"))
          .isEqualTo("Hello {{customerName}}, you are {{ age }}");
    }
    // Our own callers keep reading components.
    JsonNode plain = api.get("/api/v2/scripts/" + id + "/pages/second", token).json();
    assertThat(plain.get("components").get(0).get("id").asString()).isEqualTo("bye");
    assertThat(plain.get("rootContainer").get("children").get(0).get("id").asString())
        .isEqualTo("bye");
  }

  @Test
  void theSdkSeesAnOAuthClientsStateModifiedDateAndSelfUri() throws Exception {
    var oauth = new OAuthApi(sdk);
    OAuthClient created =
        oauth.postOauthClients(new OAuthClientRequest().name("Stateful").scope(List.of("users")));

    OAuthClient read = oauth.getOauthClient(created.getId());
    assertThat(read.getState()).isEqualTo(OAuthClient.StateEnum.ACTIVE);
    assertThat(read.getDateCreated()).isNotNull();
    assertThat(read.getDateModified()).isEqualTo(read.getDateCreated());
    assertThat(read.getSelfUri()).isEqualTo("/api/v2/oauth/clients/" + created.getId());
    assertThat(oauth.getOauthClients().getEntities())
        .filteredOn(c -> c.getId().equals(created.getId()))
        .singleElement()
        .satisfies(c -> assertThat(String.valueOf(c.getState())).isEqualTo("active"))
        .satisfies(c -> assertThat(c.getDateModified()).isNotNull());

    // Rotating the secret is the one change a client has.
    JsonNode rotated =
        api.post("/api/v2/oauth/clients/" + created.getId() + "/secret", token, null).json();
    OAuthClient after = oauth.getOauthClient(created.getId());
    assertThat(after.getDateModified()).isAfterOrEqualTo(read.getDateModified());
    assertThat(rotated.get("dateModified").asString())
        .isEqualTo(rotated.get("secretRotatedDate").asString());
  }
}

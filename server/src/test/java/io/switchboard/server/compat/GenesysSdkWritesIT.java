package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.api.OAuthApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.model.Contact;
import com.mypurecloud.sdk.v2.model.CreateUser;
import com.mypurecloud.sdk.v2.model.OAuthClient;
import com.mypurecloud.sdk.v2.model.OAuthClientRequest;
import com.mypurecloud.sdk.v2.model.User;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
}

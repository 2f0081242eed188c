package io.switchboard.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.IntegrationsApi;
import com.mypurecloud.sdk.v2.model.Credential;
import com.mypurecloud.sdk.v2.model.CredentialInfo;
import com.mypurecloud.sdk.v2.model.CredentialType;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Integration credentials through the official Java SDK's typed {@code IntegrationsApi}: Genesys's
 * {@code Credential} with {@code type {name}} and string {@code credentialFields} is written and
 * read back; secrets never come back.
 */
class GenesysSdkCredentialsIT extends TwoOrgServer {
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @Test
  void theSdkWritesAndReadsEveryGenesysCredentialType() throws Exception {
    var integrations = new IntegrationsApi(sdk);
    CredentialInfo basic =
        integrations.postIntegrationsCredentials(
            new Credential()
                .name("Sdk basic")
                .type(new CredentialType().name("basicAuth"))
                .credentialFields(Map.of("userName", "svc", "password", "sdk-secret-1")));
    assertThat(basic.getId()).isNotBlank();
    assertThat(basic.getType().getName()).isEqualTo("basicAuth");
    assertThat(basic.getCreatedDate()).isNotNull();
    assertThat(basic.getModifiedDate()).isNotNull();

    Credential read = integrations.getIntegrationsCredential(basic.getId());
    assertThat(read.getType().getName()).isEqualTo("basicAuth");
    assertThat(read.getCredentialFields()).containsExactly(Map.entry("userName", "svc"));
    assertThat(read.getSelfUri()).endsWith(basic.getId());

    var oauthFields = new HashMap<String, String>();
    oauthFields.put("loginUrl", "https://idp.example.com/oauth/token");
    oauthFields.put("clientId", "cid");
    oauthFields.put("clientSecret", "sdk-secret-2");
    oauthFields.put("scopes", "read write");
    CredentialInfo oauth =
        integrations.postIntegrationsCredentials(
            new Credential()
                .name("Sdk oauth")
                .type(new CredentialType().name("userDefinedOAuth"))
                .credentialFields(oauthFields));
    Credential oauthRead = integrations.getIntegrationsCredential(oauth.getId());
    assertThat(oauthRead.getCredentialFields())
        .containsEntry("loginUrl", "https://idp.example.com/oauth/token")
        .containsEntry("clientId", "cid")
        .containsEntry("scopes", "read write")
        .doesNotContainKey("clientSecret");

    CredentialInfo bearer =
        integrations.postIntegrationsCredentials(
            new Credential()
                .name("Sdk token")
                .type(new CredentialType().name("userDefined"))
                .credentialFields(Map.of("token", "sdk-secret-3")));
    assertThat(integrations.getIntegrationsCredential(bearer.getId()).getType().getName())
        .isEqualTo("userDefined");

    // The listing reads as CredentialInfo; nothing anywhere holds a secret.
    var listing = integrations.getIntegrationsCredentials(1, 100);
    assertThat(listing.getEntities())
        .extracting(CredentialInfo::getId)
        .contains(basic.getId(), oauth.getId(), bearer.getId());
    assertThat(listing.getEntities())
        .allSatisfy(c -> assertThat(c.getType().getName()).isNotBlank());
    String raw = api.get("/api/v2/integrations/credentials?pageSize=100", token).body();
    assertThat(raw).doesNotContain("sdk-secret-1", "sdk-secret-2", "sdk-secret-3");

    // A replace through the SDK without the password keeps it.
    CredentialInfo replaced =
        integrations.putIntegrationsCredential(
            basic.getId(),
            new Credential()
                .name("Sdk basic renamed")
                .type(new CredentialType().name("basicAuth"))
                .credentialFields(Map.of("userName", "svc2")));
    assertThat(replaced.getName()).isEqualTo("Sdk basic renamed");
    assertThat(integrations.getIntegrationsCredential(basic.getId()).getCredentialFields())
        .containsEntry("userName", "svc2");

    integrations.deleteIntegrationsCredential(bearer.getId());
    try {
      integrations.getIntegrationsCredential(bearer.getId());
      throw new AssertionError("expected a 404");
    } catch (ApiException e) {
      assertThat(e.getStatusCode()).isEqualTo(404);
    }
  }

  @Test
  void theSdkReadsTheCredentialTypes() throws Exception {
    var types = new IntegrationsApi(sdk).getIntegrationsCredentialsTypes();
    assertThat(types.getEntities())
        .extracting(CredentialType::getName)
        .containsExactly("basicAuth", "userDefined", "userDefinedOAuth");
    CredentialType basic = types.getEntities().get(0);
    assertThat(basic.getRequired()).containsExactly("userName", "password");
    assertThat(basic.getDisplayOrder()).containsExactly("userName", "password");
    assertThat(basic.getProperties()).isNotNull();
  }

  @Test
  void aBareUserDefinedCredentialIsFreeFormAndAnEmptyOneIsRefusedByName() {
    // Fields of the org's own naming make the free-form user-defined kind (they were refused once).
    var free =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"x\",\"type\":{\"name\":\"userDefined\"},\"credentialFields\":{\"a\":\"b\"}}");
    assertThat(free.status()).as(free.toString()).isEqualTo(201);
    assertThat(free.json().get("credentialType").asString()).isEqualTo("user-defined");
    assertThat(free.json().get("secretFields").toString()).isEqualTo("[\"a\"]");
    var r =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"y\",\"type\":{\"name\":\"userDefined\"},\"credentialFields\":{}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("messageParams").get("field").asString()).isEqualTo("credentialFields");
    var unknown =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"x\",\"type\":{\"name\":\"kerberos\"},\"credentialFields\":{}}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("basicAuth").contains("oauth2-client-credentials");
    var twice =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"x\",\"type\":\"basicAuth\",\"credentialFields\":{\"userName\":\"a\",\"username\":\"b\",\"password\":\"p\"}}");
    assertThat(twice.status()).isEqualTo(400);
  }

  @Test
  void aFetchedCredentialSentBackKeepsItsKindAndSecrets() {
    var created =
        api.post(
                "/api/v2/integrations/credentials",
                token,
                "{\"name\":\"b\",\"type\":\"bearer\",\"allowedHosts\":[\"api.example.com\"],"
                    + "\"credentialFields\":{\"token\":\"round-trip-secret\"}}")
            .json();
    String id = created.get("id").asString();
    String fetched = api.get("/api/v2/integrations/credentials/" + id, token).body();
    var put = api.put("/api/v2/integrations/credentials/" + id, token, fetched);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().get("credentialType").asString()).isEqualTo("bearer");
    assertThat(put.json().get("type").get("name").asString()).isEqualTo("userDefined");
    assertThat(put.body()).doesNotContain("round-trip-secret");
  }
}

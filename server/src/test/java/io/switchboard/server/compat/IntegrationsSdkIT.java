package io.switchboard.server.compat;

import static io.switchboard.server.testing.Upstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.IntegrationsApi;
import com.mypurecloud.sdk.v2.model.Action;
import com.mypurecloud.sdk.v2.model.ActionConfig;
import com.mypurecloud.sdk.v2.model.ActionContractInput;
import com.mypurecloud.sdk.v2.model.ActionEntityListing;
import com.mypurecloud.sdk.v2.model.CreateIntegrationRequest;
import com.mypurecloud.sdk.v2.model.CredentialInfo;
import com.mypurecloud.sdk.v2.model.Integration;
import com.mypurecloud.sdk.v2.model.IntegrationConfiguration;
import com.mypurecloud.sdk.v2.model.IntegrationEntityListing;
import com.mypurecloud.sdk.v2.model.IntegrationStatusInfo;
import com.mypurecloud.sdk.v2.model.IntegrationType;
import com.mypurecloud.sdk.v2.model.JsonSchemaDocument;
import com.mypurecloud.sdk.v2.model.PostActionInput;
import com.mypurecloud.sdk.v2.model.PostInputContract;
import com.mypurecloud.sdk.v2.model.PostOutputContract;
import com.mypurecloud.sdk.v2.model.RequestConfig;
import com.mypurecloud.sdk.v2.model.ResponseConfig;
import com.mypurecloud.sdk.v2.model.TestExecutionOperationResult;
import com.mypurecloud.sdk.v2.model.TestExecutionResult;
import com.mypurecloud.sdk.v2.model.UpdateActionInput;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Genesys Java SDK's {@code IntegrationsApi}, typed calls only, against the real
 * server: an integration with a credential, a data action created, read, listed, changed, tested
 * and executed against a loopback partner API, and deleted.
 */
class IntegrationsSdkIT {
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String token;
  static ApiClient sdk;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    upstream = Upstream.start();
    api = server.api();
    token = api.token(server.newOrg());
    sdk =
        ApiClient.Builder.standard().withBasePath(server.baseUrl()).withAccessToken(token).build();
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static JsonSchemaDocument schema(String title, List<String> required, Map<String, Object> props) {
    var s =
        new JsonSchemaDocument()
            .schema("http://json-schema.org/draft-04/schema#")
            .title(title)
            .type("object")
            .required(required)
            .properties(props);
    s.setAdditionalProperties(true);
    return s;
  }

  /**
   * {@code CredentialInfo} has no setter for {@code id} in the SDK; Genesys users build it from
   * JSON, with the SDK's own Jackson.
   */
  static CredentialInfo credentialInfo(String id) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue("{\"id\":\"" + id + "\"}", CredentialInfo.class);
  }

  @Test
  void theSdksIntegrationsApiDrivesIntegrationsAndDataActions() throws Exception {
    // The credential is made over HTTP (its wire shape is another feature's); the rest is the SDK.
    var cred =
        api.post(
            "/api/v2/integrations/credentials",
            token,
            "{\"name\":\"CRM"
                + " basic\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"sdk\",\"password\":\"pw\"},\"allowedHosts\":[\"127.0.0.1\"]}");
    assertThat(cred.status()).as(cred.toString()).isEqualTo(201);
    String credentialId = cred.json().get("id").asString();
    upstream.on(
        "/sdk-crm", (ex, req) -> json(ex, 200, "{\"customer\":{\"id\":\"C-1\",\"name\":\"Ann\"}}"));

    var integrations = new IntegrationsApi(sdk);
    Integration created =
        integrations.postIntegrations(
            new CreateIntegrationRequest()
                .name("SDK web services")
                .integrationType(new IntegrationType().id("custom-rest-actions")));
    String integrationId = created.getId();
    assertThat(created.getIntegrationType().getId()).isEqualTo("custom-rest-actions");
    assertThat(created.getIntendedState()).isEqualTo(Integration.IntendedStateEnum.DISABLED);

    IntegrationConfiguration config =
        integrations.putIntegrationConfigCurrent(
            integrationId,
            new IntegrationConfiguration()
                .name("SDK web services")
                .version(1)
                .properties(Map.of())
                .advanced(Map.of())
                .credentials(Map.of("basicAuth", credentialInfo(credentialId))));
    assertThat(config.getCredentials().get("basicAuth").getId()).isEqualTo(credentialId);
    assertThat(config.getCredentials().get("basicAuth").getName()).isEqualTo("CRM basic");
    assertThat(integrations.getIntegrationConfigCurrent(integrationId).getVersion()).isEqualTo(2);

    Integration enabled =
        integrations.patchIntegration(
            integrationId,
            null,
            null,
            null,
            null,
            null,
            null,
            new Integration().intendedState(Integration.IntendedStateEnum.ENABLED));
    assertThat(enabled.getIntendedState()).isEqualTo(Integration.IntendedStateEnum.ENABLED);
    assertThat(enabled.getReportedState().getCode())
        .isEqualTo(IntegrationStatusInfo.CodeEnum.ACTIVE);
    Integration read =
        integrations.getIntegration(integrationId, null, null, null, null, null, null);
    assertThat(read.getConfig().getCurrent().getCredentials().get("basicAuth").getId())
        .isEqualTo(credentialId);
    assertThat(read.getSelfUri()).isEqualTo("/api/v2/integrations/" + integrationId);
    IntegrationEntityListing all = integrations.getIntegrations(100, 1, null, null, null, null);
    assertThat(all.getEntities()).extracting(Integration::getId).contains(integrationId);

    var request = new RequestConfig();
    request.setRequestUrlTemplate(upstream.url("/sdk-crm") + "/${input.customerId}");
    request.setRequestType("GET");
    request.setHeaders(Map.of("X-Source", "sdk"));
    request.setRequestTemplate("${input.rawRequest}");
    var response =
        new ResponseConfig()
            .translationMap(Map.of("name", "$.customer.name"))
            .translationMapDefaults(Map.of())
            .successTemplate("{\"name\": ${name}}");
    var actionConfig = new ActionConfig().response(response);
    actionConfig.setRequest(request);
    actionConfig.setTimeoutSeconds(10);
    var input =
        new PostActionInput()
            .name("Get customer")
            .category("CRM")
            .secure(false)
            .config(actionConfig)
            .contract(
                new ActionContractInput()
                    .input(
                        new PostInputContract()
                            .inputSchema(
                                schema(
                                    "In",
                                    List.of("customerId"),
                                    Map.of("customerId", Map.of("type", "string")))))
                    .output(
                        new PostOutputContract()
                            .successSchema(
                                schema(
                                    "Out",
                                    List.of("name"),
                                    Map.of("name", Map.of("type", "string"))))));
    input.setIntegrationId(integrationId);
    Action action = integrations.postIntegrationsActions(input);
    String actionId = action.getId();
    assertThat(action.getVersion()).isEqualTo(1);
    assertThat(action.getIntegrationId()).isEqualTo(integrationId);
    assertThat(action.getConfig().getRequest().getRequestType()).isEqualTo("GET");

    Action got = integrations.getIntegrationsAction(actionId, "contract", true);
    assertThat(got.getContract().getInput().getInputSchema().getRequired())
        .containsExactly("customerId");
    assertThat(got.getContract().getOutput().getSuccessSchema().getTitle()).isEqualTo("Out");
    assertThat(got.getConfig().getResponse().getTranslationMap())
        .containsEntry("name", "$.customer.name");
    assertThat(got.getSecure()).isFalse();
    assertThat(got.getCategory()).isEqualTo("CRM");

    ActionEntityListing listing =
        integrations.getIntegrationsActions(
            25, 1, null, null, null, null, "CRM", "Get customer", null, null, null);
    assertThat(listing.getEntities()).extracting(Action::getId).containsExactly(actionId);
    assertThat(listing.getTotal()).isEqualTo(1);

    Action renamed =
        integrations.patchIntegrationsAction(
            actionId, new UpdateActionInput().name("Get customer by id").version(1));
    assertThat(renamed.getName()).isEqualTo("Get customer by id");
    assertThat(renamed.getVersion()).isEqualTo(2);

    TestExecutionResult test =
        integrations.postIntegrationsActionTest(actionId, Map.of("customerId", "C-1"));
    assertThat(test.getSuccess()).isTrue();
    assertThat(test.getOperations())
        .extracting(TestExecutionOperationResult::getName)
        .contains("Execute request", "Resolve translation map");
    assertThat(test.getFinalResult()).isEqualTo(Map.of("name", "Ann"));

    Object out = integrations.postIntegrationsActionExecute(actionId, Map.of("customerId", "C-1"));
    assertThat(out).isEqualTo(Map.of("name", "Ann"));
    Upstream.Received sent = upstream.received("/sdk-crm").getLast();
    assertThat(sent.rawUri()).isEqualTo("/sdk-crm/C-1");
    assertThat(sent.header("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder().encodeToString("sdk:pw".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> integrations.postIntegrationsActionExecute(actionId, Map.of()))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getRawBody()).contains("invalid.input");
            });

    integrations.deleteIntegrationsAction(actionId);
    assertThatThrownBy(() -> integrations.getIntegrationsAction(actionId, null, null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
    Integration deleted = integrations.deleteIntegration(integrationId);
    assertThat(deleted.getId()).isEqualTo(integrationId);
  }
}

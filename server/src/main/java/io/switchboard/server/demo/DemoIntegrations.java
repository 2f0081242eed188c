package io.switchboard.server.demo;

import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiInput;
import io.switchboard.server.externalapis.ExternalApiService;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.Scopes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo's integrations, per demo org: an OAuth2 client-credentials credential (a dedicated,
 * read-only OAuth client of the org, against this server's own {@code /oauth/token}) and two
 * external APIs calling the built-in fake CRM ({@link DemoCrmRoutes}), so {@code POST
 * .../external-apis/{id}/test} works at once. Found by name on later starts and left alone, except
 * that URLs are moved to this start's base URL when the port changed.
 */
public final class DemoIntegrations {
  public static final String CREDENTIAL_NAME = "Demo CRM (OAuth2)";
  public static final String LOOKUP_NAME = "CRM customer lookup";
  public static final String CASE_NAME = "CRM create case";

  private final IdentityService identity;
  private final CredentialService credentials;
  private final DemoOAuthCredential oauthCredentials;
  private final ExternalApiService apis;
  private final JsonMapper mapper = JsonMapper.builder().build();

  public DemoIntegrations(
      IdentityService identity, CredentialService credentials, ExternalApiService apis) {
    this.identity = identity;
    this.credentials = credentials;
    this.oauthCredentials = new DemoOAuthCredential(identity, credentials);
    this.apis = apis;
  }

  /** Makes sure the org has the demo credential and external APIs, pointing at {@code baseUrl}. */
  public void ensure(String orgId, String baseUrl) {
    String credentialId = credential(orgId, baseUrl);
    DemoExternalApis.ensure(
        apis, orgId, baseUrl, lookup(baseUrl, credentialId), DemoCrmRoutes.BASE + "/");
    DemoExternalApis.ensure(
        apis, orgId, baseUrl, createCase(baseUrl, credentialId), DemoCrmRoutes.BASE + "/");
  }

  private String credential(String orgId, String baseUrl) {
    return oauthCredentials.ensure(
        orgId,
        baseUrl,
        CREDENTIAL_NAME,
        "demo crm caller",
        "Used by the demo credential to call the demo CRM",
        Scopes.ARCHITECT + ":readonly");
  }

  private static ExternalApiInput lookup(String baseUrl, String credentialId) {
    var outputs = new LinkedHashMap<String, String>();
    outputs.put("name", "$.customer.name");
    outputs.put("tier", "$.customer.tier");
    outputs.put("openCases", "$.customer.openCases");
    outputs.put("vip", "body.customer.tier == 'gold' && body.customer.openCases > 0");
    return new ExternalApiInput(
        LOOKUP_NAME,
        "Looks a caller up in the demo CRM. Try inputs {\"customerId\": \"42\"}; add"
            + " ?latencyMs=4000, ?status=503 or ?format=html to the URL to see a timeout, retries"
            + " or an invalid response.",
        null,
        "GET",
        baseUrl + DemoCrmRoutes.BASE + "/customers/${input.customerId}",
        3000,
        1,
        List.of(new ExternalApi.Header("X-Demo-Source", "switchboard")),
        credentialId,
        null,
        new ExternalApi.ResponseMapping(outputs),
        null,
        null,
        null,
        null,
        null);
  }

  private ExternalApiInput createCase(String baseUrl, String credentialId) {
    ObjectNode template = mapper.createObjectNode();
    template.put("customerId", "${input.customerId}");
    template.put("subject", "${input.subject}");
    template.put("source", "switchboard demo");
    return new ExternalApiInput(
        CASE_NAME,
        "Opens a case in the demo CRM; the subject may hold quotes and line breaks, the body is"
            + " built as JSON.",
        null,
        "POST",
        baseUrl + DemoCrmRoutes.BASE + "/cases",
        5000,
        0,
        List.of(),
        credentialId,
        template,
        new ExternalApi.ResponseMapping(Map.of("caseId", "$.caseId", "status", "$.status")),
        null,
        null,
        null,
        null,
        null);
  }
}

package io.switchboard.server.demo;

import io.switchboard.server.credentials.Credential;
import io.switchboard.server.credentials.CredentialService;
import io.switchboard.server.identity.IdentityService;
import io.switchboard.server.identity.Principal;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A demo org's OAuth2 client-credentials credential for a dedicated OAuth client of the org,
 * against this server's own {@code /oauth/token}: created once with its client; on later starts
 * found by name and only its token URL moved to this start's address (the sealed secret is kept).
 */
final class DemoOAuthCredential {
  private final IdentityService identity;
  private final CredentialService credentials;
  private final JsonMapper mapper = JsonMapper.builder().build();

  DemoOAuthCredential(IdentityService identity, CredentialService credentials) {
    this.identity = identity;
    this.credentials = credentials;
  }

  /**
   * The credential {@code name}'s id; when missing, an OAuth client {@code clientName} holding only
   * {@code scope} is created for it, described by {@code purpose}.
   */
  String ensure(
      String orgId, String baseUrl, String name, String clientName, String purpose, String scope) {
    String tokenUrl = baseUrl + "/oauth/token";
    Optional<Credential> existing = credentials.findByName(orgId, name);
    if (existing.isPresent()) {
      Credential c = existing.get();
      if (!tokenUrl.equals(c.publicFields().get("tokenUrl"))) {
        // Secrets left out are kept: only the token URL moves. allowedHosts null: an OAuth2
        // credential follows its token URL's host.
        ObjectNode fields = mapper.valueToTree(c.publicFields());
        fields.put("tokenUrl", tokenUrl);
        credentials.replace(
            orgId,
            c.id(),
            new CredentialService.Input(c.name(), c.description(), c.type().wireName(), fields),
            null);
      }
      return c.id();
    }
    var admin = new Principal(orgId, "demo-setup", IdentityService.allScopes(), "demo-setup", null);
    var client =
        identity.createClient(
            admin, new IdentityService.NewClient(clientName, purpose, null, Set.of(scope)));
    ObjectNode fields = mapper.createObjectNode();
    fields.put("tokenUrl", tokenUrl);
    fields.put("clientId", client.client().id());
    fields.put("clientSecret", client.secret());
    return credentials
        .create(
            orgId,
            new CredentialService.Input(
                name,
                "Client credentials of the org's '" + clientName + "' OAuth client",
                "oauth2-client-credentials",
                fields))
        .id();
  }
}

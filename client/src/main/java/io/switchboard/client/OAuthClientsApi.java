package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/v2/oauth/clients}: the org's OAuth clients (scope {@code oauth}). */
public final class OAuthClientsApi {
  private final SwitchboardClient client;

  OAuthClientsApi(SwitchboardClient client) {
    this.client = client;
  }

  /**
   * A client as the server shows it; {@code secret} is present only right after create or rotate.
   *
   * @param id the client id
   * @param name its name, unique in the org
   * @param description free text
   * @param accessTokenValiditySeconds the lifetime of its tokens
   * @param scope its scopes
   * @param dateCreated when it was created
   * @param secret the secret, only in the answer to create or rotate
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OAuthClient(
      String id,
      String name,
      String description,
      int accessTokenValiditySeconds,
      List<String> scope,
      Instant dateCreated,
      String secret) {
    @Override
    public String toString() {
      return "OAuthClient[id=" + id + ", name=" + name + ", scope=" + scope + "]";
    }
  }

  /**
   * What to create.
   *
   * @param name unique in the org
   * @param description optional
   * @param accessTokenValiditySeconds optional, 300..172800 s (the server's default otherwise)
   * @param scope the scopes
   */
  public record NewOAuthClient(
      String name, String description, Integer accessTokenValiditySeconds, List<String> scope) {}

  /**
   * Creates a client; the answer carries its secret, shown only now. Not retried (no idempotency
   * key).
   *
   * @param request the client to create
   * @return the new client with its secret
   */
  public OAuthClient create(NewOAuthClient request) {
    return client.call(ApiRequest.post("/api/v2/oauth/clients", request), OAuthClient.class);
  }

  /**
   * One client by id ({@link ApiException.NotFoundException} if not in this org).
   *
   * @param id the OAuth client's id
   * @return the client
   */
  public OAuthClient get(String id) {
    return client.call(
        ApiRequest.get("/api/v2/oauth/clients/" + Paths.segment(id)), OAuthClient.class);
  }

  /**
   * One page of the org's clients.
   *
   * @param pageNumber the page, from 1
   * @param pageSize items per page
   * @return the page
   */
  public Page<OAuthClient> list(int pageNumber, int pageSize) {
    return client.call(
        ApiRequest.get("/api/v2/oauth/clients?pageSize=" + pageSize + "&pageNumber=" + pageNumber),
        client.pageOf(OAuthClient.class));
  }

  /**
   * Every client of the org, fetched lazily {@code pageSize} at a time.
   *
   * @param pageSize items per page
   * @return the items, fetched lazily
   */
  public Stream<OAuthClient> stream(int pageSize) {
    return Pages.stream(n -> list(n, pageSize));
  }

  /**
   * Changes a client's name, description, scopes and token lifetime (a null lifetime keeps it); the
   * secret stays. The client is read first and written back whole, so what this record does not
   * hold (its roles, grant type and redirect URIs) is kept as it is. A change that takes a scope
   * away ends the client's current tokens.
   *
   * @param id the OAuth client's id
   * @param request the client's new settings
   * @return the client as changed (without a secret)
   */
  public OAuthClient update(String id, NewOAuthClient request) {
    String path = "/api/v2/oauth/clients/" + Paths.segment(id);
    JsonNode read = client.callForTree(ApiRequest.get(path));
    if (!(read instanceof ObjectNode current))
      throw new IllegalStateException("the server answered the client " + id + " with no object");
    current.put("name", request.name());
    current.put("description", request.description());
    if (request.accessTokenValiditySeconds() != null)
      current.put("accessTokenValiditySeconds", request.accessTokenValiditySeconds());
    ArrayNode scopes = current.putArray("scope");
    if (request.scope() != null) request.scope().forEach(scopes::add);
    // roleIds repeats roleDivisions' roles in Genesys's older form: sent both, they would be both.
    current.remove("roleIds");
    return client.call(ApiRequest.put(path, current), OAuthClient.class);
  }

  /**
   * Deletes a client; its tokens stop working.
   *
   * @param id the OAuth client's id
   */
  public void delete(String id) {
    client.send(ApiRequest.delete("/api/v2/oauth/clients/" + Paths.segment(id)));
  }

  /**
   * A new secret (the old one stops working); the returned client carries it once. Not retried.
   *
   * @param id the OAuth client's id
   * @return the client with its new secret
   */
  public OAuthClient rotateSecret(String id) {
    return client.call(
        ApiRequest.post("/api/v2/oauth/clients/" + Paths.segment(id) + "/secret", null),
        OAuthClient.class);
  }
}

package io.switchboard.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/** {@code /api/v2/oauth/clients}: the org's OAuth clients. */
public final class OAuthClientsApi {
  private final SwitchboardClient client;

  OAuthClientsApi(SwitchboardClient client) {
    this.client = client;
  }

  /** A client as the server shows it; {@code secret} is present only right after create or rotate. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OAuthClient(String id, String name, String description, int accessTokenValiditySeconds, List<String> scope, Instant dateCreated, String secret) {
    @Override
    public String toString() {
      return "OAuthClient[id=" + id + ", name=" + name + ", scope=" + scope + "]";
    }
  }

  /** What to create: a name, the scopes, and optionally a description and token lifetime (300..172800 s). */
  public record NewOAuthClient(String name, String description, Integer accessTokenValiditySeconds, List<String> scope) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record OAuthClientPage(List<OAuthClient> entities, int pageSize, int pageNumber, long total, int pageCount) {}

  public OAuthClient create(NewOAuthClient request) {
    return client.call(ApiRequest.post("/api/v2/oauth/clients", request), OAuthClient.class);
  }

  public OAuthClient get(String id) {
    return client.call(ApiRequest.get("/api/v2/oauth/clients/" + id), OAuthClient.class);
  }

  public OAuthClientPage list(int pageNumber, int pageSize) {
    return client.call(ApiRequest.get("/api/v2/oauth/clients?pageSize=" + pageSize + "&pageNumber=" + pageNumber), OAuthClientPage.class);
  }

  public void delete(String id) {
    client.send(ApiRequest.delete("/api/v2/oauth/clients/" + id));
  }

  /** A new secret (the old one stops working); the returned client carries it once. */
  public OAuthClient rotateSecret(String id) {
    return client.call(ApiRequest.post("/api/v2/oauth/clients/" + id + "/secret", null), OAuthClient.class);
  }
}

package io.switchboard.cli.load;

import io.switchboard.client.ApiRequest;
import io.switchboard.client.SwitchboardClient;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A fault scenario applied for one burst ({@code load burst --faults}); closing it deletes exactly
 * the rules it created (other rules of the org stay), and they end by themselves within the hour
 * should the run be killed.
 */
final class FaultScenario implements AutoCloseable {
  private static final String BASE = "/api/v2/switchboard/faults";
  private final SwitchboardClient admin;
  private final List<String> ruleIds;

  private FaultScenario(SwitchboardClient admin, List<String> ruleIds) {
    this.admin = admin;
    this.ruleIds = ruleIds;
  }

  static FaultScenario apply(
      String baseUrl, Fixture.Credentials credentials, String scenario, HttpClient http) {
    var admin =
        SwitchboardClient.builder()
            .baseUrl(baseUrl)
            .clientCredentials(credentials.clientId(), credentials.clientSecret())
            .deadline(Duration.ofSeconds(30))
            .httpClient(http)
            .build();
    try {
      JsonNode applied =
          admin.callForTree(
              ApiRequest.post(
                  BASE
                      + "/scenarios/"
                      + URLEncoder.encode(scenario, StandardCharsets.UTF_8)
                      + "?ttlSeconds=3600",
                  null));
      var ids = new ArrayList<String>();
      for (JsonNode rule : applied.get("entities")) ids.add(rule.get("id").asString());
      return new FaultScenario(admin, ids);
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      for (String id : ruleIds) admin.send(ApiRequest.delete(BASE + "/" + id));
    } finally {
      admin.close();
    }
  }
}

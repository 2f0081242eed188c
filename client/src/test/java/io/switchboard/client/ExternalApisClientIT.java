package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExternalApisClientIT {
  static TestServer server;
  static SwitchboardClient client;

  @BeforeAll
  static void start() {
    // The Upstream stands in for a partner API on loopback, which egress refuses by default.
    server =
        TestServer.start(
            java.util.Map.of(io.switchboard.server.config.SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    var org = server.newOrg();
    client =
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(org.clientId(), org.clientSecret())
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void allPagesThroughEveryApiOnceWithContinuationTokens() {
    var created = new HashSet<String>();
    for (int i = 0; i < 60; i++) {
      var api =
          ExternalApisApi.NewExternalApi.of("paged-" + i, "GET", "https://crm.example.com/" + i);
      created.add(client.externalApis().create(i % 2 == 0 ? api : api.withTimeout(5000)).id());
    }
    var seen =
        client
            .externalApis()
            .all(new ExternalApisApi.Filter("paged-*", null), 25)
            .map(ExternalApisApi.ExternalApi::id)
            .toList();
    assertThat(seen).hasSize(60).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(created);
    assertThat(client.externalApis().all(new ExternalApisApi.Filter("PAGED-*", 5000), 7).count())
        .isEqualTo(30);
    assertThat(
            client.externalApis().query(ExternalApisApi.Filter.NONE, 100, null).continuationToken())
        .isNull();
  }

  @Test
  void aConditionalPatchChangesOneFieldAndAStaleOneIsTyped() {
    var api =
        client
            .externalApis()
            .create(
                new ExternalApisApi.NewExternalApi(
                    "conditional",
                    "keep",
                    "POST",
                    "https://crm.example.com/x",
                    null,
                    2,
                    null,
                    null,
                    null,
                    null));
    assertThat(api.timeout()).isEqualTo(3000);
    var changed = client.externalApis().setTimeout(api.id(), 5000, api.version());
    assertThat(changed.timeout()).isEqualTo(5000);
    assertThat(changed.version()).isEqualTo(api.version() + 1);
    assertThat(changed.description()).isEqualTo("keep");
    assertThat(changed.retry()).isEqualTo(2);
    assertThatThrownBy(() -> client.externalApis().setTimeout(api.id(), 6000, api.version()))
        .isInstanceOfSatisfying(
            ApiException.VersionMismatchException.class,
            e -> assertThat(e.currentVersion()).isEqualTo(changed.version()));
    assertThatThrownBy(() -> client.externalApis().setTimeout(api.id(), 999, changed.version()))
        .isInstanceOfSatisfying(
            ApiException.InvalidRequestException.class,
            e -> assertThat(e.messageParams()).containsEntry("field", "timeout"));
    assertThat(
            client
                .externalApis()
                .patch(api.id(), java.util.Collections.singletonMap("description", null), null)
                .description())
        .isNull();
  }

  @Test
  void testRunsTheApiAndReportsWhatHappened() {
    try (var upstream = Upstream.start()) {
      upstream.on("/customer", (ex, req) -> Upstream.json(ex, 200, "{\"tier\":\"gold\"}"));
      var api =
          client
              .externalApis()
              .create(
                  new ExternalApisApi.NewExternalApi(
                      "tested",
                      null,
                      "GET",
                      upstream.url("/customer") + "?id=${input.id}",
                      null,
                      null,
                      null,
                      null,
                      null,
                      Map.of("outputs", Map.of("tier", "$.tier"))));
      var report = client.externalApis().test(api.id(), Map.of("id", "42"));
      assertThat(report.success()).isTrue();
      assertThat(report.status()).isEqualTo(200);
      assertThat(report.outputs()).containsEntry("tier", "gold");
      assertThat(upstream.received("/customer").get(0).rawUri()).isEqualTo("/customer?id=42");
    }
    client
        .externalApis()
        .delete(
            client
                .externalApis()
                .all(new ExternalApisApi.Filter("tested", null), 10)
                .findFirst()
                .orElseThrow()
                .id());
    assertThatThrownBy(() -> client.externalApis().get("00000000-0000-0000-0000-000000000000"))
        .isInstanceOf(ApiException.NotFoundException.class);
  }

  @Test
  void queriesAndConditionalWritesAreRetrySafeButPlainPatchesAreNot() {
    assertThat(ApiRequest.post("/api/v2/architect/external-apis/query", Map.of()).isRetryable())
        .isTrue();
    assertThat(ApiRequest.post("/api/v2/architect/external-apis", Map.of()).isRetryable())
        .isFalse();
    assertThat(ApiRequest.patch("/x", Map.of(), "application/json").isRetryable()).isFalse();
    assertThat(
            ApiRequest.patch("/x", Map.of(), "application/json")
                .header("If-Match", "\"3\"")
                .isRetryable())
        .isTrue();
  }
}

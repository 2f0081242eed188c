package io.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.testing.TestServer;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Page-number listings as lazy streams, over the real server. */
class PagingIT {
  static TestServer server;
  static TestServer.OrgAccess org;
  static SwitchboardClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    org = server.newOrg();
    client =
        SwitchboardClient.builder()
            .baseUrl(server.baseUrl())
            .clientCredentials(org.clientId(), org.clientSecret())
            .build();
    for (int i = 0; i < 10; i++)
      client
          .oauthClients()
          .create(new OAuthClientsApi.NewOAuthClient("paged-" + i, null, null, List.of("oauth")));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void streamSeesEveryItemExactlyOnceAcrossPages() {
    long before = client.stats().requests();
    List<String> ids =
        client.oauthClients().stream(3).map(OAuthClientsApi.OAuthClient::id).toList();
    assertThat(ids).hasSize(11).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids))
        .isEqualTo(
            client.oauthClients().list(1, 100).entities().stream()
                .map(OAuthClientsApi.OAuthClient::id)
                .collect(Collectors.toSet()));
    assertThat(client.stats().requests() - before)
        .as("11 items, 3 a page: 4 pages, then the check")
        .isEqualTo(5);
  }

  @Test
  void stoppingEarlyFetchesNoFurtherPage() {
    long before = client.stats().requests();
    assertThat(client.oauthClients().stream(5).limit(5).count()).isEqualTo(5);
    assertThat(client.stats().requests() - before).isEqualTo(1);
  }

  @Test
  void anExactMultipleOfThePageSizeEndsWithoutAnExtraRequest() {
    long before = client.stats().requests();
    assertThat(client.oauthClients().stream(11).count()).isEqualTo(11);
    assertThat(client.stats().requests() - before).isEqualTo(1);
  }

  @Test
  void continuationTokensAreFollowedUntilNull() {
    // The query style in isolation: tokens chain pages, a repeated token is an error, not a loop.
    var pages =
        java.util.Map.of(
            "",
            new QueryPage<>(List.of(1, 2), "t1"),
            "t1",
            new QueryPage<>(List.of(3), "t2"),
            "t2",
            new QueryPage<>(List.of(4, 5), null));
    assertThat(Pages.streamQuery((String t) -> pages.get(t == null ? "" : t)).toList())
        .containsExactly(1, 2, 3, 4, 5);
    var looping =
        java.util.Map.of(
            "", new QueryPage<>(List.of(1), "same"), "same", new QueryPage<>(List.of(2), "same"));
    assertThatThrownBy(
            () -> Pages.streamQuery((String t) -> looping.get(t == null ? "" : t)).toList())
        .hasMessageContaining("same continuation token");
  }
}

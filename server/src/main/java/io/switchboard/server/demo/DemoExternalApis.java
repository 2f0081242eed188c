package io.switchboard.server.demo;

import io.switchboard.server.externalapis.ExternalApi;
import io.switchboard.server.externalapis.ExternalApiInput;
import io.switchboard.server.externalapis.ExternalApiService;
import java.util.Optional;
import java.util.Set;

/**
 * A demo org's external API by name: created as {@code wanted} when missing; otherwise left alone
 * except that its URL follows this start's {@code baseUrl} (the port may change between starts),
 * keeping everything from the first of {@code pathMarkers} it contains.
 */
final class DemoExternalApis {
  private DemoExternalApis() {}

  static void ensure(
      ExternalApiService apis,
      String orgId,
      String baseUrl,
      ExternalApiInput wanted,
      String... pathMarkers) {
    Optional<ExternalApi> existing = apis.findByName(orgId, wanted.name());
    if (existing.isEmpty()) {
      apis.create(orgId, wanted);
      return;
    }
    ExternalApi a = existing.get();
    int path = -1;
    for (String marker : pathMarkers) {
      path = a.url().indexOf(marker);
      if (path >= 0) break;
    }
    if (path <= 0 || a.url().equals(baseUrl + a.url().substring(path))) return;
    var url =
        new ExternalApiInput(
            null,
            null,
            null,
            null,
            baseUrl + a.url().substring(path),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    apis.patch(orgId, a.id(), url, Set.of("url"), null);
  }
}

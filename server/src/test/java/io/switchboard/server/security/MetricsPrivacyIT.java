package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 5: an unauthenticated scrape of /metrics does not list org ids or per-org
 * counters.
 */
class MetricsPrivacyIT {
  @Test
  void byDefaultTheScrapeHasNoOrgIds() {
    try (TestServer server = TestServer.start()) {
      Api api = server.api();
      TestServer.OrgAccess org = server.newOrg();
      assertThat(api.get("/api/v2/users", api.token(org)).status()).isEqualTo(200);
      Api.Response scrape = api.get("/metrics", null);
      assertThat(scrape.status()).isEqualTo(200);
      // The rate limiter still counts, as totals.
      assertThat(scrape.body())
          .contains("switchboard_ratelimit_requests_total")
          .doesNotContain(org.orgId())
          .doesNotContain("org=\"");
    }
  }

  @Test
  void perOrgSeriesAreOptInAndTheScrapeTokenGuardsThem() {
    try (TestServer server =
        TestServer.start(
            Map.of(
                SettingKeys.METRICS_PER_ORG,
                "true",
                SettingKeys.METRICS_TOKEN,
                "scrape-secret-1"))) {
      Api api = server.api();
      TestServer.OrgAccess org = server.newOrg();
      assertThat(api.get("/api/v2/users", api.token(org)).status()).isEqualTo(200);
      assertThat(api.get("/metrics", null).status()).isEqualTo(401);
      assertThat(api.get("/metrics", "wrong").status()).isEqualTo(401);
      Api.Response scrape = api.get("/metrics", "scrape-secret-1");
      assertThat(scrape.status()).isEqualTo(200);
      assertThat(scrape.body()).contains(org.orgId());
    }
  }
}

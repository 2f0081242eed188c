package io.switchboard.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Concurrently;
import io.switchboard.server.testing.MutableClock;
import io.switchboard.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;

/**
 * The per-request caches load once for a crowd: when an org's limits and a client's record expire
 * under 16 concurrent requests, the database is asked once for each, not once per request. The
 * queries are counted on the server's own JDBI (a statement logger on the real database). Before
 * Caffeine, every request that found the entry expired loaded it again.
 */
class CacheSingleFlightIT {
  @Test
  void concurrentRequestsAfterAnExpiryLoadOnce() {
    var clock = new MutableClock();
    try (var server = TestServer.start(Map.of(), null, clock)) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      assertThat(api.get("/api/v2/oauth/clients", token).status()).isEqualTo(200);

      var limitLoads = new AtomicInteger();
      var clientLoads = new AtomicInteger();
      server
          .switchboard()
          .database()
          .jdbi()
          .getConfig(SqlStatements.class)
          .setSqlLogger(
              new SqlLogger() {
                @Override
                public void logBeforeExecution(StatementContext context) {
                  String sql = context.getRawSql();
                  if (sql.contains("from rate_limit_overrides")) limitLoads.incrementAndGet();
                  if (sql.contains("from oauth_clients where id = :id"))
                    clientLoads.incrementAndGet();
                }
              });
      // Past both time-to-lives (limits 2 s, live clients 5 s).
      clock.advance(Duration.ofSeconds(6));
      for (Api.Response r :
          Concurrently.run(
              16, i -> api.get("/api/v2/organizations/limits/namespaces/platform.api", token))) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      assertThat(limitLoads.get()).as("loads of the org's limits").isEqualTo(1);
      assertThat(clientLoads.get()).as("loads of the token's client").isEqualTo(1);
    }
  }
}

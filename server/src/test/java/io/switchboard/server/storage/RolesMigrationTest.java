package io.switchboard.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Upgrading to V16: a client that held every scope (an org's admin client) gets the new {@code
 * authorization} scope; other clients do not.
 */
class RolesMigrationTest {
  @Test
  void anAllScopesClientKeepsHoldingEveryScope() throws Exception {
    Path dir = Files.createTempDirectory("v16");
    String url =
        "jdbc:h2:file:"
            + dir.resolve("db")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .target("12")
        .load()
        .migrate();
    var jdbi = Jdbi.create(url, "sa", "");
    jdbi.useHandle(h -> {
      h.execute("insert into orgs (id, name, created_at) values ('o', 'o', current_timestamp)");
      String all =
          "oauth,scripts,agent-scripting,conversations,users,routing,architect,integrations,limits,"
              + "limits:edit,notifications";
      for (String[] c :
          new String[][] {{"admin", all}, {"some", "scripts,users"}, {"ro", "oauth:readonly"}})
        h.createUpdate(
                "insert into oauth_clients (id, org_id, name, secret_hash, scopes,"
                    + " token_ttl_seconds, created_at, secret_rotated_at) values (:id, 'o', :id,"
                    + " 'h', :scopes, 3600, current_timestamp, current_timestamp)")
            .bind("id", c[0])
            .bind("scopes", c[1])
            .execute();
    });
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    jdbi.useHandle(h -> {
      assertThat(scopes(h, "admin")).endsWith(",notifications,faults,authorization");
      assertThat(scopes(h, "some")).isEqualTo("scripts,users");
      assertThat(scopes(h, "ro")).isEqualTo("oauth:readonly");
      assertThat(
              h.createQuery("select grant_type from oauth_clients where id = 'some'")
                  .mapTo(String.class)
                  .one())
          .isEqualTo("CLIENT-CREDENTIALS");
    });
  }

  private static String scopes(org.jdbi.v3.core.Handle h, String id) {
    return h.createQuery("select scopes from oauth_clients where id = :id")
        .bind("id", id)
        .mapTo(String.class)
        .one();
  }
}

package io.switchboard.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 6: every value of {@code X-Genesys-Organization-Id} is checked, not only the
 * first.
 */
class RepeatedOrgHeaderIT {
  static TestServer server;
  static TestServer.OrgAccess mine;
  static TestServer.OrgAccess other;
  static String token;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    mine = server.newOrg();
    other = server.newOrg();
    token = server.api().token(mine);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RawHttp.RawResponse usersWith(String... orgHeaders) {
    var headers = new java.util.ArrayList<String>(List.of("Authorization: Bearer " + token));
    for (String h : orgHeaders) headers.add("X-Genesys-Organization-Id: " + h);
    return RawHttp.exchange(server.port(), "GET", "/api/v2/users", headers, null);
  }

  @Test
  void aSecondHeaderNamingAnotherOrgIsRefused() {
    RawHttp.RawResponse r = usersWith(mine.orgId(), other.orgId());
    assertThat(r.statusLine()).contains(" 403");
    assertThat(r.body()).contains("org.mismatch");
  }

  @Test
  void aCommaFoldedListNamingAnotherOrgIsRefused() {
    RawHttp.RawResponse r = usersWith(mine.orgId() + ", " + other.orgId());
    assertThat(r.statusLine()).contains(" 403");
    assertThat(r.body()).contains("org.mismatch");
  }

  @Test
  void repeatedHeadersThatAllNameTheTokensOrgAreAccepted() {
    assertThat(usersWith(mine.orgId(), mine.orgId()).statusLine()).contains(" 200");
    assertThat(usersWith(mine.orgId()).statusLine()).contains(" 200");
  }
}

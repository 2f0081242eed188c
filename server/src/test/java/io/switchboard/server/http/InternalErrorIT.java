package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import org.junit.jupiter.api.Test;

class InternalErrorIT {
  @Test
  void unexpectedFailureIs500WithCorrelationIdAndNoStackTrace() {
    try (TestServer server = TestServer.start()) {
      Api api = server.api();
      String token = api.token(server.newOrg());
      // Pull the database out from under the running server: the next query fails unexpectedly.
      server.switchboard().database().close();
      var r = api.get("/api/v2/oauth/clients", token);
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.json().get("code").asString()).isEqualTo("internal.server.error");
      assertThat(r.json().get("contextId").asString())
          .isEqualTo(r.header("ININ-Correlation-Id").orElseThrow());
      assertThat(r.body())
          .doesNotContain("Exception")
          .doesNotContain("\tat ")
          .doesNotContain("hikari");
      assertThat(api.get("/health", null).status()).isEqualTo(503);
    }
  }
}

package io.switchboard.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The division filters Genesys declares on listings ({@code divisionId}; {@code divisionIds} on
 * scripts), over HTTP: every entity of an org is in its Home division, so naming Home keeps them
 * all and naming only another division (another org's Home, say) keeps none.
 */
class DivisionFiltersIT extends TwoOrgServer {
  @Test
  void homeKeepsEveryEntityAndAnotherDivisionNone() {
    String user = fx.user("Division user");
    String home =
        api.get("/api/v2/users/" + user, token).json().get("division").get("id").asString();
    String otherUser = new Fixtures(api, otherToken).user("Division other");
    String otherHome =
        api.get("/api/v2/users/" + otherUser, otherToken)
            .json()
            .get("division")
            .get("id")
            .asString();
    assertThat(otherHome).isNotEqualTo(home);

    fx.wrapupCode("Division code");
    fx.publishedScript(
        "{\"name\":\"Division"
            + " script\",\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[]}]}");
    assertThat(api.post("/api/v2/routing/queues", token, "{\"name\":\"Division queue\"}").status())
        .isEqualTo(200);
    assertThat(
            api.post("/api/v2/flows", token, "{\"name\":\"Division flow\",\"type\":\"WORKFLOW\"}")
                .status())
        .isEqualTo(200);

    record Listing(String path, String param) {}
    for (var l :
        List.of(
            new Listing("/api/v2/routing/queues", "divisionId"),
            new Listing("/api/v2/flows", "divisionId"),
            new Listing("/api/v2/routing/wrapupcodes", "divisionId"),
            new Listing("/api/v2/scripts", "divisionIds"),
            new Listing("/api/v2/scripts/published", "divisionIds"))) {
      long all = total(l.path() + "?pageSize=1");
      assertThat(all).as(l.path()).isPositive();
      String p = l.path() + "?pageSize=1&" + l.param() + "=";
      assertThat(total(p + home)).as(l.path() + " Home by id").isEqualTo(all);
      assertThat(total(p + "home")).as(l.path() + " Home by alias").isEqualTo(all);
      assertThat(total(p + UUID.randomUUID() + "," + home)).as(l.path()).isEqualTo(all);
      assertThat(total(p + otherHome)).as(l.path() + " another org's Home").isZero();
      assertThat(total(p + UUID.randomUUID())).as(l.path()).isZero();
      assertThat(total(p)).as(l.path() + " no division named").isZero();
    }
    // Scripts here run no secure flow: Genesys's flowId filter keeps none.
    for (String scripts : List.of("/api/v2/scripts", "/api/v2/scripts/published"))
      assertThat(total(scripts + "?pageSize=1&flowId=" + UUID.randomUUID())).as(scripts).isZero();
  }

  private static long total(String path) {
    var r = api.get(path, token);
    assertThat(r.status()).as(path + " -> " + r).isEqualTo(200);
    JsonNode page = r.json();
    assertThat(page.get("entities").size()).isLessThanOrEqualTo(1);
    return page.get("total").asLong();
  }
}

package io.switchboard.server.conversations;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.IdFilterChecks;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class WrapupCodesIT {
  static final String CODES = "/api/v2/routing/wrapupcodes";
  static TestServer server;
  static Api api;
  static String otherToken;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    otherToken = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theListingTakesIdsRepeatedOrCommaJoined() {
    String token = api.token(server.newOrg());
    var own = new ArrayList<String>();
    for (String name : List.of("Ids A", "Ids B", "Ids C"))
      own.add(api.post(CODES, token, "{\"name\":\"" + name + "\"}").json().get("id").asString());
    String foreign =
        api.post(CODES, otherToken, "{\"name\":\"Ids A\"}").json().get("id").asString();
    IdFilterChecks.check(api, CODES, token, own, otherToken, foreign);

    // sortBy=id orders by id (either way); another field is 400.
    var sorted = new ArrayList<>(own);
    java.util.Collections.sort(sorted);
    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(api, CODES + "?sortBy=id&id=" + String.join(",", own), token)))
        .containsExactlyElementsOf(sorted);
    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(
                    api,
                    CODES + "?sortBy=id&sortOrder=descending&id=" + String.join(",", own),
                    token)))
        .containsExactlyElementsOf(sorted.reversed());
    assertThat(api.get(CODES + "?sortBy=color", token).status()).isEqualTo(400);
  }

  @Test
  void codesAreCreatedRenamedListedAndDeleted() {
    String token = api.token(server.newOrg());
    var created = api.post(CODES, token, "{\"name\":\"Sale\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode code = created.json();
    String id = code.get("id").asString();
    assertThat(code.get("selfUri").asString()).isEqualTo(CODES + "/" + id);
    assertThat(code.get("dateCreated").asString()).matches(".*\\.\\d{3}Z");
    assertThat(code.get("createdBy").asString()).isNotBlank();
    assertThat(api.get(CODES + "/" + id, token).json()).isEqualTo(code);

    var renamed =
        api.put(CODES + "/" + id, token, code.toString().replace("\"Sale\"", "\"Sale closed\""));
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("name").asString()).isEqualTo("Sale closed");

    for (String n : List.of("No answer", "Callback", "Wrong number"))
      api.post(CODES, token, "{\"name\":\"" + n + "\"}");
    JsonNode page = api.get(CODES + "?pageSize=2", token).json();
    assertThat(page.get("total").asLong()).isEqualTo(4);
    assertThat(names(page)).containsExactly("Callback", "No answer");
    assertThat(names(api.get(CODES + "?sortOrder=descending&pageSize=1", token).json()))
        .containsExactly("Wrong number");
    assertThat(names(api.get(CODES + "?name=N", token).json()))
        .containsExactly("No answer", "Wrong number");
    assertThat(api.get(CODES + "?id=" + id, token).json().get("total").asLong()).isEqualTo(1);

    assertThat(api.delete(CODES + "/" + id, token).status()).isEqualTo(204);
    assertThat(api.get(CODES + "/" + id, token).status()).isEqualTo(404);
    assertThat(api.delete(CODES + "/" + id, token).status()).isEqualTo(404);
  }

  @Test
  void namesAreUniquePerOrgIgnoringCase() {
    String token = api.token(server.newOrg());
    String id = api.post(CODES, token, "{\"name\":\"Busy\"}").json().get("id").asString();
    var dup = api.post(CODES, token, "{\"name\":\"BUSY\"}");
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.json().get("code").asString()).isEqualTo("wrapupcode.name.taken");
    String other = api.post(CODES, token, "{\"name\":\"Idle\"}").json().get("id").asString();
    assertThat(api.put(CODES + "/" + other, token, "{\"name\":\"busy\"}").status()).isEqualTo(409);
    assertThat(api.post(CODES, otherToken, "{\"name\":\"Busy\"}").status()).isEqualTo(201);
    assertThat(api.post(CODES, token, "{}").status()).isEqualTo(400);
    assertThat(api.post(CODES, token, "{\"name\":\"" + "x".repeat(201) + "\"}").status())
        .isEqualTo(400);
    assertThat(api.get(CODES + "/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.put(CODES + "/" + id, otherToken, "{\"name\":\"stolen\"}").status())
        .isEqualTo(404);
    assertThat(api.delete(CODES + "/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.get(CODES + "/" + id, token).json().get("name").asString()).isEqualTo("Busy");
  }

  @Test
  void codesNeedTheRoutingScope() {
    String token = api.token(server.newOrg());
    var c =
        api.post(
                "/api/v2/oauth/clients",
                token,
                "{\"name\":\"calls\",\"scope\":[\"conversations\"]}")
            .json();
    String t = api.token(c.get("id").asString(), c.get("secret").asString());
    var r = api.get(CODES, t);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("routing");
  }

  private static List<String> names(JsonNode listing) {
    var out = new ArrayList<String>();
    for (JsonNode e : listing.get("entities")) out.add(e.get("name").asString());
    return out;
  }
}

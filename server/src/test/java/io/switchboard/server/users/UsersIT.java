package io.switchboard.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.IdFilterChecks;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class UsersIT extends TwoOrgServer {
  @Test
  void agentsAreCreatedReadAndListed() {
    var r =
        api.post(
            "/api/v2/users",
            token,
            "{\"name\":\"Zed"
                + " Agent\",\"email\":\"zed@example.com\",\"department\":\"Support\",\"title\":\"Agent\"}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode u = r.json();
    String id = u.get("id").asString();
    assertThat(u.get("state").asString()).isEqualTo("active");
    assertThat(u.get("username").asString()).isEqualTo("zed@example.com");
    assertThat(u.get("version").asInt()).isEqualTo(1);
    assertThat(u.get("selfUri").asString()).isEqualTo("/api/v2/users/" + id);
    assertThat(api.get("/api/v2/users/" + id, token).json()).isEqualTo(u);
    api.post("/api/v2/users", token, "{\"name\":\"Amy Agent\",\"email\":\"amy@example.com\"}");
    JsonNode listing = api.get("/api/v2/users?pageSize=1", token).json();
    assertThat(listing.get("total").asLong()).isEqualTo(2);
    assertThat(listing.get("entities").get(0).get("name").asString()).isEqualTo("Amy Agent");
    assertThat(listing.get("nextUri").asString())
        .isEqualTo("/api/v2/users?pageSize=1&pageNumber=2");
  }

  @Test
  void aDeletedAgentLeavesTheListingButStaysReadable() {
    String id =
        api.post("/api/v2/users", token, "{\"name\":\"Gone Agent\",\"email\":\"gone@example.com\"}")
            .json()
            .get("id")
            .asString();
    api.post("/api/v2/users", token, "{\"name\":\"Kept Agent\",\"email\":\"kept@example.com\"}");
    assertThat(api.delete("/api/v2/users/" + id, otherToken).status())
        .as("another org's agent")
        .isEqualTo(404);

    long before = api.get("/api/v2/users", token).json().get("total").asLong();

    assertThat(api.delete("/api/v2/users/" + id, token).status()).isEqualTo(204);
    JsonNode listing = api.get("/api/v2/users?pageSize=100", token).json();
    assertThat(listing.get("total").asLong()).isEqualTo(before - 1);
    assertThat(listing.get("entities").valueStream().map(u -> u.get("name").asString()))
        .contains("Kept Agent")
        .doesNotContain("Gone Agent");
    JsonNode gone = api.get("/api/v2/users/" + id, token).json();
    assertThat(gone.get("state").asString()).isEqualTo("deleted");
    assertThat(gone.get("version").asInt()).isEqualTo(2);
    assertThat(api.delete("/api/v2/users/" + id, token).status())
        .as("already deleted")
        .isEqualTo(404);
  }

  @Test
  void theListingTakesAState() {
    String kept = fx.user("State Kept");
    String gone = fx.user("State Gone");
    assertThat(api.delete("/api/v2/users/" + gone, token).status()).isEqualTo(204);
    String both = "&id=" + kept + "," + gone;

    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(api, "/api/v2/users?pageSize=100" + both, token)))
        .as("active by default")
        .containsExactly(kept);
    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(api, "/api/v2/users?state=ACTIVE" + both, token)))
        .as("any case")
        .containsExactly(kept);
    JsonNode deleted = IdFilterChecks.page(api, "/api/v2/users?state=deleted" + both, token);
    assertThat(IdFilterChecks.ids(deleted)).containsExactly(gone);
    assertThat(deleted.get("total").asLong()).isEqualTo(1);
    assertThat(deleted.get("entities").get(0).get("state").asString()).isEqualTo("deleted");
    assertThat(
            IdFilterChecks.ids(IdFilterChecks.page(api, "/api/v2/users?state=any" + both, token)))
        .containsExactlyInAnyOrder(kept, gone);
    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(api, "/api/v2/users?state=inactive" + both, token)))
        .as("no user of Switchboard is inactive")
        .isEmpty();
    // Without an id filter, the deleted listing holds no other org's deleted users.
    String foreign = new Fixtures(api, otherToken).user("State Foreign");
    assertThat(api.delete("/api/v2/users/" + foreign, otherToken).status()).isEqualTo(204);
    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(api, "/api/v2/users?state=deleted&pageSize=500", token)))
        .contains(gone)
        .doesNotContain(foreign, kept);

    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(
                    api, "/api/v2/users?state=any&sortOrder=descending" + both, token)))
        .containsExactly(kept, gone);
    assertThat(
            IdFilterChecks.ids(
                IdFilterChecks.page(api, "/api/v2/users?jabberId=j@x" + both, token)))
        .as("no user has a Jabber id")
        .isEmpty();

    var bad = api.get("/api/v2/users?state=gone", token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("code").asString()).isEqualTo("invalid.value");
    assertThat(bad.json().get("messageParams").get("field").asString()).isEqualTo("state");
  }

  @Test
  void emailsAreUniqueInAnOrgIgnoringCase() {
    assertThat(
            api.post("/api/v2/users", token, "{\"name\":\"A\",\"email\":\"dup@example.com\"}")
                .status())
        .isEqualTo(201);
    var dup = api.post("/api/v2/users", token, "{\"name\":\"B\",\"email\":\"DUP@example.com\"}");
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.json().get("code").asString()).isEqualTo("user.email.taken");
    assertThat(
            api.post("/api/v2/users", otherToken, "{\"name\":\"B\",\"email\":\"dup@example.com\"}")
                .status())
        .as("another org may")
        .isEqualTo(201);
  }

  @Test
  void badUsersAreRefused() {
    assertThat(
            api.post("/api/v2/users", token, "{\"name\":\"A\"}")
                .json()
                .get("messageParams")
                .get("field")
                .asString())
        .isEqualTo("email");
    assertThat(
            api.post("/api/v2/users", token, "{\"name\":\"A\",\"email\":\"not-an-email\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post("/api/v2/users", token, "{\"email\":\"a@b.c\"}")
                .json()
                .get("messageParams")
                .get("field")
                .asString())
        .isEqualTo("name");
    // A field we do not use is ignored, as Genesys does: it grants nothing and is not stored.
    var ignored =
        api.post("/api/v2/users", token, "{\"name\":\"A\",\"email\":\"a@b.c\",\"admin\":true}");
    assertThat(ignored.status()).isEqualTo(201);
    assertThat(ignored.json().has("admin")).isFalse();
    assertThat(
            api.get("/api/v2/users/" + ignored.json().get("id").asString(), token)
                .json()
                .has("admin"))
        .isFalse();
  }

  @Test
  void theListingTakesIdsRepeatedOrCommaJoined() {
    String ann = fx.user("Ids Ann");
    String bob = fx.user("Ids Bob");
    String cid = fx.user("Ids Cid");
    String foreign = new Fixtures(api, otherToken).user("Ids Ann");
    IdFilterChecks.check(api, "/api/v2/users", token, List.of(ann, bob, cid), otherToken, foreign);

    // A deleted user leaves the filtered listing as it leaves the whole one.
    String gone = fx.user("Ids Gone");
    assertThat(IdFilterChecks.ids(IdFilterChecks.page(api, "/api/v2/users?id=" + gone, token)))
        .containsExactly(gone);
    assertThat(api.delete("/api/v2/users/" + gone, token).status()).isEqualTo(204);
    JsonNode after = IdFilterChecks.page(api, "/api/v2/users?id=" + gone + "," + ann, token);
    assertThat(IdFilterChecks.ids(after)).containsExactly(ann);
    assertThat(after.get("total").asLong()).isEqualTo(1);
  }

  @Test
  void anotherOrgsUserIsNotFound() {
    String id =
        api.post("/api/v2/users", token, "{\"name\":\"Private\",\"email\":\"private@example.com\"}")
            .json()
            .get("id")
            .asString();
    assertThat(api.get("/api/v2/users/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.get("/api/v2/users?pageSize=500", otherToken).body()).doesNotContain(id);
  }

  @Test
  void usersNeedTheUsersScope() {
    var c =
        api.post("/api/v2/oauth/clients", token, "{\"name\":\"ro\",\"scope\":[\"users:readonly\"]}")
            .json();
    String ro = api.token(c.get("id").asString(), c.get("secret").asString());
    assertThat(api.get("/api/v2/users", ro).status()).isEqualTo(200);
    var denied = api.post("/api/v2/users", ro, "{\"name\":\"A\",\"email\":\"ro@example.com\"}");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("messageParams").get("scope").asString()).isEqualTo("users");
  }
}

package io.switchboard.server.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PublishedScriptsIT extends TwoOrgServer {
  @Test
  void publishingMakesAnImmutableVersion() {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    JsonNode draft = api.get("/api/v2/scripts/" + id, token).json();
    var published = api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}");
    assertThat(published.status()).isEqualTo(201);
    JsonNode v1 = published.json();
    String v1Id = v1.get("versionId").asString();
    assertThat(v1.get("id").asString()).isEqualTo(id);
    assertThat(v1.has("version")).isFalse();
    assertThat(v1.get("publishedDate").asString()).matches("\\d{4}-.*\\.\\d{3}Z");
    assertThat(v1.get("versionDate").asString()).isEqualTo(v1.get("publishedDate").asString());
    assertThat(v1.get("selfUri").asString()).isEqualTo("/api/v2/scripts/published/" + id);
    assertThat(v1.get("pages").get(0).get("selfUri").asString())
        .isEqualTo("/api/v2/scripts/published/" + id + "/pages/start");
    assertThat(v1.get("variables")).isEqualTo(draft.get("variables"));
    assertThat(published.header("ETag")).contains("\"" + v1Id + "\"");
    assertThat(api.get("/api/v2/scripts/" + id, token).json().get("publishedDate").asString())
        .isEqualTo(v1.get("publishedDate").asString());

    // Editing the draft leaves the published version as it was.
    var edited =
        api.put(
            "/api/v2/scripts/" + id,
            token,
            Fixtures.GREETING_SCRIPT
                .replace("\"Greeting\"", "\"Greeting edited\"")
                .replaceFirst("\\{", "{\"version\":1,"));
    assertThat(edited.status()).as(edited.body()).isEqualTo(200);
    JsonNode stillV1 = api.get("/api/v2/scripts/published/" + id, token).json();
    assertThat(stillV1.get("name").asString()).isEqualTo("Greeting");
    assertThat(stillV1.get("versionId").asString()).isEqualTo(v1Id);

    var v2 = api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}").json();
    assertThat(v2.get("versionId").asString()).isNotEqualTo(v1Id);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).json().get("name").asString())
        .isEqualTo("Greeting edited");
    var old = api.get("/api/v2/scripts/published/" + id + "?scriptDataVersion=" + v1Id, token);
    assertThat(old.status()).isEqualTo(200);
    assertThat(old.json().get("name").asString()).isEqualTo("Greeting");
    assertThat(
            api.get("/api/v2/scripts/published/" + id + "?scriptDataVersion=not-a-version", token)
                .status())
        .isEqualTo(404);
  }

  @Test
  void publishedReadsCarryAStrongETagAndAnswer304() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    var first = api.get("/api/v2/scripts/published/" + id, token);
    String etag = first.header("ETag").orElseThrow();
    assertThat(etag).startsWith("\"").endsWith("\"").doesNotStartWith("W/");
    assertThat(api.get("/api/v2/scripts/published/" + id, token).header("ETag")).contains(etag);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).body()).isEqualTo(first.body());

    var notModified = api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", etag);
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(notModified.header("ETag")).contains(etag);
    assertThat(
            api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", "W/" + etag)
                .status())
        .isEqualTo(304);
    assertThat(
            api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", "\"other\", " + etag)
                .status())
        .isEqualTo(304);
    assertThat(api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", "*").status())
        .isEqualTo(304);
    assertThat(
            api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", "\"other\"")
                .status())
        .isEqualTo(200);

    // The exact header case the official clients compare.
    var raw =
        RawHttp.exchange(
            server.port(),
            "GET",
            "/api/v2/scripts/published/" + id,
            List.of("Authorization: Bearer " + token, "If-None-Match: " + etag),
            null);
    assertThat(raw.statusLine()).contains("304");
    assertThat(raw.exactHeader("ETag")).isEqualTo(etag);

    for (String sub : List.of("/pages", "/variables", "/pages/start")) {
      var r = api.get("/api/v2/scripts/published/" + id + sub, token);
      assertThat(r.status()).as(sub).isEqualTo(200);
      String subTag = r.header("ETag").orElseThrow();
      assertThat(subTag).isNotEqualTo(etag);
      assertThat(
              api.get("/api/v2/scripts/published/" + id + sub, token, "If-None-Match", subTag)
                  .status())
          .as(sub)
          .isEqualTo(304);
    }

    // A new published version is a new representation: the old tag no longer matches.
    api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + id + "\"}");
    var after = api.get("/api/v2/scripts/published/" + id, token, "If-None-Match", etag);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.header("ETag").orElseThrow()).isNotEqualTo(etag);
  }

  @Test
  void variablesAndPagesOfThePublishedVersion() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    assertThat(api.get("/api/v2/scripts/published/" + id + "/variables", token).json()).hasSize(4);
    assertThat(
            variableNames(
                api.get("/api/v2/scripts/published/" + id + "/variables?input=true", token).json()))
        .containsExactly("customerName");
    assertThat(
            variableNames(
                api.get("/api/v2/scripts/published/" + id + "/variables?output=true", token)
                    .json()))
        .containsExactly("consent");
    assertThat(
            variableNames(
                api.get("/api/v2/scripts/published/" + id + "/variables?type=number", token)
                    .json()))
        .containsExactly("age");
    assertThat(api.get("/api/v2/scripts/published/" + id + "/variables?type=date", token).status())
        .isEqualTo(400);
    var pages = api.get("/api/v2/scripts/published/" + id + "/pages", token).json();
    assertThat(pages).hasSize(2);
    assertThat(pages.get(1).get("id").asString()).isEqualTo("second");
    assertThat(api.get("/api/v2/scripts/published/" + id + "/pages/nope", token).status())
        .isEqualTo(404);
  }

  @Test
  void listingShowsTheLatestVersionOfEachPublishedScript() {
    String t = api.token(server.newOrg());
    var f = new Fixtures(api, t);
    String a = f.publishedScript("{\"name\":\"A published\",\"pages\":[{\"name\":\"P\"}]}");
    f.script("{\"name\":\"B draft only\"}");
    String c = f.publishedScript("{\"name\":\"C published\",\"pages\":[{\"name\":\"P\"}]}");
    api.post("/api/v2/scripts/published", t, "{\"scriptId\":\"" + c + "\"}");
    JsonNode listing = api.get("/api/v2/scripts/published", t).json();
    assertThat(listing.get("total").asLong()).isEqualTo(2);
    var ids = new ArrayList<String>();
    for (JsonNode e : listing.get("entities")) ids.add(e.get("id").asString());
    assertThat(ids).containsExactly(a, c);
    assertThat(listing.get("selfUri").asString())
        .isEqualTo("/api/v2/scripts/published?pageSize=25&pageNumber=1");
    assertThat(api.get("/api/v2/scripts/published?name=c%20pub", t).json().get("total").asLong())
        .isEqualTo(1);
    assertThat(
            api.get("/api/v2/scripts/published?sortOrder=descending", t)
                .json()
                .get("entities")
                .get(0)
                .get("id")
                .asString())
        .isEqualTo(c);
  }

  @Test
  void publishingNeedsAScriptOfTheOrgWithPagesAndTheCurrentVersion() {
    String empty = fx.script("{\"name\":\"no pages\"}");
    var noPages = api.post("/api/v2/scripts/published", token, "{\"scriptId\":\"" + empty + "\"}");
    assertThat(noPages.status()).isEqualTo(400);
    assertThat(api.get("/api/v2/scripts/published/" + empty, token).status()).isEqualTo(404);

    String id = fx.script(Fixtures.GREETING_SCRIPT);
    JsonNode draft = api.get("/api/v2/scripts/" + id, token).json();
    api.put(
        "/api/v2/scripts/" + id,
        token,
        Fixtures.GREETING_SCRIPT.replaceFirst("\\{", "{\"version\":1,"));
    var stale =
        api.post(
            "/api/v2/scripts/published",
            token,
            "{\"scriptId\":\""
                + id
                + "\",\"versionId\":\""
                + draft.get("versionId").asString()
                + "\"}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("code").asString()).isEqualTo("version.mismatch");
    assertThat(stale.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(2);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).status()).isEqualTo(404);

    assertThat(
            api.post(
                    "/api/v2/scripts/published",
                    token,
                    "{\"scriptId\":\"00000000-0000-0000-0000-000000000000\"}")
                .status())
        .isEqualTo(404);
    assertThat(api.post("/api/v2/scripts/published", token, "{}").status()).isEqualTo(400);
  }

  @Test
  void aDeletedScriptIsNoLongerServed() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).status()).isEqualTo(200);
    api.delete("/api/v2/scripts/" + id, token);
    assertThat(api.get("/api/v2/scripts/published/" + id, token).status()).isEqualTo(404);
    assertThat(api.get("/api/v2/scripts/published/" + id + "/pages", token).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v2/scripts/published?pageSize=500", token).body()).doesNotContain(id);
  }

  @Test
  void anotherOrgsPublishedScriptIsNotFound() {
    String id = fx.publishedScript(Fixtures.GREETING_SCRIPT);
    for (String path : List.of("", "/variables", "/pages", "/pages/start")) {
      var r = api.get("/api/v2/scripts/published/" + id + path, otherToken);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.json().get("code").asString()).isEqualTo("not.found");
    }
    assertThat(api.get("/api/v2/scripts/published", otherToken).body()).doesNotContain(id);
  }

  private static List<String> variableNames(JsonNode variables) {
    var names = new ArrayList<String>();
    for (JsonNode v : variables) names.add(v.get("name").asString());
    return names;
  }
}

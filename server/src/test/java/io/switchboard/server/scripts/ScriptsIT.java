package io.switchboard.server.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Fixtures;
import io.switchboard.server.testing.TwoOrgServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ScriptsIT extends TwoOrgServer {
  @Test
  void createdScriptHasTheGenesysShape() {
    var r = api.post("/api/v2/scripts", token, Fixtures.GREETING_SCRIPT);
    assertThat(r.status()).isEqualTo(201);
    JsonNode s = r.json();
    String id = s.get("id").asString();
    assertThat(r.header("Location")).contains("/api/v2/scripts/" + id);
    assertThat(r.header("ETag")).contains("\"1\"");
    assertThat(s.get("name").asString()).isEqualTo("Greeting");
    assertThat(s.get("versionId").asString()).isNotBlank();
    assertThat(s.get("version").asLong()).isEqualTo(1);
    assertThat(s.get("createdDate").asString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(s.get("modifiedDate").asString()).isEqualTo(s.get("createdDate").asString());
    assertThat(s.get("versionDate").asString()).isEqualTo(s.get("modifiedDate").asString());
    assertThat(s.has("publishedDate")).isFalse();
    assertThat(s.get("startPageId").asString()).isEqualTo("start");
    assertThat(s.get("startPageName").asString()).isEqualTo("Start");
    assertThat(s.get("features").isObject()).isTrue();
    assertThat(s.get("customActions").isObject()).isTrue();
    assertThat(s.get("variables")).hasSize(4);
    JsonNode consent = s.get("variables").get(2);
    assertThat(consent.get("name").asString()).isEqualTo("consent");
    assertThat(consent.get("type").asString()).isEqualTo("boolean");
    assertThat(consent.get("output").asBoolean()).isTrue();
    assertThat(consent.get("input").asBoolean()).isFalse();
    assertThat(consent.get("defaultValue").asBoolean()).isFalse();
    assertThat(s.get("pages")).hasSize(2);
    JsonNode page = s.get("pages").get(0);
    assertThat(page.get("id").asString()).isEqualTo("start");
    assertThat(page.get("versionId").asString()).isEqualTo(s.get("versionId").asString());
    assertThat(page.get("selfUri").asString()).isEqualTo("/api/v2/scripts/" + id + "/pages/start");
    assertThat(page.get("components")).hasSize(6);
    assertThat(s.get("selfUri").asString()).isEqualTo("/api/v2/scripts/" + id);

    var got = api.get("/api/v2/scripts/" + id, token);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(s);
    assertThat(api.get("/api/v2/scripts/" + id, token, "If-None-Match", "\"1\"").status())
        .isEqualTo(304);
  }

  @Test
  void componentAndPageIdsAreGeneratedWhenLeftOut() {
    var r =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"no"
                + " ids\",\"pages\":[{\"name\":\"Only\",\"components\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode page = r.json().get("pages").get(0);
    assertThat(page.get("id").asString()).isNotBlank();
    assertThat(r.json().get("startPageId").asString()).isEqualTo(page.get("id").asString());
    assertThat(page.get("components").get(0).get("id").asString()).isNotBlank();
  }

  @Test
  void listingPagesSortsAndFiltersByName() {
    String t = api.token(server.newOrg());
    var f = new Fixtures(api, t);
    for (String name : List.of("Delta", "alpha", "Gamma one", "gamma two", "Beta 50%"))
      f.script("{\"name\":\"" + name + "\"}");

    var first = api.get("/api/v2/scripts?pageSize=2", t).json();
    assertThat(first.get("total").asLong()).isEqualTo(5);
    assertThat(first.get("pageCount").asInt()).isEqualTo(3);
    assertThat(first.get("pageSize").asInt()).isEqualTo(2);
    assertThat(first.get("pageNumber").asInt()).isEqualTo(1);
    assertThat(names(first)).containsExactly("alpha", "Beta 50%");
    assertThat(first.get("nextUri").asString())
        .isEqualTo("/api/v2/scripts?pageSize=2&pageNumber=2");
    assertThat(first.get("lastUri").asString())
        .isEqualTo("/api/v2/scripts?pageSize=2&pageNumber=3");
    assertThat(first.get("firstUri").asString())
        .isEqualTo("/api/v2/scripts?pageSize=2&pageNumber=1");
    assertThat(first.get("selfUri").asString())
        .isEqualTo("/api/v2/scripts?pageSize=2&pageNumber=1");
    assertThat(first.has("previousUri")).isFalse();
    var last = api.get("/api/v2/scripts?pageSize=2&pageNumber=3", t).json();
    assertThat(names(last)).containsExactly("gamma two");
    assertThat(last.has("nextUri")).isFalse();

    assertThat(names(api.get("/api/v2/scripts?sortOrder=descending", t).json()))
        .containsExactly("gamma two", "Gamma one", "Delta", "Beta 50%", "alpha");
    assertThat(names(api.get("/api/v2/scripts?sortBy=createdDate&sortOrder=desc", t).json()))
        .hasSize(5);
    var gamma = api.get("/api/v2/scripts?name=GAMMA", t).json();
    assertThat(names(gamma)).containsExactly("Gamma one", "gamma two");
    assertThat(gamma.get("total").asLong()).isEqualTo(2);
    assertThat(gamma.get("selfUri").asString()).contains("name=GAMMA");
    assertThat(names(api.get("/api/v2/scripts?name=50%25", t).json())).containsExactly("Beta 50%");
    assertThat(api.get("/api/v2/scripts?name=a_p", t).json().get("total").asLong())
        .as("_ is not a wildcard")
        .isZero();

    var bad = api.get("/api/v2/scripts?sortBy=colour", t);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("messageParams").get("field").asString()).isEqualTo("sortBy");
    assertThat(api.get("/api/v2/scripts?sortOrder=sideways", t).status()).isEqualTo(400);
    assertThat(api.get("/api/v2/scripts?pageSize=0", t).status()).isEqualTo(400);
  }

  @Test
  void unknownVariableInAPlaceholderNamesThePageAndComponent() {
    var r =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"bad\",\"variables\":[{\"name\":\"known\",\"type\":\"string\"}],\"pages\":[{\"id\":\"p1\",\"name\":\"First\",\"components\":[{\"id\":\"ok\",\"type\":\"text\",\"text\":\"{{known}}\"}]},{\"id\":\"p2\",\"name\":\"Second\",\"components\":[{\"id\":\"c9\",\"type\":\"text\",\"text\":\"Hi"
                + " {{ unknownThing }}\"}]}]}");
    assertThat(r.status()).isEqualTo(400);
    JsonNode e = r.json();
    assertThat(e.get("code").asString()).isEqualTo("invalid.value");
    assertThat(e.get("messageParams").get("pageId").asString()).isEqualTo("p2");
    assertThat(e.get("messageParams").get("pageName").asString()).isEqualTo("Second");
    assertThat(e.get("messageParams").get("componentId").asString()).isEqualTo("c9");
    assertThat(e.get("messageParams").get("variable").asString()).isEqualTo("unknownThing");
    assertThat(e.get("messageParams").get("field").asString())
        .isEqualTo("pages[1].components[0].text");
    assertThat(e.get("message").asString())
        .contains("Second")
        .contains("c9")
        .contains("unknownThing");
  }

  @Test
  void unknownVariableInABindingNamesThePageAndComponent() {
    var r =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"bad\",\"pages\":[{\"id\":\"p1\",\"name\":\"First\",\"components\":[{\"id\":\"in1\",\"type\":\"input\",\"variable\":\"nope\"}]}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("messageParams").get("componentId").asString()).isEqualTo("in1");
    assertThat(r.json().get("messageParams").get("pageId").asString()).isEqualTo("p1");
    assertThat(r.json().get("messageParams").get("variable").asString()).isEqualTo("nope");

    var button =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"bad\",\"pages\":[{\"id\":\"p1\",\"name\":\"First\",\"components\":[{\"id\":\"b1\",\"type\":\"button\",\"action\":\"setVariable\",\"variable\":\"ghost\",\"value\":1}]}]}");
    assertThat(button.status()).isEqualTo(400);
    assertThat(button.json().get("messageParams").get("componentId").asString()).isEqualTo("b1");
  }

  @Test
  void componentsAndVariablesAreCheckedForTypes() {
    String vars =
        "\"variables\":[{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"number\"}]";
    record Case(String components, String componentId, String field) {}
    var cases =
        List.of(
            new Case(
                "{\"id\":\"cb\",\"type\":\"input\",\"inputType\":\"checkbox\",\"variable\":\"s\"}",
                "cb",
                "variable"),
            new Case(
                "{\"id\":\"num\",\"type\":\"input\",\"inputType\":\"number\",\"variable\":\"s\"}",
                "num",
                "variable"),
            new Case(
                "{\"id\":\"sel\",\"type\":\"input\",\"inputType\":\"select\",\"variable\":\"s\"}",
                "sel",
                "options"),
            new Case(
                "{\"id\":\"weird\",\"type\":\"input\",\"inputType\":\"slider\",\"variable\":\"s\"}",
                "weird",
                "inputType"),
            new Case(
                "{\"id\":\"btn\",\"type\":\"button\",\"action\":\"setVariable\",\"variable\":\"n\",\"value\":\"ten\"}",
                "btn",
                "value"),
            new Case(
                "{\"id\":\"act\",\"type\":\"button\",\"action\":\"explode\"}", "act", "action"),
            new Case("{\"id\":\"what\",\"type\":\"video\"}", "what", "type"),
            new Case("{\"id\":\"txt\",\"type\":\"text\"}", "txt", "text"));
    for (Case c : cases) {
      var r =
          api.post(
              "/api/v2/scripts",
              token,
              "{\"name\":\"x\","
                  + vars
                  + ",\"pages\":[{\"id\":\"pg\",\"name\":\"Pg\",\"components\":["
                  + c.components()
                  + "]}]}");
      assertThat(r.status()).as(c.components()).isEqualTo(400);
      assertThat(r.json().get("messageParams").get("componentId").asString())
          .as(c.components())
          .isEqualTo(c.componentId());
      assertThat(r.json().get("messageParams").get("pageId").asString()).isEqualTo("pg");
      assertThat(r.json().get("messageParams").get("field").asString())
          .as(c.components())
          .isEqualTo("pages[0].components[0]." + c.field());
    }
    var dupVar =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"x\",\"variables\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"a\",\"type\":\"number\"}]}");
    assertThat(dupVar.status()).isEqualTo(400);
    assertThat(dupVar.json().get("messageParams").get("variable").asString()).isEqualTo("a");
    var badDefault =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"x\",\"variables\":[{\"name\":\"a\",\"type\":\"number\",\"defaultValue\":\"1\"}]}");
    assertThat(badDefault.status()).isEqualTo(400);
    assertThat(badDefault.json().get("messageParams").get("field").asString())
        .isEqualTo("variables[0].defaultValue");
    var badType =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"x\",\"variables\":[{\"name\":\"a\",\"type\":\"date\"}]}");
    assertThat(badType.status()).isEqualTo(400);
    var badStart =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"x\",\"startPageId\":\"nowhere\",\"pages\":[{\"id\":\"p\",\"name\":\"P\"}]}");
    assertThat(badStart.status()).isEqualTo(400);
    assertThat(badStart.json().get("messageParams").get("field").asString())
        .isEqualTo("startPageId");
    var dupComponent =
        api.post(
            "/api/v2/scripts",
            token,
            "{\"name\":\"x\",\"pages\":[{\"id\":\"p\",\"name\":\"P\",\"components\":[{\"id\":\"c\",\"type\":\"text\",\"text\":\"a\"}]},{\"id\":\"q\",\"name\":\"Q\",\"components\":[{\"id\":\"c\",\"type\":\"text\",\"text\":\"b\"}]}]}");
    assertThat(dupComponent.status()).isEqualTo(400);
    assertThat(dupComponent.json().get("messageParams").get("pageId").asString()).isEqualTo("q");
  }

  @Test
  void badBodiesAreRejectedPrecisely() {
    var malformed = api.post("/api/v2/scripts", token, "{\"name\":\"x\",\n \"pages\": [}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("messageParams").get("line").asInt()).isEqualTo(2);
    var wrongType = api.post("/api/v2/scripts", token, "{\"name\":12}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("messageParams").get("field").asString()).isEqualTo("name");
    // A field we do not use is ignored, as Genesys does (a tolerant reader).
    var unknownField = api.post("/api/v2/scripts", token, "{\"name\":\"x\",\"colour\":\"red\"}");
    assertThat(unknownField.status()).as(unknownField.toString()).isIn(200, 201);
    assertThat(unknownField.json().has("colour")).isFalse();
    assertThat(api.post("/api/v2/scripts", token, "{}").status()).isEqualTo(400);
    assertThat(
            api.post("/api/v2/scripts", token, "{\"name\":\"x\"}", "Content-Type", "text/plain")
                .status())
        .isEqualTo(415);
    var features = api.post("/api/v2/scripts", token, "{\"name\":\"x\",\"features\":[1]}");
    assertThat(features.status()).isEqualTo(400);
    var huge = api.post("/api/v2/scripts", token, "{\"name\":\"" + "x".repeat(1_100_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
  }

  @Test
  void putWithAStaleVersionIs409AndWritesNothing() {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    var v2 = api.put("/api/v2/scripts/" + id, token, "{\"name\":\"Greeting v2\",\"version\":1}");
    assertThat(v2.status()).isEqualTo(200);
    assertThat(v2.json().get("version").asLong()).isEqualTo(2);
    assertThat(v2.header("ETag")).contains("\"2\"");
    assertThat(v2.json().get("pages")).isEmpty();

    var stale = api.put("/api/v2/scripts/" + id, token, "{\"name\":\"lost update\",\"version\":1}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("code").asString()).isEqualTo("version.mismatch");
    assertThat(stale.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(2);
    assertThat(api.get("/api/v2/scripts/" + id, token).json().get("name").asString())
        .isEqualTo("Greeting v2");

    var staleHeader =
        api.put("/api/v2/scripts/" + id, token, "{\"name\":\"lost update\"}", "If-Match", "\"1\"");
    assertThat(staleHeader.status()).isEqualTo(409);
    var noVersion = api.put("/api/v2/scripts/" + id, token, "{\"name\":\"no version\"}");
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.json().get("messageParams").get("field").asString()).isEqualTo("version");
    var disagree =
        api.put(
            "/api/v2/scripts/" + id, token, "{\"name\":\"x\",\"version\":2}", "If-Match", "\"1\"");
    assertThat(disagree.status()).isEqualTo(400);
    assertThat(api.get("/api/v2/scripts/" + id, token).json().get("version").asLong()).isEqualTo(2);

    // Read-modify-write of the whole GET body, server-owned fields included, works.
    JsonNode current = api.get("/api/v2/scripts/" + id, token).json();
    String edited = current.toString().replace("\"Greeting v2\"", "\"Greeting v3\"");
    var v3 = api.put("/api/v2/scripts/" + id, token, edited, "If-Match", "\"2\"");
    assertThat(v3.status()).as(v3.body()).isEqualTo(200);
    assertThat(v3.json().get("name").asString()).isEqualTo("Greeting v3");
    assertThat(v3.json().get("versionId").asString())
        .isNotEqualTo(current.get("versionId").asString());
  }

  @Test
  void pagesAreReadOneByOneOrAll() {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    var pages = api.get("/api/v2/scripts/" + id + "/pages", token);
    assertThat(pages.status()).isEqualTo(200);
    assertThat(pages.json().isArray()).isTrue();
    assertThat(pages.json()).hasSize(2);
    var second = api.get("/api/v2/scripts/" + id + "/pages/second", token);
    assertThat(second.json().get("name").asString()).isEqualTo("Second");
    assertThat(second.json().get("components").get(0).get("text").asString())
        .isEqualTo("Bye {{customerName}}");
    assertThat(api.get("/api/v2/scripts/" + id + "/pages/nope", token).status()).isEqualTo(404);
  }

  @Test
  void deletedScriptIsGone() {
    String id = fx.script("{\"name\":\"short-lived\"}");
    assertThat(api.delete("/api/v2/scripts/" + id, token).status()).isEqualTo(204);
    assertThat(api.get("/api/v2/scripts/" + id, token).status()).isEqualTo(404);
    assertThat(api.delete("/api/v2/scripts/" + id, token).status()).isEqualTo(404);
  }

  @Test
  void anotherOrgsScriptIsNotFoundExactlyLikeAMissingOne() {
    String id = fx.script(Fixtures.GREETING_SCRIPT);
    var foreign = api.get("/api/v2/scripts/" + id, otherToken);
    var missing = api.get("/api/v2/scripts/00000000-0000-0000-0000-000000000000", otherToken);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.json().get("code").asString())
        .isEqualTo(missing.json().get("code").asString())
        .isEqualTo("not.found");
    assertThat(
            api.put("/api/v2/scripts/" + id, otherToken, "{\"name\":\"hijack\",\"version\":1}")
                .status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v2/scripts/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.get("/api/v2/scripts/" + id + "/pages", otherToken).status()).isEqualTo(404);
    assertThat(
            api.post("/api/v2/scripts/published", otherToken, "{\"scriptId\":\"" + id + "\"}")
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v2/scripts?pageSize=500", otherToken).body()).doesNotContain(id);
    assertThat(api.get("/api/v2/scripts/" + id, token).json().get("version").asLong()).isEqualTo(1);
  }

  @Test
  void readonlyScopeReadsAndAMissingScopeIs403() {
    var ro =
        api.post(
                "/api/v2/oauth/clients",
                token,
                "{\"name\":\"ro\",\"scope\":[\"scripts:readonly\"]}")
            .json();
    String roToken = api.token(ro.get("id").asString(), ro.get("secret").asString());
    assertThat(api.get("/api/v2/scripts", roToken).status()).isEqualTo(200);
    var write = api.post("/api/v2/scripts", roToken, "{\"name\":\"nope\"}");
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.json().get("messageParams").get("scope").asString()).isEqualTo("scripts");

    var other =
        api.post(
                "/api/v2/oauth/clients",
                token,
                "{\"name\":\"calls\",\"scope\":[\"conversations\"]}")
            .json();
    String callsToken = api.token(other.get("id").asString(), other.get("secret").asString());
    var denied = api.get("/api/v2/scripts", callsToken);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("code").asString()).isEqualTo("missing.scope");
    assertThat(api.get("/api/v2/scripts", null).status()).isEqualTo(401);
  }

  private static List<String> names(JsonNode listing) {
    var names = new ArrayList<String>();
    for (JsonNode e : listing.get("entities")) names.add(e.get("name").asString());
    return names;
  }
}

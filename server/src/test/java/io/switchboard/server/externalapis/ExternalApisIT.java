package io.switchboard.server.externalapis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ExternalApisIT {
  static final String BASE = "/api/v2/architect/external-apis";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static TestServer server;
  static Api api;
  static TestServer.OrgAccess acme;
  static TestServer.OrgAccess globex;
  static String acmeToken;
  static String globexToken;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
    acme = server.newOrg();
    globex = server.newOrg();
    acmeToken = api.token(acme);
    globexToken = api.token(globex);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String body(String name, String extra) {
    return "{\"name\":\""
        + name
        + "\",\"method\":\"GET\",\"url\":\"https://crm.example.com/customers/${input.id}\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  static JsonNode create(String token, String json) {
    var r = api.post(BASE, token, json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void validationTableNamesTheFieldAndTheRange() {
    record Case(String label, String json, int status, String field) {}
    var cases =
        List.of(
            new Case("timeout 999", body("t999", "\"timeout\":999"), 400, "timeout"),
            new Case("timeout 1000", body("t1000", "\"timeout\":1000"), 201, null),
            new Case("timeout 30000", body("t30000", "\"timeout\":30000"), 201, null),
            new Case("timeout 30001", body("t30001", "\"timeout\":30001"), 400, "timeout"),
            new Case("timeout 1500.5", body("tfrac", "\"timeout\":1500.5"), 400, "timeout"),
            new Case("retry 4", body("r4", "\"retry\":4"), 400, "retry"),
            new Case("retry -1", body("rneg", "\"retry\":-1"), 400, "retry"),
            new Case("missing url", "{\"name\":\"nourl\",\"method\":\"GET\"}", 400, "url"),
            new Case(
                "bad method",
                "{\"name\":\"badm\",\"method\":\"FETCH\",\"url\":\"https://x.example.com/\"}",
                400,
                "method"),
            new Case(
                "missing method",
                "{\"name\":\"nom\",\"url\":\"https://x.example.com/\"}",
                400,
                "method"),
            new Case(
                "missing name",
                "{\"method\":\"GET\",\"url\":\"https://x.example.com/\"}",
                400,
                "name"),
            new Case(
                "ftp url",
                "{\"name\":\"ftp\",\"method\":\"GET\",\"url\":\"ftp://x.example.com/file\"}",
                400,
                "url"),
            new Case(
                "file url",
                "{\"name\":\"file\",\"method\":\"GET\",\"url\":\"file:///etc/passwd\"}",
                400,
                "url"),
            new Case(
                "relative url",
                "{\"name\":\"rel\",\"method\":\"GET\",\"url\":\"/customers\"}",
                400,
                "url"),
            new Case(
                "user info in url",
                "{\"name\":\"ui\",\"method\":\"GET\",\"url\":\"https://bob:pw@x.example.com/\"}",
                400,
                "url"),
            new Case(
                "placeholder in host",
                "{\"name\":\"ph\",\"method\":\"GET\",\"url\":\"https://${input.host}/x\"}",
                400,
                "url"),
            new Case("protocol mismatch", body("pm", "\"protocol\":\"http\""), 400, "protocol"),
            new Case(
                "authorization header",
                body("ah", "\"headers\":[{\"key\":\"Authorization\",\"value\":\"Bearer x\"}]"),
                400,
                "headers[0].key"),
            new Case(
                "header with newline",
                body("hn", "\"headers\":[{\"key\":\"X-A\",\"value\":\"a\\r\\nX-B: b\"}]"),
                400,
                "headers[0].value"),
            new Case(
                "template on GET",
                body("tg", "\"requestTemplate\":{\"a\":1}"),
                400,
                "requestTemplate"),
            new Case(
                "bad placeholder",
                "{\"name\":\"bp\",\"method\":\"POST\",\"url\":\"https://x.example.com/\",\"requestTemplate\":{\"a\":\"${inputs.x}\"}}",
                400,
                "requestTemplate.a"),
            new Case(
                "bad CEL",
                body("bc", "\"responseMapping\":{\"outputs\":{\"vip\":\"body.tier ==\"}}"),
                400,
                "responseMapping.outputs.vip"),
            new Case(
                "bad path",
                body("bpath", "\"responseMapping\":{\"outputs\":{\"x\":\"$.a..b\"}}"),
                400,
                "responseMapping.outputs.x"),
            new Case(
                "unknown credential",
                body("uc", "\"credentialId\":\"00000000-0000-0000-0000-000000000000\""),
                400,
                "credentialId"));
    for (Case c : cases) {
      var r = api.post(BASE, acmeToken, c.json());
      assertThat(r.status()).as(c.label() + ": " + r).isEqualTo(c.status());
      if (c.field() != null) {
        assertThat(r.json().get("code").asString()).as(c.label()).isEqualTo("invalid.value");
        assertThat(r.json().get("messageParams").get("field").asString())
            .as(c.label() + ": " + r)
            .isEqualTo(c.field());
      }
    }
    var low = api.post(BASE, acmeToken, body("t999b", "\"timeout\":999")).json();
    assertThat(low.get("message").asString()).contains("between 1000 and 30000").contains("999");
    assertThat(low.get("messageParams").get("min").asInt()).isEqualTo(1000);
    assertThat(low.get("messageParams").get("max").asInt()).isEqualTo(30000);
    var method =
        api.post(
                BASE,
                acmeToken,
                "{\"name\":\"m\",\"method\":\"FETCH\",\"url\":\"https://x.example.com/\"}")
            .json();
    assertThat(method.get("message").asString())
        .contains("GET, POST, PUT, PATCH, DELETE")
        .contains("FETCH");
  }

  @Test
  void defaultsAreTimeout3000AndNoRetryAndTheShapeIsComplete() {
    JsonNode a =
        create(
            acmeToken,
            body(
                "defaults",
                "\"description\":\"d\",\"headers\":[{\"key\":\"X-Trace\",\"value\":\"${input.trace}\"}]"));
    assertThat(a.get("timeout").asInt()).isEqualTo(3000);
    assertThat(a.get("retry").asInt()).isEqualTo(0);
    assertThat(a.get("protocol").asString()).isEqualTo("https");
    assertThat(a.get("method").asString()).isEqualTo("GET");
    assertThat(a.get("version").asLong()).isEqualTo(1);
    assertThat(a.get("selfUri").asString()).isEqualTo(BASE + "/" + a.get("id").asString());
    assertThat(a.get("dateCreated").asString())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    var got = api.get(BASE + "/" + a.get("id").asString(), acmeToken);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.header("ETag")).contains("\"1\"");
    assertThat(got.json()).isEqualTo(a);
  }

  @Test
  void patchChangesOnlyTheGivenFields() {
    JsonNode before =
        create(
            acmeToken,
            "{\"name\":\"full\",\"description\":\"keep"
                + " me\",\"method\":\"POST\",\"url\":\"https://crm.example.com/cases\",\"timeout\":3000,\"retry\":2,"
                + "\"headers\":[{\"key\":\"X-Source\",\"value\":\"switchboard\"}],\"requestTemplate\":{\"subject\":\"${input.subject}\"},"
                + "\"responseMapping\":{\"outputs\":{\"caseId\":\"$.caseId\"}}}");
    String id = before.get("id").asString();
    var patched = api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":5000}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    ObjectNode expected = (ObjectNode) before.deepCopy();
    expected.put("timeout", 5000);
    expected.put("version", 2);
    expected.set("dateModified", patched.json().get("dateModified"));
    assertThat(patched.json()).isEqualTo(expected);
    assertThat(api.get(BASE + "/" + id, acmeToken).json()).isEqualTo(expected);

    // A null clears an optional field; a null for a required one is refused.
    var cleared = api.patch(BASE + "/" + id, acmeToken, "{\"description\":null}");
    assertThat(cleared.json().has("description")).isFalse();
    assertThat(cleared.json().get("retry").asInt()).isEqualTo(2);
    var nullTimeout = api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":null}");
    assertThat(nullTimeout.status()).isEqualTo(400);
    assertThat(nullTimeout.json().get("messageParams").get("field").asString())
        .isEqualTo("timeout");
    var badRange = api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":30001}");
    assertThat(badRange.status()).isEqualTo(400);
    assertThat(api.get(BASE + "/" + id, acmeToken).json().get("timeout").asInt()).isEqualTo(5000);
  }

  @Test
  void patchWithVersionIsCheckedAndNamesTheCurrentVersion() {
    String id = create(acmeToken, body("versioned", "")).get("id").asString();
    assertThat(api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":4000,\"version\":1}").status())
        .isEqualTo(200);
    var stale = api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":6000,\"version\":1}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("code").asString()).isEqualTo("version.mismatch");
    assertThat(stale.json().get("messageParams").get("currentVersion").asLong()).isEqualTo(2);
    assertThat(api.get(BASE + "/" + id, acmeToken).json().get("timeout").asInt()).isEqualTo(4000);
    var staleEtag =
        api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":6000}", "If-Match", "\"1\"");
    assertThat(staleEtag.status()).isEqualTo(409);
    var okEtag = api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":6000}", "If-Match", "\"2\"");
    assertThat(okEtag.status()).isEqualTo(200);
    assertThat(okEtag.header("ETag")).contains("\"3\"");
  }

  @Test
  void theFetchModifyPatchOfTheSeedWorks() {
    JsonNode fetched =
        create(
            acmeToken,
            body(
                "seed style",
                "\"headers\":[{\"key\":\"Content-Type\",\"value\":\"application/json\"}]"));
    ObjectNode sent = (ObjectNode) fetched.deepCopy();
    sent.put("timeout", 5000);
    var r =
        api.patch(
            BASE + "/" + fetched.get("id").asString(),
            acmeToken,
            sent.toString(),
            "Content-Type",
            "application/merge-patch+json");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("timeout").asInt()).isEqualTo(5000);
    assertThat(r.json().get("headers")).isEqualTo(fetched.get("headers"));
    sent.put("id", "someone-else");
    assertThat(
            api.patch(BASE + "/" + fetched.get("id").asString(), acmeToken, sent.toString())
                .status())
        .isEqualTo(400);
  }

  @Test
  void putReplacesEverythingAndResetsWhatIsLeftOut() {
    String id =
        create(
                acmeToken,
                body("replace me", "\"timeout\":9000,\"retry\":3,\"description\":\"old\""))
            .get("id")
            .asString();
    var r =
        api.put(
            BASE + "/" + id,
            acmeToken,
            "{\"name\":\"replaced\",\"method\":\"DELETE\",\"url\":\"http://crm.example.com/x\",\"version\":1}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("name").asString()).isEqualTo("replaced");
    assertThat(r.json().get("timeout").asInt()).isEqualTo(3000);
    assertThat(r.json().get("retry").asInt()).isEqualTo(0);
    assertThat(r.json().get("protocol").asString()).isEqualTo("http");
    assertThat(r.json().has("description")).isFalse();
    assertThat(
            api.put(
                    BASE + "/" + id,
                    acmeToken,
                    "{\"name\":\"x\",\"method\":\"GET\",\"url\":\"http://crm.example.com/x\",\"version\":1}")
                .status())
        .isEqualTo(409);
    assertThat(api.put(BASE + "/" + id, acmeToken, "{\"name\":\"x\",\"method\":\"GET\"}").status())
        .isEqualTo(400);
  }

  @Test
  void concurrentPatchesOfDifferentFieldsAllLand() throws Exception {
    String id = create(acmeToken, body("contended", "")).get("id").asString();
    try (var pool = Executors.newFixedThreadPool(4)) {
      var futures = new ArrayList<Future<Integer>>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        futures.add(
            pool.submit(() ->
                api.patch(BASE + "/" + id, acmeToken, "{\"timeout\":" + (2000 + n) + "}")
                    .status()));
        futures.add(
            pool.submit(() ->
                api.patch(BASE + "/" + id, acmeToken, "{\"description\":\"d" + n + "\"}")
                    .status()));
      }
      for (var f : futures) assertThat(f.get()).isEqualTo(200);
    }
    JsonNode last = api.get(BASE + "/" + id, acmeToken).json();
    assertThat(last.get("version").asLong()).isEqualTo(21);
    assertThat(last.get("timeout").asInt()).isBetween(2000, 2009);
    assertThat(last.get("description").asString()).startsWith("d");
  }

  @Test
  void anotherOrgsApiIsNotFoundExactlyLikeAMissingOne() {
    String id = create(acmeToken, body("private", "")).get("id").asString();
    String missing = BASE + "/00000000-0000-0000-0000-000000000000";
    for (var r : List.of(api.get(BASE + "/" + id, globexToken), api.get(missing, globexToken))) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("code").asString()).isEqualTo("not.found");
    }
    assertThat(api.patch(BASE + "/" + id, globexToken, "{\"timeout\":5000}").status())
        .isEqualTo(404);
    assertThat(api.put(BASE + "/" + id, globexToken, body("stolen", "")).status()).isEqualTo(404);
    assertThat(api.post(BASE + "/" + id + "/test", globexToken, "{}").status()).isEqualTo(404);
    assertThat(api.delete(BASE + "/" + id, globexToken).status()).isEqualTo(404);
    assertThat(api.get(BASE + "?pageSize=500", globexToken).body()).doesNotContain(id);
    assertThat(api.get(BASE + "/" + id, acmeToken).json().get("timeout").asInt()).isEqualTo(3000);
    assertThat(api.delete(BASE + "/" + id, acmeToken).status()).isEqualTo(204);
    assertThat(api.get(BASE + "/" + id, acmeToken).status()).isEqualTo(404);
  }

  @Test
  void scopesAreChecked() {
    var scriptsOnly =
        api.post(
                "/api/v2/oauth/clients",
                acmeToken,
                "{\"name\":\"scripts\",\"scope\":[\"scripts\"]}")
            .json();
    String noScope =
        api.token(scriptsOnly.get("id").asString(), scriptsOnly.get("secret").asString());
    var r = api.post(BASE + "/query", noScope, "{}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("messageParams").get("scope").asString()).isEqualTo("architect");
    var readonly =
        api.post(
                "/api/v2/oauth/clients",
                acmeToken,
                "{\"name\":\"ro\",\"scope\":[\"architect:readonly\"]}")
            .json();
    String ro = api.token(readonly.get("id").asString(), readonly.get("secret").asString());
    String id = create(acmeToken, body("scoped", "")).get("id").asString();
    assertThat(api.get(BASE + "/" + id, ro).status()).isEqualTo(200);
    assertThat(api.post(BASE + "/query", ro, "{}").status()).isEqualTo(200);
    assertThat(api.patch(BASE + "/" + id, ro, "{\"timeout\":5000}").status()).isEqualTo(403);
    assertThat(api.post(BASE + "/" + id + "/test", ro, "{}").status()).isEqualTo(403);
    assertThat(api.post(BASE, ro, body("nope", "")).status()).isEqualTo(403);
  }

  @Test
  void uglyBodiesAreRefusedPrecisely() {
    var malformed = api.post(BASE, acmeToken, "{\"name\":\"x\",\n\"timeout\": 30,,}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("messageParams").get("line").asInt()).isEqualTo(2);
    assertThat(api.post(BASE, acmeToken, body("x", ""), "Content-Type", "text/plain").status())
        .isEqualTo(415);
    // A field we do not use is ignored, as Genesys does (a tolerant reader).
    var unknown = api.post(BASE, acmeToken, body("x", "\"timeoutMs\":3000"));
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(201);
    assertThat(unknown.json().has("timeoutMs")).isFalse();
    var wrongType = api.post(BASE, acmeToken, body("x", "\"timeout\":\"3000\""));
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.json().get("messageParams").get("field").asString()).isEqualTo("timeout");
    assertThat(api.post(BASE, acmeToken, "[1,2]").status()).isEqualTo(400);
    String huge = body("huge", "\"description\":\"" + "x".repeat(2_000_000) + "\"");
    assertThat(api.post(BASE, acmeToken, huge).status()).isEqualTo(413);
  }

  @Test
  void pagingThrough120ApisWithQueryTokensSeesEachExactlyOnce() {
    var org = server.newOrg();
    String token = api.token(org);
    var created = new HashSet<String>();
    for (int i = 0; i < 120; i++)
      created.add(create(token, body("api-" + i, "")).get("id").asString());

    var seen = new ArrayList<String>();
    var pageSizes = new ArrayList<Integer>();
    String continuation = null;
    for (int page = 0; page < 10; page++) {
      String q =
          continuation == null
              ? "{\"limit\":25,\"continuationToken\":null}"
              : "{\"limit\":25,\"continuationToken\":\"" + continuation + "\"}";
      var r = api.post(BASE + "/query", token, q);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().has("continuationToken")).isTrue();
      pageSizes.add(r.json().get("entities").size());
      r.json().get("entities").forEach(e -> seen.add(e.get("id").asString()));
      continuation =
          r.json().get("continuationToken").isNull()
              ? null
              : r.json().get("continuationToken").asString();
      if (continuation == null) break;
    }
    assertThat(continuation).isNull();
    assertThat(pageSizes).containsExactly(25, 25, 25, 25, 20);
    assertThat(seen).hasSize(120).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(created);
  }

  @Test
  void aTamperedForeignOrOtherQuerysTokenIs400AndLeaksNothing() {
    for (int i = 0; i < 3; i++) create(globexToken, body("globex-" + i, ""));
    var first = api.post(BASE + "/query", globexToken, "{\"limit\":1}").json();
    String token = first.get("continuationToken").asString();
    assertThat(token).isNotBlank();

    int dot = token.indexOf('.');
    char c = token.charAt(dot - 2);
    String tamperedPayload =
        token.substring(0, dot - 2) + (c == 'A' ? 'B' : 'A') + token.substring(dot - 1);
    String tamperedSignature =
        token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    for (String bad :
        List.of(tamperedPayload, tamperedSignature, "garbage", token + "x", "e30.e30")) {
      var r =
          api.post(
              BASE + "/query", globexToken, "{\"limit\":1,\"continuationToken\":\"" + bad + "\"}");
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().get("code").asString()).isEqualTo("invalid.continuation.token");
    }
    var foreign =
        api.post(
            BASE + "/query", acmeToken, "{\"limit\":1,\"continuationToken\":\"" + token + "\"}");
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.body()).doesNotContain("globex-");
    var otherFilter =
        api.post(
            BASE + "/query",
            globexToken,
            "{\"limit\":1,\"continuationToken\":\"" + token + "\",\"filter\":{\"timeout\":3000}}");
    assertThat(otherFilter.status()).isEqualTo(400);
    assertThat(
            api.post(
                    BASE + "/query",
                    globexToken,
                    "{\"limit\":1,\"continuationToken\":\"" + token + "\"}")
                .status())
        .isEqualTo(200);
  }

  @Test
  void queryLimitAndFilter() {
    var org = server.newOrg();
    String token = api.token(org);
    create(token, body("Payments EU", "\"timeout\":3000"));
    create(token, body("payments US", "\"timeout\":5000"));
    create(token, body("CRM lookup", "\"timeout\":3000"));
    create(token, body("100%_literal", "\"timeout\":3000"));
    for (String bad : List.of("{\"limit\":0}", "{\"limit\":101}")) {
      var r = api.post(BASE + "/query", token, bad);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().get("messageParams").get("field").asString()).isEqualTo("limit");
      assertThat(r.json().get("message").asString()).contains("between 1 and 100");
    }
    assertThat(names(api.post(BASE + "/query", token, "").json())).hasSize(4);
    assertThat(
            names(api.post(BASE + "/query", token, "{\"filter\":{\"name\":\"payments*\"}}").json()))
        .containsExactlyInAnyOrder("Payments EU", "payments US");
    assertThat(
            names(
                api.post(
                        BASE + "/query",
                        token,
                        "{\"filter\":{\"name\":\"payments*\",\"timeout\":3000}}")
                    .json()))
        .containsExactly("Payments EU");
    assertThat(names(api.post(BASE + "/query", token, "{\"filter\":{\"name\":\"100%_*\"}}").json()))
        .containsExactly("100%_literal");
    assertThat(names(api.post(BASE + "/query", token, "{\"filter\":{\"name\":\"10?%*\"}}").json()))
        .containsExactly("100%_literal");
    assertThat(names(api.post(BASE + "/query", token, "{\"filter\":{\"name\":\"1_0*\"}}").json()))
        .isEmpty();
    var listed = api.get(BASE + "?pageSize=2&pageNumber=2", token).json();
    assertThat(listed.get("total").asInt()).isEqualTo(4);
    assertThat(listed.get("pageCount").asInt()).isEqualTo(2);
    assertThat(names(listed)).containsExactly("Payments EU", "payments US");
  }

  private static List<String> names(JsonNode page) {
    var out = new ArrayList<String>();
    page.get("entities").forEach(e -> out.add(e.get("name").asString()));
    return out;
  }
}

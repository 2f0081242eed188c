package io.switchboard.server.integrations;

import static io.switchboard.server.testing.Upstream.json;
import static io.switchboard.server.testing.Upstream.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.IdFilterChecks;
import io.switchboard.server.testing.TestServer;
import io.switchboard.server.testing.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Genesys-shaped integrations and data actions over real HTTP, run against a loopback {@link
 * Upstream} standing in for the partner API.
 */
class DataActionsIT {
  static final String INTEGRATIONS = "/api/v2/integrations";
  static final String ACTIONS = "/api/v2/integrations/actions";
  static final String CREDENTIALS = "/api/v2/integrations/credentials";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static TestServer server;
  static Upstream upstream;
  static Api api;
  static String token;
  static String otherToken;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                // The Upstream stands in for a partner API on loopback, which egress refuses by
                // default.
                SettingKeys.EGRESS_ALLOW, "127.0.0.1"));
    upstream = Upstream.start();
    api = server.api();
    token = api.token(server.newOrg());
    otherToken = api.token(server.newOrg());
  }

  @AfterAll
  static void stop() {
    upstream.close();
    server.close();
  }

  static String credential(String tok, String user, String password) {
    var r =
        api.post(
            CREDENTIALS,
            tok,
            "{\"name\":\"crm "
                + UUID.randomUUID()
                + "\",\"type\":\"basic\",\"credentialFields\":{\"username\":\""
                + user
                + "\",\"password\":\""
                + password
                + "\"},\"allowedHosts\":[\"127.0.0.1\"]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static String integration(String tok, String credentialId, int retry) {
    var r =
        api.post(
            INTEGRATIONS,
            tok,
            "{\"name\":\"CRM actions "
                + UUID.randomUUID()
                + "\",\"integrationType\":{\"id\":\"custom-rest-actions\"},\"intendedState\":\"ENABLED\""
                + ",\"config\":{\"current\":{\"advanced\":{\"retry\":"
                + retry
                + "}"
                + (credentialId == null
                    ? ""
                    : ",\"credentials\":{\"basicAuth\":{\"id\":\"" + credentialId + "\"}}")
                + "}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  static final String ANY_OBJECT =
      "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\",\"properties\":{},\"additionalProperties\":true}";

  /** A POST action whose body is built with $esc.jsonString, mapping the answer with JSONPath. */
  static ObjectNode createCaseAction(String integrationId, String path) {
    ObjectNode a = JSON.createObjectNode();
    a.put("name", "Create case " + UUID.randomUUID());
    a.put("category", "CRM");
    a.put("integrationId", integrationId);
    a.put("secure", false);
    ObjectNode request = a.putObject("config").putObject("request");
    request.put("requestUrlTemplate", upstream.url(path) + "?customer=$esc.url($input.customerId)");
    request.put("requestType", "POST");
    request.putObject("headers").put("X-Customer", "${input.customerId}");
    request.put(
        "requestTemplate",
        "{\"subject\": \"$esc.jsonString($input.subject)\", \"priority\": $input.priority}");
    ObjectNode response = ((ObjectNode) a.get("config")).putObject("response");
    response.putObject("translationMap").put("caseId", "$.case.id").put("state", "$.case.state");
    response.putObject("translationMapDefaults").put("state", "\"new\"");
    response.put("successTemplate", "{\"caseId\": ${caseId}, \"state\": ${state}}");
    ObjectNode contract = a.putObject("contract");
    contract
        .putObject("input")
        .set(
            "inputSchema",
            JSON.readTree(
                "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\",\"required\":[\"customerId\",\"subject\",\"priority\"],\"properties\":{\"customerId\":{\"type\":\"string\"},\"subject\":{\"type\":\"string\"},\"priority\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5}}}"));
    contract
        .putObject("output")
        .set(
            "successSchema",
            JSON.readTree(
                "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\",\"required\":[\"caseId\"],\"properties\":{\"caseId\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"}}}"));
    return a;
  }

  static JsonNode create(String tok, JsonNode action) {
    var r = api.post(ACTIONS, tok, action.toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void integrationsCrudConfigAndCredentialReference() {
    String cred = credential(token, "crm-user", "s3cret-pw");
    var created =
        api.post(
            INTEGRATIONS,
            token,
            "{\"name\":\"Web services\",\"integrationType\":{\"id\":\"custom-rest-actions\"}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode i = created.json();
    String id = i.get("id").asString();
    assertThat(i.get("integrationType").get("id").asString()).isEqualTo("custom-rest-actions");
    assertThat(i.get("intendedState").asString()).isEqualTo("DISABLED");
    assertThat(i.get("reportedState").get("code").asString()).isEqualTo("INACTIVE");
    assertThat(i.get("selfUri").asString()).isEqualTo(INTEGRATIONS + "/" + id);

    // Genesys's flow: PUT config/current with the credential, PATCH intendedState.
    var config =
        api.put(
            INTEGRATIONS + "/" + id + "/config/current",
            token,
            "{\"name\":\"Web services\",\"version\":1,\"properties\":{},\"advanced\":{},"
                + "\"notes\":\"n\",\"credentials\":{\"basicAuth\":{\"id\":\""
                + cred
                + "\",\"type\":\"basicAuth\"}}}");
    assertThat(config.status()).as(config.toString()).isEqualTo(200);
    assertThat(config.json().get("credentials").get("basicAuth").get("id").asString())
        .isEqualTo(cred);
    var enabled = api.patch(INTEGRATIONS + "/" + id, token, "{\"intendedState\":\"ENABLED\"}");
    assertThat(enabled.status()).as(enabled.toString()).isEqualTo(200);
    assertThat(enabled.json().get("reportedState").get("code").asString()).isEqualTo("ACTIVE");
    JsonNode got = api.get(INTEGRATIONS + "/" + id, token).json();
    assertThat(
            got.get("config")
                .get("current")
                .get("credentials")
                .get("basicAuth")
                .get("id")
                .asString())
        .isEqualTo(cred);
    assertThat(
            api.get(INTEGRATIONS + "/" + id + "/config/current", token)
                .json()
                .get("notes")
                .asString())
        .isEqualTo("n");
    JsonNode list = api.get(INTEGRATIONS + "?pageSize=100", token).json();
    assertThat(list.get("entities").findValuesAsString("id")).contains(id);

    // The credential is in use: deleting it is refused.
    var del = api.delete(CREDENTIALS + "/" + cred, token);
    assertThat(del.status()).as(del.toString()).isEqualTo(409);
    assertThat(del.json().get("code").asString()).isEqualTo("credential.in.use");

    // Ugly cases.
    assertThat(
            api.post(
                    INTEGRATIONS,
                    token,
                    "{\"name\":\"x\",\"integrationType\":{\"id\":\"salesforce\"}}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(INTEGRATIONS, token, "{\"integrationType\":{\"id\":\"custom-rest-actions\"}}")
                .status())
        .isEqualTo(400);
    var badCred =
        api.put(
            INTEGRATIONS + "/" + id + "/config/current",
            token,
            "{\"credentials\":{\"basicAuth\":{\"id\":\"" + UUID.randomUUID() + "\"}}}");
    assertThat(badCred.status()).isEqualTo(400);
    assertThat(api.patch(INTEGRATIONS + "/" + id, token, "{\"intendedState\":\"MAYBE\"}").status())
        .isEqualTo(400);
    assertThat(api.get(INTEGRATIONS + "/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.patch(INTEGRATIONS + "/" + id, otherToken, "{\"name\":\"x\"}").status())
        .isEqualTo(404);
    assertThat(api.delete(INTEGRATIONS + "/" + id, otherToken).status()).isEqualTo(404);
    // Another org's credential is not a credential of this org.
    String foreignCred = credential(otherToken, "u", "p");
    assertThat(
            api.put(
                    INTEGRATIONS + "/" + id + "/config/current",
                    token,
                    "{\"credentials\":{\"basicAuth\":{\"id\":\"" + foreignCred + "\"}}}")
                .status())
        .isEqualTo(400);
    // The credentials routes are not shadowed by /integrations/{id}.
    assertThat(api.get(CREDENTIALS, token).status()).isEqualTo(200);

    // Deleting the integration deletes its actions and frees the credential.
    String actionId = create(token, createCaseAction(id, "/never")).get("id").asString();
    var gone = api.delete(INTEGRATIONS + "/" + id, token);
    assertThat(gone.status()).isEqualTo(200);
    assertThat(api.get(INTEGRATIONS + "/" + id, token).status()).isEqualTo(404);
    assertThat(api.get(ACTIONS + "/" + actionId, token).status()).isEqualTo(404);
    assertThat(api.delete(CREDENTIALS + "/" + cred, token).status()).isEqualTo(204);
  }

  @Test
  void missingScopeIs403() {
    var c =
        api.post(
                "/api/v2/oauth/clients",
                token,
                "{\"name\":\"architect only\",\"scope\":[\"architect\"]}")
            .json();
    String limited = api.token(c.get("id").asString(), c.get("secret").asString());
    assertThat(api.get(ACTIONS, limited).status()).isEqualTo(403);
    assertThat(api.get(INTEGRATIONS, limited).status()).isEqualTo(403);
    assertThat(api.post(ACTIONS + "/x/execute", limited, "{}").status()).isEqualTo(403);
  }

  @Test
  void theListingTakesGenesysIdsAndSecureFilters() {
    String integ = integration(token, null, 0);
    var ids = new ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      ObjectNode a = createCaseAction(integ, "/cases");
      a.put("name", "Filtered " + i + " " + UUID.randomUUID());
      a.put("secure", i == 2);
      ids.add(create(token, a).get("id").asString());
    }
    String foreign =
        create(otherToken, createCaseAction(integration(otherToken, null, 0), "/cases"))
            .get("id")
            .asString();
    java.util.function.Function<String, List<String>> listed =
        query -> IdFilterChecks.listed(api, ACTIONS + "?pageSize=100&" + query, token, "id");
    String a = ids.get(0);
    String b = ids.get(1);
    String c = ids.get(2);
    // Genesys names this filter ids, comma-joined; repeated works too.
    assertThat(listed.apply("ids=" + c + "," + a)).containsExactly(a, c);
    assertThat(listed.apply("ids=" + b + "&ids=" + a)).containsExactly(a, b);
    assertThat(listed.apply("ids=" + foreign + "," + b)).containsExactly(b);
    assertThat(listed.apply("ids=")).isEmpty();
    assertThat(listed.apply("integrationId=" + integ + "&secure=true")).containsExactly(c);
    assertThat(listed.apply("integrationId=" + integ + "&secure=FALSE")).containsExactly(a, b);
    assertThat(listed.apply("ids=" + a + "," + c + "&secure=true")).containsExactly(c);

    // At most 50 ids, Genesys's limit; true or false only.
    var fifty = new ArrayList<>(List.of(a));
    while (fifty.size() < 50) fifty.add(UUID.randomUUID().toString());
    assertThat(listed.apply("ids=" + String.join(",", fifty))).containsExactly(a);
    fifty.add(UUID.randomUUID().toString());
    var tooMany = api.get(ACTIONS + "?ids=" + String.join(",", fifty), token);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("messageParams").get("field").asString()).isEqualTo("ids");
    var notBool = api.get(ACTIONS + "?secure=yes", token);
    assertThat(notBool.status()).isEqualTo(400);
    assertThat(notBool.json().get("code").asString()).isEqualTo("invalid.value");
  }

  @Test
  void actionsCrudFiltersExpandAndValidation() {
    String integ = integration(token, null, 0);
    JsonNode a = create(token, createCaseAction(integ, "/cases"));
    String id = a.get("id").asString();
    assertThat(id).startsWith("custom_-_");
    assertThat(a.get("version").asInt()).isEqualTo(1);
    assertThat(a.get("config").get("request").get("requestType").asString()).isEqualTo("POST");

    JsonNode plain = api.get(ACTIONS + "/" + id, token).json();
    assertThat(plain.has("contract")).isFalse();
    assertThat(plain.has("config")).isFalse();
    JsonNode full =
        api.get(ACTIONS + "/" + id + "?expand=contract&includeConfig=true", token).json();
    assertThat(full.get("contract").get("input").get("inputSchema").get("required").size())
        .isEqualTo(3);
    assertThat(full.get("config").get("response").get("translationMap").get("caseId").asString())
        .isEqualTo("$.case.id");

    String name = a.get("name").asString();
    JsonNode byName =
        api.get(
                ACTIONS
                    + "?name="
                    + name.substring(0, 20).replace(" ", "%20")
                    + "&integrationId="
                    + integ,
                token)
            .json();
    assertThat(byName.get("total").asInt()).isEqualTo(1);
    assertThat(api.get(ACTIONS + "?category=nope", token).json().get("total").asInt()).isZero();
    assertThat(api.get(ACTIONS + "?category=crm&pageSize=1", token).json().get("pageSize").asInt())
        .isEqualTo(1);

    var patched = api.patch(ACTIONS + "/" + id, token, "{\"name\":\"Renamed\",\"version\":1}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.json().get("version").asInt()).isEqualTo(2);
    var stale = api.patch(ACTIONS + "/" + id, token, "{\"name\":\"Again\",\"version\":1}");
    assertThat(stale.status()).isEqualTo(409);

    record Case(String label, String field, java.util.function.Consumer<ObjectNode> edit) {}
    var cases =
        List.of(
            new Case(
                "bad template",
                "config.request.requestTemplate",
                n -> req(n).put("requestTemplate", "#foreach($i in")),
            new Case(
                "bad url template",
                "config.request.requestUrlTemplate",
                n -> req(n).put("requestUrlTemplate", "#if(")),
            new Case(
                "bad method",
                "config.request.requestType",
                n -> req(n).put("requestType", "FETCH")),
            new Case(
                "secret header",
                "config.request.headers.Authorization",
                n -> ((ObjectNode) req(n).get("headers")).put("Authorization", "Bearer x")),
            new Case(
                "bad jsonpath",
                "config.response.translationMap.caseId",
                n ->
                    ((ObjectNode) n.get("config").get("response").get("translationMap"))
                        .put("caseId", "$.[[[")),
            new Case(
                "default not JSON",
                "config.response.translationMapDefaults.state",
                n ->
                    ((ObjectNode) n.get("config").get("response").get("translationMapDefaults"))
                        .put("state", "new")),
            new Case(
                "bad schema",
                "contract.input.inputSchema",
                n ->
                    ((ObjectNode) n.get("contract").get("input"))
                        .set("inputSchema", JSON.readTree("{\"type\":17}"))),
            new Case(
                "missing schema",
                "contract.output.successSchema",
                n -> ((ObjectNode) n.get("contract").get("output")).putNull("successSchema")),
            new Case(
                "timeout 61",
                "config.timeoutSeconds",
                n -> ((ObjectNode) n.get("config")).put("timeoutSeconds", 61)),
            new Case(
                "foreign integration",
                "integrationId",
                n -> n.put("integrationId", integration(otherToken, null, 0))),
            new Case("no name", "name", n -> n.remove("name")));
    for (Case c : cases) {
      ObjectNode body = createCaseAction(integ, "/cases");
      c.edit().accept(body);
      var r = api.post(ACTIONS, token, body.toString());
      assertThat(r.status()).as(c.label() + ": " + r).isEqualTo(400);
      assertThat(r.json().get("messageParams").get("field").asString())
          .as(c.label())
          .isEqualTo(c.field());
    }
    // Wrong JSON type for a known field is 400; unknown fields are ignored (tolerant reader).
    ObjectNode wrongType = createCaseAction(integ, "/cases");
    wrongType.put("secure", "yes please");
    assertThat(api.post(ACTIONS, token, wrongType.toString()).status()).isEqualTo(400);
    ObjectNode extra = createCaseAction(integ, "/cases");
    extra.put("someFutureField", 1);
    assertThat(api.post(ACTIONS, token, extra.toString()).status()).isEqualTo(201);

    assertThat(api.get(ACTIONS + "/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.post(ACTIONS + "/" + id + "/execute", otherToken, "{}").status()).isEqualTo(404);
    assertThat(api.delete(ACTIONS + "/" + id, otherToken).status()).isEqualTo(404);
    assertThat(api.delete(ACTIONS + "/" + id, token).status()).isEqualTo(204);
    assertThat(api.get(ACTIONS + "/" + id, token).status()).isEqualTo(404);
  }

  static ObjectNode req(ObjectNode action) {
    return (ObjectNode) action.get("config").get("request");
  }

  @Test
  void executeRendersTheTemplatesAndSendsTheCredentialThroughTheEngine() {
    String cred = credential(token, "crm-user", "pa:ss-word");
    String integ = integration(token, cred, 0);
    upstream.on(
        "/cases-ok",
        (ex, req) -> json(ex, 201, "{\"case\":{\"id\":\"C-77\"},\"echo\":" + req.body() + "}"));
    String id = create(token, createCaseAction(integ, "/cases-ok")).get("id").asString();
    String subject = "Printer \"on fire\"\nsince 9am </script> & more";
    ObjectNode input = JSON.createObjectNode();
    input.put("customerId", "cust/42 ?&");
    input.put("subject", subject);
    input.put("priority", 2);
    var r = api.post(ACTIONS + "/" + id + "/execute", token, input.toString());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // The translation map default applies (no state in the answer); the output is the template's.
    assertThat(r.json()).isEqualTo(JSON.readTree("{\"caseId\":\"C-77\",\"state\":\"new\"}"));

    Upstream.Received sent = upstream.received("/cases-ok").getLast();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.rawUri()).isEqualTo("/cases-ok?customer=cust%2F42+%3F%26");
    assertThat(sent.header("X-Customer")).isEqualTo("cust/42 ?&");
    assertThat(sent.header("Authorization"))
        .isEqualTo(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("crm-user:pa:ss-word".getBytes(StandardCharsets.UTF_8)));
    assertThat(sent.header("Content-Type")).startsWith("application/json");
    JsonNode body = JSON.readTree(sent.body());
    assertThat(body.get("subject").asString()).isEqualTo(subject);
    assertThat(body.get("priority").asInt()).isEqualTo(2);
  }

  @Test
  void anEchoedSecretIsRedactedInOutputsAndTestOperations() {
    String cred = credential(token, "echo-user", "echo-secret-pw");
    String integ = integration(token, cred, 0);
    upstream.on(
        "/echo-auth",
        (ex, req) ->
            json(
                ex,
                200,
                "{\"case\":{\"id\":\""
                    + req.header("Authorization")
                    + " echo-secret-pw\",\"state\":\"open\"}}"));
    String id = create(token, createCaseAction(integ, "/echo-auth")).get("id").asString();
    String input = "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}";
    var r = api.post(ACTIONS + "/" + id + "/execute", token, input);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("caseId").asString()).isEqualTo("Basic [redacted] [redacted]");
    var t = api.post(ACTIONS + "/" + id + "/test", token, input);
    assertThat(t.body()).doesNotContain("echo-secret-pw").contains("[redacted]");
  }

  @Test
  void credentialsInTheTemplatesPlaceTheCredentialOnlyWhereAllowedAndNeverShowIt() {
    // A secret that escaping changes ("/", "+", "=") and that a template may cut.
    String secret = "tmpl/secret+pw=";
    String cred = credential(token, "tmpl-user", secret);
    String integ = integration(token, cred, 0);
    upstream.on("/tmpl", (ex, req) -> json(ex, 200, "{\"case\":{\"id\":\"C-5\"}}"));
    // Genesys's userDefined style: the templates place the fields, under either name.
    ObjectNode action = createCaseAction(integ, "/tmpl");
    ObjectNode request = (ObjectNode) action.get("config").get("request");
    request.put(
        "requestUrlTemplate",
        upstream.url("/tmpl")
            + "?key=$esc.url($credentials.password)&tail=$credentials.password.substring(1)");
    request
        .putObject("headers")
        .put("Authorization", "Token ${credentials.userName}:$credentials.password");
    request.put("requestTemplate", "{\"user\": \"$esc.jsonString($credentials.username)\"}");
    // The success template has no $credentials: what it renders a caller reads.
    ((ObjectNode) action.get("config").get("response"))
        .put("successTemplate", "{\"caseId\": ${caseId}, \"leak\": \"$!credentials.password\"}");
    String id = create(token, action).get("id").asString();
    String input = "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}";

    var r = api.post(ACTIONS + "/" + id + "/execute", token, input);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("caseId").asString()).isEqualTo("C-5");
    assertThat(r.json().get("leak").asString()).isEmpty();
    Upstream.Received sent = upstream.received("/tmpl").getLast();
    assertThat(sent.rawUri()).isEqualTo("/tmpl?key=tmpl%2Fsecret%2Bpw%3D&tail=mpl/secret+pw=");
    assertThat(sent.header("Authorization"))
        .as("the template's header, not the engine's Basic one")
        .isEqualTo("Token tmpl-user:" + secret);
    assertThat(JSON.readTree(sent.body()).get("user").asString()).isEqualTo("tmpl-user");

    var t = api.post(ACTIONS + "/" + id + "/test", token, input);
    assertThat(t.status()).isEqualTo(200);
    assertThat(t.json().get("success").asBoolean()).as(t.body()).isTrue();
    assertThat(t.body())
        .doesNotContain(secret)
        .doesNotContain("tmpl%2Fsecret")
        .doesNotContain("mpl/secret");
    assertThat(t.json().get("operations").get(1).get("result").asString())
        .endsWith("?key=REDACTED&tail=EDACTED");

    // A credential header holds the credential and at most a scheme word: never a secret of its
    // own.
    for (String smuggled :
        List.of(
            "Basic dXNlcjpwYXNz ## $credentials",
            "Basic dXNlcjpwYXNz $credentials.password",
            "$credentials.password secret123",
            "AKIAIOSFODNN7EXAMPLE $credentials.password",
            // Long enough to overflow the matcher's stack: refused, not a 500.
            "$credentials.a ".repeat(1000))) {
      ObjectNode bad = createCaseAction(integ, "/tmpl");
      ((ObjectNode) bad.get("config").get("request"))
          .putObject("headers")
          .put("Authorization", smuggled);
      var refused = api.post(ACTIONS, token, bad.toString());
      assertThat(refused.status()).as(smuggled.substring(0, 20)).isEqualTo(400);
      assertThat(refused.json().get("messageParams").get("field").asString())
          .isEqualTo("config.request.headers.Authorization");
    }

    ObjectNode cookie = createCaseAction(integ, "/tmpl");
    ((ObjectNode) cookie.get("config").get("request"))
        .putObject("headers")
        .put("Cookie", "sid=$credentials.password; user=${credentials.userName}");
    assertThat(api.post(ACTIONS, token, cookie.toString()).status()).isEqualTo(201);

    // A credential allowed elsewhere is never placed in a request to this host.
    var elsewhere =
        api.post(
            CREDENTIALS,
            token,
            "{\"name\":\"elsewhere "
                + UUID.randomUUID()
                + "\",\"type\":\"basic\",\"credentialFields\":{\"username\":\"u\",\"password\":"
                + "\"far-away-secret\"},\"allowedHosts\":[\"crm.example.com\"]}");
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(201);
    ObjectNode far =
        createCaseAction(integration(token, elsewhere.json().get("id").asString(), 0), "/tmpl");
    ((ObjectNode) far.get("config").get("request"))
        .put("requestUrlTemplate", upstream.url("/tmpl") + "?key=${credentials.password}");
    int before = upstream.received("/tmpl").size();
    var refused =
        api.post(
            ACTIONS + "/" + create(token, far).get("id").asString() + "/execute", token, input);
    assertThat(refused.status()).isGreaterThanOrEqualTo(400);
    assertThat(refused.body()).doesNotContain("far-away-secret").contains("crm.example.com");
    assertThat(upstream.received("/tmpl")).hasSize(before);
  }

  @Test
  void aFreeFormUserDefinedCredentialIsPlacedByTheTemplatesAndNeverShown() {
    // Genesys's userDefined with fields of the org's own naming.
    var created =
        api.post(
            CREDENTIALS,
            token,
            "{\"name\":\"crm ud "
                + UUID.randomUUID()
                + "\",\"type\":{\"name\":\"userDefined\"},\"credentialFields\":"
                + "{\"apiToken\":\"ud-secret-123\",\"tenant\":\"acme-tenant\"},"
                + "\"allowedHosts\":[\"127.0.0.1\"]}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode view = created.json();
    assertThat(view.get("type").get("name").asString()).isEqualTo("userDefined");
    assertThat(view.get("credentialType").asString()).isEqualTo("user-defined");
    assertThat(view.get("credentialFields").isEmpty()).isTrue();
    assertThat(view.get("secretFields").toString()).isEqualTo("[\"apiToken\",\"tenant\"]");
    String credId = view.get("id").asString();
    assertThat(api.get(CREDENTIALS + "/" + credId, token).body())
        .doesNotContain("ud-secret-123")
        .doesNotContain("acme-tenant");

    upstream.on("/ud", (ex, req) -> json(ex, 200, "{\"case\":{\"id\":\"C-8\"}}"));
    ObjectNode action = createCaseAction(integration(token, credId, 0), "/ud");
    ObjectNode request = (ObjectNode) action.get("config").get("request");
    request.put("requestUrlTemplate", upstream.url("/ud") + "?tenant=$credentials.tenant");
    request.putObject("headers").put("X-Api-Token", "${credentials.apiToken}");
    String id = create(token, action).get("id").asString();
    String input = "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}";
    var r = api.post(ACTIONS + "/" + id + "/execute", token, input);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Upstream.Received sent = upstream.received("/ud").getLast();
    assertThat(sent.rawUri()).isEqualTo("/ud?tenant=acme-tenant");
    assertThat(sent.header("X-Api-Token")).isEqualTo("ud-secret-123");
    assertThat(sent.header("Authorization")).as("nothing attached by type").isNull();
    assertThat(api.post(ACTIONS + "/" + id + "/test", token, input).body())
        .doesNotContain("ud-secret-123")
        .doesNotContain("acme-tenant");

    // A replace sets the fields it gives, removes one given as null and keeps the rest.
    var replaced =
        api.put(
            CREDENTIALS + "/" + credId,
            token,
            "{\"name\":\"crm ud\",\"type\":{\"name\":\"userDefined\"},"
                + "\"credentialFields\":{\"tenant\":null,\"region\":\"eu\"}}");
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().get("secretFields").toString())
        .isEqualTo("[\"apiToken\",\"region\"]");
    assertThat(api.post(ACTIONS + "/" + id + "/execute", token, input).status()).isEqualTo(200);
    assertThat(upstream.received("/ud").getLast().header("X-Api-Token")).isEqualTo("ud-secret-123");

    // Its fields keep the names and values given: no Genesys aliases, no scope lists.
    var named =
        api.put(
            CREDENTIALS + "/" + credId,
            token,
            "{\"name\":\"crm ud\",\"type\":{\"name\":\"userDefined\"},"
                + "\"credentialFields\":{\"userName\":\"u\",\"scopes\":\"a b\"}}");
    assertThat(named.status()).as(named.toString()).isEqualTo(200);
    assertThat(named.json().get("secretFields").toString())
        .isEqualTo("[\"apiToken\",\"region\",\"userName\",\"scopes\"]");
    // An external API attaches by type: a user-defined credential has nothing to attach.
    var linked =
        api.post(
            "/api/v2/architect/external-apis",
            token,
            "{\"name\":\"ud api "
                + UUID.randomUUID()
                + "\",\"method\":\"GET\",\"url\":\""
                + upstream.url("/ud")
                + "\",\"credentialId\":\""
                + credId
                + "\"}");
    assertThat(linked.status()).as(linked.toString()).isEqualTo(400);
    assertThat(linked.json().get("messageParams").get("field").asString())
        .isEqualTo("credentialId");
    // A bearer credential given other fields is a mistake, not a new kind: refused, secrets kept.
    var bearer =
        api.post(
            CREDENTIALS,
            token,
            "{\"name\":\"bearer "
                + UUID.randomUUID()
                + "\",\"type\":{\"name\":\"userDefined\"},\"credentialFields\":{\"token\":\"bt-1234\"}}");
    assertThat(bearer.json().get("credentialType").asString()).isEqualTo("bearer");
    String bearerPath = CREDENTIALS + "/" + bearer.json().get("id").asString();
    var typo =
        api.put(
            bearerPath,
            token,
            "{\"name\":\"b\",\"type\":{\"name\":\"userDefined\"},\"credentialFields\":{\"Token\":\"x\"}}");
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.json().get("message").asString()).contains("credentialType user-defined");
    assertThat(api.get(bearerPath, token).json().get("credentialType").asString())
        .isEqualTo("bearer");

    // Bad names and empty credentials are refused.
    for (String fields :
        List.of("{\"bad-name\":\"x\"}", "{}", "{\"apiToken\":null,\"region\":null}")) {
      var bad =
          api.put(
              CREDENTIALS + "/" + credId,
              token,
              "{\"name\":\"crm ud\",\"credentialType\":\"user-defined\",\"credentialFields\":"
                  + fields
                  + "}");
      assertThat(bad.status()).as(fields).isEqualTo(400);
    }
  }

  @Test
  void inputsAndOutputsAreValidatedAgainstTheContract() {
    String integ = integration(token, null, 0);
    upstream.on("/cases-bad-output", (ex, req) -> json(ex, 200, "{\"case\":{\"id\":42}}"));
    String id = create(token, createCaseAction(integ, "/cases-bad-output")).get("id").asString();
    int before = upstream.received("/cases-bad-output").size();

    var bad =
        api.post(ACTIONS + "/" + id + "/execute", token, "{\"customerId\":\"c\",\"priority\":9}");
    assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
    assertThat(bad.json().get("code").asString()).isEqualTo("invalid.input");
    assertThat(bad.json().get("message").asString()).contains("subject").contains("priority");
    assertThat(upstream.received("/cases-bad-output")).hasSize(before);

    var out =
        api.post(
            ACTIONS + "/" + id + "/execute",
            token,
            "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}");
    assertThat(out.status()).as(out.toString()).isEqualTo(422);
    assertThat(out.json().get("code").asString()).isEqualTo("data.action.invalid-response");
    assertThat(out.json().get("message").asString())
        .contains("does not match the success schema")
        .contains("caseId");
  }

  @Test
  void failuresAreTheEnginesTimeoutsRetriesAndContentTypeCheck() {
    String integ = integration(token, null, 1);
    upstream.on("/html", (ex, req) -> reply(ex, 200, "text/html", "<html>maintenance</html>"));
    int[] calls = new int[1];
    upstream.on(
        "/flaky",
        (ex, req) -> {
          if (calls[0]++ == 0) json(ex, 503, "{\"e\":1}", "Retry-After", "0");
          else json(ex, 200, "{\"case\":{\"id\":\"C-1\",\"state\":\"open\"}}");
        });
    upstream.on("/slow", (ex, req) -> upstream.hang(5000));
    String input = "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}";

    var html =
        api.post(
            ACTIONS
                + "/"
                + create(token, createCaseAction(integ, "/html")).get("id").asString()
                + "/execute",
            token,
            input);
    assertThat(html.status()).isEqualTo(422);
    assertThat(html.json().get("message").asString()).contains("text/html");

    var flaky =
        api.post(
            ACTIONS
                + "/"
                + create(token, createCaseAction(integ, "/flaky")).get("id").asString()
                + "/execute",
            token,
            input);
    assertThat(flaky.status()).as(flaky.toString()).isEqualTo(200);
    assertThat(flaky.json().get("state").asString()).isEqualTo("open");
    assertThat(upstream.received("/flaky")).hasSize(2);

    ObjectNode slow = createCaseAction(integ, "/slow");
    ((ObjectNode) slow.get("config")).put("timeoutSeconds", 1);
    long t0 = System.nanoTime();
    var timedOut =
        api.post(
            ACTIONS + "/" + create(token, slow).get("id").asString() + "/execute", token, input);
    assertThat(timedOut.status()).isEqualTo(422);
    assertThat(timedOut.json().get("code").asString()).isEqualTo("data.action.timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));

    // A disabled integration's actions do not run.
    String disabled = integration(token, null, 0);
    String off = create(token, createCaseAction(disabled, "/flaky")).get("id").asString();
    assertThat(
            api.patch(INTEGRATIONS + "/" + disabled, token, "{\"intendedState\":\"DISABLED\"}")
                .status())
        .isEqualTo(200);
    var refused = api.post(ACTIONS + "/" + off + "/execute", token, input);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().get("code").asString()).isEqualTo("integration.disabled");
  }

  @Test
  void testReturnsGenesysOperations() {
    String integ = integration(token, null, 0);
    upstream.on(
        "/cases-test",
        (ex, req) -> json(ex, 200, "{\"case\":{\"id\":\"C-9\",\"state\":\"open\"}}"));
    String id = create(token, createCaseAction(integ, "/cases-test")).get("id").asString();
    var r =
        api.post(
            ACTIONS + "/" + id + "/test",
            token,
            "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode result = r.json();
    assertThat(result.get("success").asBoolean()).isTrue();
    assertThat(result.get("finalResult").get("caseId").asString()).isEqualTo("C-9");
    var names = new ArrayList<String>();
    for (JsonNode op : result.get("operations")) {
      assertThat(op.get("success").asBoolean()).as(op.toString()).isTrue();
      names.add(op.get("name").asString());
    }
    assertThat(names)
        .containsExactly(
            "Validate input against schema",
            "Resolve request URL template",
            "Resolve request body template",
            "Execute request",
            "Resolve translation map",
            "Resolve success template",
            "Validate output against schema");

    var failed = api.post(ACTIONS + "/" + id + "/test", token, "{\"customerId\":1}");
    assertThat(failed.status()).isEqualTo(200);
    assertThat(failed.json().get("success").asBoolean()).isFalse();
    assertThat(failed.json().get("error").get("code").asString()).isEqualTo("invalid.input");
    assertThat(failed.json().get("operations").get(0).get("success").asBoolean()).isFalse();
  }

  @Test
  void templateAttacksFailSafelyThroughTheApi() {
    String integ = integration(token, null, 0);
    upstream.on("/echo", (ex, req) -> json(ex, 200, "{\"case\":{\"id\":\"C-1\"}}"));
    ObjectNode attack = createCaseAction(integ, "/echo");
    req(attack)
        .put(
            "requestTemplate",
            "{\"x\": \"$input.getClass().forName('java.lang.Runtime').getRuntime()\"}");
    String id = create(token, attack).get("id").asString();
    String input = "{\"customerId\":\"c\",\"subject\":\"s\",\"priority\":1}";
    assertThat(api.post(ACTIONS + "/" + id + "/execute", token, input).status()).isEqualTo(200);
    assertThat(upstream.received("/echo").getLast().body())
        .isEqualTo("{\"x\": \"$input.getClass().forName('java.lang.Runtime').getRuntime()\"}");

    ObjectNode loop = createCaseAction(integ, "/echo");
    req(loop)
        .put("requestTemplate", "#foreach($i in [1..2000000000])#foreach($j in [1..5])x#end#end");
    String loopId = create(token, loop).get("id").asString();
    int before = upstream.received("/echo").size();
    var r = api.post(ACTIONS + "/" + loopId + "/execute", token, input);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("code").asString()).isEqualTo("template.failed");
    assertThat(r.json().get("message").asString()).contains("#foreach iterations");
    assertThat(upstream.received("/echo")).hasSize(before);
  }

  static String fixture() {
    try (InputStream in =
        DataActionsIT.class.getResourceAsStream(
            "/integrations/genesys-export-lookup-customer.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The export's host stands for the partner API; the test's partner API is the loopback Upstream,
   * so only the scheme and host are swapped. Everything else is imported as exported.
   */
  static String fixtureFor(String path) {
    return fixture().replace("https://api.example-crm.com", upstream.url(path));
  }

  @Test
  void aGenesysExportImportsWithOneCallAndRunsUnchanged() {
    String cred = credential(token, "u", "p");
    String integ = integration(token, cred, 0);
    upstream.on(
        "/crm",
        (ex, req) ->
            json(
                ex,
                200,
                "{\"results\":[{\"id\":\"CU-1\",\"name\":\"Ann"
                    + " O'Neil\",\"cases\":[{\"id\":\"K-1\",\"status\":\"closed\"},{\"id\":\"K-2\",\"status\":\"open\"},{\"id\":\"K-3\",\"status\":\"open\"}]}]}"));
    var imported = api.post(ACTIONS + "/import?integrationId=" + integ, token, fixtureFor("/crm"));
    assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
    JsonNode a = imported.json();
    assertThat(a.get("name").asString())
        .isEqualTo("Lookup Customer By Phone - Exported 2026-11-02 @ 14:03");
    assertThat(a.get("integrationId").asString()).isEqualTo(integ);
    String id = a.get("id").asString();

    var r =
        api.post(ACTIONS + "/" + id + "/execute", token, "{\"phoneNumber\":\"+31 85 200 0000\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json())
        .isEqualTo(
            JSON.readTree(
                "{\"customerId\":\"CU-1\",\"name\":\"Ann"
                    + " O'Neil\",\"tier\":\"standard\",\"openCaseIds\":[\"K-2\",\"K-3\"],\"firstOpenCase\":\"K-2\"}"));
    assertThat(upstream.received("/crm").getLast().rawUri())
        .isEqualTo("/crm/v1/customers/search?phone=%2B31+85+200+0000&limit=1");
    assertThat(upstream.received("/crm").getLast().header("X-Request-Source"))
        .isEqualTo("genesys-cloud");

    // Ugly imports: no integration, another org's integration, a non-custom export.
    assertThat(api.post(ACTIONS + "/import", token, fixtureFor("/crm")).status()).isEqualTo(400);
    assertThat(
            api.post(
                    ACTIONS + "/import?integrationId=" + integration(otherToken, null, 0),
                    token,
                    fixtureFor("/crm"))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    ACTIONS + "/import?integrationId=" + integ,
                    token,
                    fixtureFor("/crm").replace("custom-rest-actions", "salesforce-datadip"))
                .status())
        .isEqualTo(400);
  }

  @Test
  void aFlowsCallDataNamesAnIntegrationAction() {
    String tok = api.token(server.newOrg());
    String integ = integration(tok, null, 0);
    upstream.on(
        "/flow-crm",
        (ex, req) ->
            json(
                ex,
                200,
                req.rawUri().contains("gold")
                    ? "{\"results\":[{\"id\":\"G\",\"name\":\"Gold\",\"loyalty\":{\"tier\":\"gold\"}}]}"
                    : "{\"results\":[]}"));
    var imported =
        api.post(
            ACTIONS + "/import?integrationId=" + integ + "&name=Lookup%20by%20phone",
            tok,
            fixtureFor("/flow-crm"));
    assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
    var f =
        api.post(
            "/api/v2/flows",
            tok,
            "{\"name\":\"Phone lookup\",\"type\":\"INBOUNDCALL\",\"description\":\"t\"}");
    String flowId = f.json().get("id").asString();
    String yaml =
        """
        inboundCall:
          name: Phone lookup
          startUpRef: "/inboundCall/tasks/task[main]"
          tasks:
            - task:
                name: Main
                refId: main
                actions:
                  - callData:
                      name: Lookup
                      category:
                        CRM:
                          dataAction:
                            Lookup by phone:
                              inputs:
                                phoneNumber:
                                  exp: Call.Ani
                              successOutputs:
                                tier: Task.tier
                      outputs:
                        success:
                          actions:
                            - disconnect:
                                name: Found
                        failure:
                          actions:
                            - disconnect:
                                name: Not found
                  - disconnect:
                      name: End
        """;
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + flowId + "/latestconfiguration",
            tok,
            yaml.getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var published = api.post("/api/v2/flows/actions/publish?flow=" + flowId, tok, null);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);

    JsonNode gold = runFlow(tok, flowId, "gold-1");
    JsonNode lookup = gold.get("trace").get("actions").get(0);
    assertThat(lookup.get("outcome").asString()).as(gold.toString()).isEqualTo("success");
    assertThat(lookup.get("variables").get("Task.tier").get("new").asString()).isEqualTo("gold");
    assertThat(lookup.get("dataAction").get("id").asString()).startsWith("custom_-_");
    // No customer: the success schema requires customerId, so the action fails and the flow
    // takes the failure path.
    JsonNode none = runFlow(tok, flowId, "nobody");
    assertThat(none.get("trace").get("actions").get(0).get("outcome").asString())
        .isEqualTo("failure");

    // By id too.
    String actionId = imported.json().get("id").asString();
    String byIdFlow =
        flowWith(tok, "Phone lookup by id", yaml.replace("Lookup by phone:", actionId + ":"));
    assertThat(api.post("/api/v2/flows/actions/publish?flow=" + byIdFlow, tok, null).status())
        .isEqualTo(200);
    JsonNode goldById = runFlow(tok, byIdFlow, "gold-2");
    assertThat(goldById.get("trace").get("actions").get(0).get("outcome").asString())
        .isEqualTo("success");
    // Another org's action is unknown to this org's flows.
    String foreignFlow =
        flowWith(otherToken, "Foreign", yaml.replace("Lookup by phone:", actionId + ":"));
    var foreign = api.post("/api/v2/flows/actions/publish?flow=" + foreignFlow, otherToken, null);
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.body()).contains("unknown data action");

    // The two published flows hold the action: neither it nor its integration can be deleted.
    var actionRefused = api.delete(ACTIONS + "/" + actionId, tok);
    assertThat(actionRefused.status()).as(actionRefused.toString()).isEqualTo(409);
    assertThat(actionRefused.json().get("code").asString()).isEqualTo("flow.reference.in.use");
    assertThat(actionRefused.json().get("messageParams").get("flows").asString())
        .isEqualTo("Phone lookup, Phone lookup by id");
    var integrationRefused = api.delete("/api/v2/integrations/" + integ, tok);
    assertThat(integrationRefused.status()).as(integrationRefused.toString()).isEqualTo(409);
    assertThat(integrationRefused.json().get("code").asString()).isEqualTo("flow.reference.in.use");
    assertThat(api.get(ACTIONS + "/" + actionId, tok).status()).isEqualTo(200);
    assertThat(
            runFlow(tok, flowId, "gold-3")
                .get("trace")
                .get("actions")
                .get(0)
                .get("outcome")
                .asString())
        .isEqualTo("success");
    // Another org cannot see it, let alone delete it.
    assertThat(api.delete(ACTIONS + "/" + actionId, otherToken).status()).isEqualTo(404);

    // Once no published flow uses it, it goes; with the integration, the rest of its actions go.
    assertThat(api.delete("/api/v2/flows/" + flowId, tok).status()).isEqualTo(204);
    var stillOne = api.delete(ACTIONS + "/" + actionId, tok);
    assertThat(stillOne.status()).isEqualTo(409);
    assertThat(stillOne.json().get("messageParams").get("flows").asString())
        .isEqualTo("Phone lookup by id");
    assertThat(api.delete("/api/v2/flows/" + byIdFlow, tok).status()).isEqualTo(204);
    assertThat(api.delete(ACTIONS + "/" + actionId, tok).status()).isEqualTo(204);
    assertThat(api.delete("/api/v2/integrations/" + integ, tok).status()).isEqualTo(200);
  }

  static String flowWith(String tok, String name, String yaml) {
    String id =
        api.post(
                "/api/v2/flows",
                tok,
                "{\"name\":\"" + name + "\",\"type\":\"INBOUNDCALL\",\"description\":\"t\"}")
            .json()
            .get("id")
            .asString();
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + id + "/latestconfiguration",
            tok,
            yaml.replace("name: Phone lookup\n", "name: " + name + "\n")
                .getBytes(StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    return id;
  }

  static JsonNode runFlow(String tok, String flowId, String ani) {
    var launched =
        api.post(
            "/api/v2/flows/executions",
            tok,
            "{\"flowId\":\"" + flowId + "\",\"inputData\":{\"Call.Ani\":\"" + ani + "\"}}");
    assertThat(launched.status()).as(launched.toString()).isEqualTo(200);
    String exec = launched.json().get("id").asString();
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          last[0] = api.get("/api/v2/flows/executions/" + exec, tok).json();
          return !last[0].get("status").asString().equals("RUNNING");
        });
    return last[0];
  }
}

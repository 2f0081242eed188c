package io.switchboard.server.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.integrations.JsonSchemas;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is fetched over HTTP from a real server and compared with the routes that
 * server registered: every {@code /api/v2} route, nothing else, each with its security.
 */
class OpenApiDocumentIT {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private static TestServer server;
  private static Api api;

  @BeforeAll
  static void start() {
    // One token makes a request to every operation below: no per-token bucket.
    server = TestServer.start(TestServer.NO_TOKEN_LIMIT);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode document() {
    Api.Response r = api.get(ApiDocsRoutes.DOCUMENT_PATH, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("Content-Type").orElseThrow()).startsWith("application/json");
    return r.json();
  }

  @Test
  void theDocumentListsExactlyTheRegisteredApiV2Routes() {
    JsonNode doc = document();
    Set<String> documented = new TreeSet<>();
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey()))
          documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }
    Set<String> registered = new TreeSet<>();
    for (String route : server.switchboard().routes()) {
      String path = route.substring(route.indexOf(' ') + 1);
      if (path.startsWith("/api/v2/")) registered.add(OpenApiDocument.template(route));
    }
    assertThat(registered).contains("GET " + ApiDocsRoutes.DOCUMENT_PATH);
    assertThat(registered).hasSizeGreaterThan(50);
    assertThat(documented).isEqualTo(registered);
  }

  @Test
  void everyOperationHasSecurityWithItsScopeUnlessPublic() {
    JsonNode doc = document();
    Set<String> operationIds = new HashSet<>();
    int withScope = 0;
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        String name = op.getKey() + " " + path.getKey();
        JsonNode operation = op.getValue();
        assertThat(operationIds.add(operation.get("operationId").asString()))
            .as("unique operationId for " + name)
            .isTrue();
        JsonNode security = operation.get("security");
        assertThat(security).as(name).isNotNull();
        assertThat(security.isArray() && !security.isEmpty()).as(name).isTrue();
        if (path.getKey().equals(ApiDocsRoutes.DOCUMENT_PATH)) {
          assertThat(security.get(0).isEmpty()).as("public: {}").isTrue();
          continue;
        }
        assertThat(security.get(0).has("bearer")).as(name).isTrue();
        if (!security.get(0).get("bearer").isEmpty()) withScope++;
        // The derived error answers: authentication and gates, the scope, the body, the {id}
        // (a HEAD answer has no body, so no code to list).
        if (op.getKey().equals("head")) continue;
        assertThat(codes(operation, 401)).as(name).contains("authentication.required");
        assertThat(codes(operation, 429)).as(name).contains("too.many.requests");
        assertThat(codes(operation, 500)).as(name).contains("internal.server.error");
        if (!security.get(0).get("bearer").isEmpty())
          assertThat(codes(operation, 403)).as(name).contains("missing.scope");
        if (path.getKey().contains("{"))
          assertThat(codes(operation, 404)).as(name).contains("not.found");
        if (operation.has("requestBody")) {
          assertThat(codes(operation, 400)).as(name).contains("bad.request");
          assertThat(codes(operation, 413)).as(name).contains("request.entity.too.large");
          assertThat(codes(operation, 415)).as(name).contains("unsupported.media.type");
        }
      }
    }
    assertThat(withScope).isGreaterThan(50);
    JsonNode roles = doc.at("/paths/~1api~1v2~1authorization~1roles");
    assertThat(roles.at("/get/security/0/bearer/0").asString()).isEqualTo("authorization");
    assertThat(roles.at("/post/security/0/bearer/0").asString()).isEqualTo("authorization");
    assertThat(roles.at("/get/x-switchboard-scopes").asString())
        .isEqualTo("authorization (or authorization:readonly)");
    assertThat(roles.at("/post/x-switchboard-scopes").asString()).isEqualTo("authorization");
  }

  @Test
  void theDocumentIsStructurallyOpenApi31AndEveryRefResolves() {
    JsonNode doc = document();
    assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
    assertThat(doc.at("/info/title").isString()).isTrue();
    assertThat(doc.at("/info/version").isString()).isTrue();
    assertThat(doc.get("paths").isObject()).isTrue();
    assertThat(doc.at("/components/schemas/ErrorBody/properties/code/type").asString())
        .isEqualTo("string");
    assertThat(doc.at("/components/schemas/ErrorBody/properties/errors/items/$ref").asString())
        .isEqualTo("#/components/schemas/ErrorBody");
    assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
    assertThat(
            doc.at("/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl")
                .asString())
        .isEqualTo("/oauth/token");
    for (var path : doc.get("paths").properties()) {
      assertThat(path.getKey()).startsWith("/api/v2/").doesNotContain("<", ">");
      for (var op : path.getValue().properties()) {
        assertThat(METHODS).contains(op.getKey());
        assertThat(op.getValue().get("responses").isObject()).isTrue();
        // Every {param} in the template is declared as a required path parameter.
        var matcher = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
        Set<String> declared = new HashSet<>();
        JsonNode params = op.getValue().get("parameters");
        if (params != null) for (JsonNode p : params) declared.add(p.get("name").asString());
        while (matcher.find()) assertThat(declared).contains(matcher.group(1));
      }
    }
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("unresolved " + ref).isFalse();
    }
    // Scopes named by operations are declared by the OAuth2 scheme.
    JsonNode declaredScopes =
        doc.at("/components/securitySchemes/oauth2/flows/clientCredentials/scopes");
    for (var path : doc.get("paths").properties())
      for (var op : path.getValue().properties())
        for (JsonNode req : op.getValue().get("security"))
          for (JsonNode scope : req.path("oauth2"))
            assertThat(declaredScopes.has(scope.asString())).as(scope.asString()).isTrue();
  }

  /** The ErrorBody codes the operation lists for the status (empty when none). */
  private static Set<String> codes(JsonNode operation, int status) {
    Set<String> out = new TreeSet<>();
    JsonNode values =
        operation.at(
            "/responses/" + status + "/content/application~1json/schema/properties/code/enum");
    for (JsonNode v : values) out.add(v.asString());
    return out;
  }

  /**
   * Every operation says what it takes and returns: a request body schema when it reads one, a
   * schema for each 2xx answer with a body, never an operation left undescribed. The check that a
   * route reading a body really declares one, or answering a body really describes it, is made on
   * every answer ({@code DocConformance}; see {@link #theRoutesAnswerAsTheirDocsSay}).
   */
  @Test
  void everyOperationDeclaresWhatItTakesAndReturns() {
    JsonNode doc = document();
    int withRequest = 0;
    int withResponse = 0;
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        String name = op.getKey() + " " + path.getKey();
        JsonNode operation = op.getValue();
        assertThat(operation.has("x-switchboard-undocumented"))
            .as(name + " has no Doc at its registration")
            .isFalse();
        JsonNode body = operation.get("requestBody");
        if (body != null) {
          withRequest++;
          assertThat(body.get("content").isEmpty()).as(name).isFalse();
          for (var media : body.get("content").properties())
            assertThat(media.getValue().get("schema").isObject()).as(name).isTrue();
        } else {
          assertThat(op.getKey()).as(name).isNotEqualTo("put").isNotEqualTo("patch");
        }
        boolean success = false;
        for (var answer : operation.get("responses").properties()) {
          if (!answer.getKey().startsWith("2")) continue;
          success = true;
          JsonNode content = answer.getValue().get("content");
          if (answer.getKey().equals("204") || op.getKey().equals("head")) {
            assertThat(content).as(name + " " + answer.getKey()).isNull();
          } else if (content != null) {
            withResponse++;
            for (var media : content.properties())
              assertThat(media.getValue().get("schema").isObject()).as(name).isTrue();
          }
        }
        assertThat(success).as(name + " has a 2xx answer").isTrue();
      }
    }
    assertThat(withRequest).isGreaterThan(40);
    assertThat(withResponse).isGreaterThan(80);
    // Schemas come from the records: a listing is the Genesys entity listing of its view.
    assertThat(
            doc.at(
                    "/paths/~1api~1v2~1scripts/get/responses/200/content/application~1json/schema/$ref")
                .asString())
        .isEqualTo("#/components/schemas/ScriptViewEntityListing");
    assertThat(
            doc.at("/components/schemas/ScriptViewEntityListing/properties/entities/items/$ref")
                .asString())
        .isEqualTo("#/components/schemas/ScriptView");
    assertThat(
            doc.at("/components/schemas/ScriptViewEntityListing/properties/pageCount/type")
                .asString())
        .isEqualTo("integer");
    assertThat(
            doc.at(
                    "/paths/~1api~1v2~1scripts/post/requestBody/content/application~1json/schema/$ref")
                .asString())
        .isEqualTo("#/components/schemas/ScriptRequest");
    // A @JsonProperty name is the wire name.
    assertThat(doc.at("/components/schemas/TokenInfoView/properties/OAuthClient/$ref").asString())
        .isEqualTo("#/components/schemas/TokenClientView");
    // The same simple name in two features is two schemas.
    assertThat(doc.at("/components/schemas").propertyNames()).contains("ScriptView");
  }

  /**
   * Codes the server produces (each made here as the feature ITs make it) are listed under the
   * route that produced them, and nothing this test's traffic received contradicts a Doc.
   */
  @Test
  void theRoutesAnswerAsTheirDocsSay() {
    var org = server.newOrg();
    String token = api.token(org);
    JsonNode doc = document();
    List<String> checked = new ArrayList<>();

    // DELETE of an external API a published flow uses: 409 flow.reference.in.use.
    var created =
        api.post(
            "/api/v2/architect/external-apis",
            token,
            "{\"name\":\"Referenced\",\"method\":\"GET\",\"url\":\"https://crm.example.com/x\","
                + "\"timeout\":2000,\"retry\":0,"
                + "\"responseMapping\":{\"outputs\":{\"tier\":\"$.tier\"}}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String apiId = created.json().get("id").asString();
    String flowId =
        api.post("/api/v2/flows", token, "{\"name\":\"Uses it\",\"type\":\"INBOUNDCALL\"}")
            .json()
            .get("id")
            .asString();
    String yaml =
        """
        inboundCall:
          name: Uses it
          startUpRef: "/inboundCall/tasks/task[t]"
          tasks:
            - task:
                name: T
                refId: t
                actions:
                  - callData:
                      name: Lookup
                      category:
                        Any:
                          dataAction:
                            Referenced: {}
                  - disconnect:
                      name: Bye
        """;
    var saved =
        api.raw(
            "PUT",
            "/api/v2/flows/" + flowId + "/latestconfiguration",
            token,
            yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "Content-Type",
            "application/yaml");
    assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
    var published = api.post("/api/v2/flows/actions/publish?flow=" + flowId, token, null);
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    expect(
        doc,
        api.delete("/api/v2/architect/external-apis/" + apiId, token),
        "delete",
        "/api/v2/architect/external-apis/{id}",
        409,
        "flow.reference.in.use",
        checked);

    // A stale version: 409 version.mismatch.
    var script = api.post("/api/v2/scripts", token, "{\"name\":\"Doc script\",\"pages\":[]}");
    assertThat(script.status()).as(script.toString()).isEqualTo(201);
    String scriptId = script.json().get("id").asString();
    expect(
        doc,
        api.put(
            "/api/v2/scripts/" + scriptId,
            token,
            "{\"name\":\"Doc script\",\"pages\":[],\"version\":99}"),
        "put",
        "/api/v2/scripts/{id}",
        409,
        "version.mismatch",
        checked);

    // A taken name, a missing id, a bad body, a wrong media type.
    assertThat(api.post("/api/v2/routing/queues", token, "{\"name\":\"Doc queue\"}").status())
        .isEqualTo(200);
    expect(
        doc,
        api.post("/api/v2/routing/queues", token, "{\"name\":\"Doc queue\"}"),
        "post",
        "/api/v2/routing/queues",
        409,
        "queue.name.taken",
        checked);
    expect(
        doc,
        api.get("/api/v2/routing/queues/nope", token),
        "get",
        "/api/v2/routing/queues/{id}",
        404,
        "not.found",
        checked);
    expect(
        doc,
        api.post("/api/v2/routing/wrapupcodes", token, "{\"name\":"),
        "post",
        "/api/v2/routing/wrapupcodes",
        400,
        "bad.request",
        checked);
    expect(
        doc,
        api.raw("POST", "/api/v2/users", token, "x".getBytes(), "Content-Type", "text/plain"),
        "post",
        "/api/v2/users",
        415,
        "unsupported.media.type",
        checked);
    // A client token on a user-only route.
    expect(
        doc,
        api.get("/api/v2/users/me", token),
        "get",
        "/api/v2/users/me",
        400,
        "not.a.user",
        checked);
    // No token, and a token without the scope.
    expect(
        doc,
        api.get("/api/v2/flows", null),
        "get",
        "/api/v2/flows",
        401,
        "authentication.required",
        checked);
    String onlyScripts = limitedToken(token, "scripts");
    expect(
        doc,
        api.get("/api/v2/flows", onlyScripts),
        "get",
        "/api/v2/flows",
        403,
        "missing.scope",
        checked);
    // An idempotency key reused with another body: 422.
    String user =
        api.post(
                "/api/v2/users",
                token,
                "{\"name\":\"Doc agent\",\"email\":\"doc.agent@example.com\"}")
            .json()
            .get("id")
            .asString();
    String call = "{\"from\":\"+15550001\",\"to\":\"+15550002\",\"agentId\":\"" + user + "\"}";
    var first = api.post("/api/v2/conversations/calls", token, call, "Idempotency-Key", "doc-key");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    expect(
        doc,
        api.post(
            "/api/v2/conversations/calls",
            token,
            call.replace("0002", "0003"),
            "Idempotency-Key",
            "doc-key"),
        "post",
        "/api/v2/conversations/calls",
        422,
        "idempotency.key.reused",
        checked);

    assertThat(checked).hasSize(10);

    // Real answers match their documented schemas: every listing without a path parameter, and
    // single entities of several features.
    int lists = 0;
    for (var path : doc.get("paths").properties()) {
      JsonNode get = path.getValue().get("get");
      if (get == null || path.getKey().contains("{") || path.getKey().endsWith("/users/me"))
        continue;
      if (path.getKey().equals(ApiDocsRoutes.DOCUMENT_PATH)) continue;
      boolean needsQuery = false;
      for (JsonNode p : get.path("parameters"))
        needsQuery |= p.path("required").asBoolean() && p.path("in").asString().equals("query");
      if (needsQuery) continue;
      Api.Response r = api.get(path.getKey(), token);
      assertThat(r.status()).as(path.getKey() + ": " + r).isEqualTo(200);
      conforms(doc, r, "get", path.getKey());
      lists++;
    }
    assertThat(lists).isGreaterThan(20);
    conforms(doc, api.get("/api/v2/scripts/" + scriptId, token), "get", "/api/v2/scripts/{id}");
    conforms(doc, api.get("/api/v2/flows/" + flowId, token), "get", "/api/v2/flows/{id}");
    conforms(
        doc,
        api.get("/api/v2/architect/external-apis/" + apiId, token),
        "get",
        "/api/v2/architect/external-apis/{id}");
    conforms(doc, first, "post", "/api/v2/conversations/calls");
    conforms(doc, api.get("/api/v2/users/" + user, token), "get", "/api/v2/users/{id}");
    conforms(doc, api.get("/api/v2/tokens/me", token), "get", "/api/v2/tokens/me");
    // Everything above, successes included, matched the routes' Docs.
    assertThat(server.switchboard().docMismatches()).isEmpty();
  }

  /**
   * Every schema of the document is a valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1),
   * checked against the meta-schema by the validator the server already uses (networknt), with
   * every {@code $ref} resolved.
   */
  @Test
  void everySchemaIsValidJsonSchema202012() {
    JsonNode doc = document();
    var validator = new JsonSchemas();
    int n = 0;
    for (String name : doc.at("/components/schemas").propertyNames()) {
      validator.compile(rooted(doc, doc.at("/components/schemas").get(name)));
      n++;
    }
    assertThat(n).isGreaterThan(60);
    // The validator does refuse a broken schema: the check can fail.
    var broken = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    broken.put("type", "no-such-type");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> validator.compile(rooted(doc, broken)))
        .isInstanceOf(JsonSchemas.InvalidSchema.class);
  }

  /** {@code schema} as a 2020-12 schema whose {@code #/components/schemas/...} refs resolve. */
  private static JsonNode rooted(JsonNode doc, JsonNode schema) {
    var root = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.putObject("components").set("schemas", doc.at("/components/schemas"));
    root.putArray("allOf").add(schema);
    return root;
  }

  /** The body of a real answer validates against the schema the document gives for it. */
  private static void conforms(JsonNode doc, Api.Response r, String method, String template) {
    JsonNode schema =
        doc.get("paths")
            .get(template)
            .get(method)
            .at("/responses/" + r.status() + "/content/application~1json/schema");
    assertThat(schema.isMissingNode()).as(method + " " + template + " " + r.status()).isFalse();
    List<String> errors = new JsonSchemas().errors(rooted(doc, schema), r.json());
    assertThat(errors).as(method + " " + template + ": " + r.body()).isEmpty();
  }

  private static void expect(
      JsonNode doc,
      Api.Response r,
      String method,
      String template,
      int status,
      String code,
      List<String> checked) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json().get("code").asString()).as(r.toString()).isEqualTo(code);
    JsonNode operation = doc.get("paths").get(template).get(method);
    assertThat(operation).as(method + " " + template).isNotNull();
    assertThat(codes(operation, status)).as(method + " " + template + " " + status).contains(code);
    checked.add(code);
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (var field : node.properties()) {
        if (field.getKey().equals("$ref")) out.add(field.getValue().asString());
        else collectRefs(field.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) collectRefs(child, out);
    }
  }

  @Test
  void theDocumentNeedsNoTokenAndIsCacheableWithAnETag() {
    Api.Response first = api.get(ApiDocsRoutes.DOCUMENT_PATH, null);
    String etag = first.header("ETag").orElseThrow();
    Api.Response again = api.get(ApiDocsRoutes.DOCUMENT_PATH, null, "If-None-Match", etag);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    Api.Response other = api.get(ApiDocsRoutes.DOCUMENT_PATH, null, "If-None-Match", "\"x\"");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.body()).isEqualTo(first.body());
    // A token (even a bad one) is not looked at on the public route.
    assertThat(api.get(ApiDocsRoutes.DOCUMENT_PATH, "not-a-token").status()).isEqualTo(200);
  }

  /**
   * The scope the document names is the one the server enforces: every operation, called with a
   * token that lacks it, is 403 {@code missing.scope} naming that scope.
   */
  @Test
  void theDocumentedScopeIsTheEnforcedOne() {
    var org = server.newOrg();
    String admin = api.token(org);
    String onlyOauth = limitedToken(admin, "oauth");
    String onlyScripts = limitedToken(admin, "scripts");
    JsonNode doc = document();
    int checked = 0;
    for (var path : doc.get("paths").properties()) {
      String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
      for (var op : path.getValue().properties()) {
        JsonNode scopes = op.getValue().at("/security/0/bearer");
        if (scopes.isMissingNode() || scopes.isEmpty()) continue;
        Set<String> documented = new HashSet<>();
        for (JsonNode n : scopes) documented.add(n.asString());
        String token = documented.contains("oauth") ? onlyScripts : onlyOauth;
        Api.Response r = api.raw(op.getKey().toUpperCase(Locale.ROOT), concrete, token, null);
        String name = op.getKey() + " " + path.getKey();
        assertThat(r.status()).as(name + ": " + r).isEqualTo(403);
        checked++;
        if (op.getKey().equals("head")) continue; // no body to read the code from
        assertThat(r.json().path("code").asString()).as(name + ": " + r).isEqualTo("missing.scope");
        assertThat(documented).as(name).contains(r.json().at("/messageParams/scope").asString());
      }
    }
    assertThat(checked).isGreaterThan(50);
  }

  private static String limitedToken(String admin, String scope) {
    var client =
        api.post(
            "/api/v2/oauth/clients",
            admin,
            "{\"name\":\"only-" + scope + "\",\"scope\":[\"" + scope + "\"]}");
    assertThat(client.status()).as(client.toString()).isIn(200, 201);
    return api.token(client.json().get("id").asString(), client.json().get("secret").asString());
  }

  @Test
  void theRestOfApiV2StillNeedsAToken() {
    Api.Response r = api.get("/api/v2/authorization/roles", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("code").asString()).isEqualTo("authentication.required");
    Api.Response missing = api.get("/api/v2/docs/other.json", null);
    assertThat(missing.status()).isIn(401, 404);
  }
}
